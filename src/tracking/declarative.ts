/**
 * Declarative tracking for pages without JavaScript of their own:
 * - `data-reco-track="view" data-reco-item="ID"`: a view, once, when the element is in the document;
 * - `data-reco-track="cart|purchase|click" data-reco-item="ID"`: on click;
 * - `<form data-reco-track="search">`: the value of its input named `q`, on submit.
 */
import { track, type TrackInput } from './track.js';

const recordedViews = new WeakSet<Element>();

function report(error: unknown): void {
  console.warn('[reco-widget] declarative tracking:', error);
}

function recordViews(root: ParentNode): void {
  const elements = root instanceof Element && root.matches('[data-reco-track="view"]') ? [root] : [];
  elements.push(...root.querySelectorAll('[data-reco-track="view"]'));
  for (const element of elements) {
    if (recordedViews.has(element)) continue;
    recordedViews.add(element);
    const itemId = element.getAttribute('data-reco-item') ?? '';
    track({ type: 'view', itemId }).catch(report);
  }
}

function onClick(event: Event): void {
  const target = (event.target as Element | null)?.closest?.('[data-reco-track]');
  const type = target?.getAttribute('data-reco-track');
  if (!target || (type !== 'cart' && type !== 'purchase' && type !== 'click')) return;
  track({ type, itemId: target.getAttribute('data-reco-item') ?? '' } satisfies TrackInput).catch(report);
}

function onSubmit(event: Event): void {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.getAttribute('data-reco-track') !== 'search') return;
  const field = form.elements.namedItem('q');
  const query = field instanceof HTMLInputElement ? field.value : '';
  if (query.trim()) track({ type: 'search', query }).catch(report);
}

let installed = false;

/** Starts declarative tracking on `doc` (idempotent): current and later-added elements. */
export function installDeclarativeTracking(doc: Document = document): void {
  if (installed) return;
  installed = true;
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('submit', onSubmit, true);
  const start = () => {
    recordViews(doc);
    new MutationObserver((mutations) => {
      for (const m of mutations) m.addedNodes.forEach((node) => node instanceof Element && recordViews(node));
    }).observe(doc.documentElement, { childList: true, subtree: true });
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
