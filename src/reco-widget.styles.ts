/** Theming: every value is a --reco-* custom property with a fallback; parts name each role. */
import { css } from 'lit';

export const widgetStyles = css`
  :host {
    display: block;
    font: var(--reco-font, inherit);
    color: var(--reco-text-color, inherit);
  }
  :host([hidden]) {
    display: none;
  }
  [part='list'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--reco-gap, 12px);
    grid-template-columns: repeat(auto-fill, minmax(var(--reco-card-min-width, 160px), 1fr));
  }
  [part='item'] {
    background: var(--reco-card-background, transparent);
    border: var(--reco-card-border, 1px solid rgba(0, 0, 0, 0.12));
    border-radius: var(--reco-card-radius, 8px);
    padding: var(--reco-card-padding, 8px);
    cursor: pointer;
    display: flex;
  }
  [part='link'] {
    color: inherit;
    text-decoration: none;
    display: flex;
    flex-direction: column;
    gap: 4px;
    width: 100%;
    background: none;
    border: 0;
    padding: 0;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  [part='image'] {
    width: 100%;
    aspect-ratio: var(--reco-image-aspect-ratio, 1);
    object-fit: cover;
    border-radius: var(--reco-image-radius, 4px);
    background: var(--reco-image-background, rgba(0, 0, 0, 0.04));
  }
  [part='title'] {
    font-weight: var(--reco-title-weight, 600);
  }
  [part='price'] {
    color: var(--reco-price-color, inherit);
  }
  [part='reason'] {
    color: var(--reco-muted-color, rgba(0, 0, 0, 0.6));
    font-size: var(--reco-reason-font-size, 0.85em);
  }
  [part='activity-button'] {
    margin-top: var(--reco-gap, 12px);
    background: none;
    border: 0;
    padding: 0;
    color: var(--reco-accent-color, #0b57d0);
    font: inherit;
    font-size: 0.85em;
    cursor: pointer;
    text-decoration: underline;
  }
  [part='activity'] {
    margin-top: 8px;
    padding: 12px;
    border: var(--reco-card-border, 1px solid rgba(0, 0, 0, 0.12));
    border-radius: var(--reco-card-radius, 8px);
    background: var(--reco-activity-background, var(--reco-card-background, transparent));
  }
  [part='activity'] ol {
    max-height: 240px;
    overflow: auto;
    padding-inline-start: 1.2em;
  }
  [part='activity'] button {
    margin-inline-end: 8px;
  }
`;
