/** "Your activity": what is stored on this device, with erase and opt-out. */
import { html, nothing, type TemplateResult } from 'lit';
import type { StoredEvent } from '../store/schema.js';

export interface ActivityOptions {
  open: boolean;
  events: readonly StoredEvent[];
  optedOut: boolean;
  storage: 'indexeddb' | 'memory';
  titleOf: (id: string) => string;
  onToggle: () => void;
  onErase: () => void;
  onOptOut: (optedOut: boolean) => void;
}

const LABELS: Record<string, string> = { view: 'Viewed', cart: 'Added to cart', purchase: 'Bought', search: 'Searched', click: 'Clicked', rating: 'Rated' };

export function renderActivity(o: ActivityOptions): TemplateResult {
  const button = html`<button part="activity-button" type="button" aria-expanded=${o.open ? 'true' : 'false'} @click=${o.onToggle}>Your activity</button>`;
  if (!o.open) return button;
  const newestFirst = [...o.events].reverse();
  return html`${button}
    <section part="activity" aria-label="Your activity">
      <p>
        Stored only on this device (${o.storage === 'indexeddb' ? 'browser storage' : 'this tab only'}), used to personalise
        these suggestions, never sent anywhere. ${o.events.length} event${o.events.length === 1 ? '' : 's'}.
      </p>
      ${newestFirst.length
        ? html`<ol part="activity-list">
            ${newestFirst.map(
              (e) => html`<li data-event-type=${e.type}>
                ${LABELS[e.type] ?? e.type}: ${e.type === 'search' ? `“${e.query ?? ''}”` : o.titleOf(e.itemId ?? '')}
                <time datetime=${new Date(e.timestamp).toISOString()}>${new Date(e.timestamp).toLocaleString()}</time>
              </li>`,
            )}
          </ol>`
        : nothing}
      <button part="activity-erase" type="button" @click=${o.onErase}>Erase my activity</button>
      <button part="activity-optout" type="button" @click=${() => o.onOptOut(!o.optedOut)}>
        ${o.optedOut ? 'Turn personalisation on' : 'Turn personalisation off'}
      </button>
    </section>`;
}
