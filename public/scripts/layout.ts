/**
 * What every page of the demo store shares: product links and cards, the header's cart count
 * and search form, the "widget is learning" panel, and the service worker.
 */
import type { CatalogItem } from '../../src/model/artifacts.js';
import { track } from '../../src/index.js';
import { cartCount } from './cart.js';
import { MANIFEST_URL } from './catalog.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const priceFormat = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function formatPrice(price: number | null): string {
  return price === null ? '' : priceFormat.format(price);
}

/**
 * Product pages are addressed by the URL fragment (`product.html#id=P0042`): a fragment never
 * leaves the browser, so not even the store's own server learns which product was opened.
 * `?id=` is accepted too, for links from elsewhere.
 */
export function productUrl(itemId: string): string {
  return `product.html#id=${encodeURIComponent(itemId)}`;
}

/** The widget's `item-href`: its cards link to our product pages. */
export const WIDGET_ITEM_HREF = 'product.html#id={id}';

/** A <reco-widget> for the store's model, with the store's links and currency. */
export function createWidget(attributes: Record<string, string>): HTMLElement {
  const widget = document.createElement('reco-widget');
  widget.setAttribute('model', MANIFEST_URL);
  widget.setAttribute('item-href', WIDGET_ITEM_HREF);
  widget.setAttribute('currency', 'EUR');
  for (const [name, value] of Object.entries(attributes)) widget.setAttribute(name, value);
  return widget;
}

export function searchUrl(query: string): string {
  return `search.html#q=${encodeURIComponent(query)}`;
}

/** A parameter from the fragment (`#id=…&q=…`), else from the query string. */
export function pageParameter(name: string): string | null {
  return new URLSearchParams(location.hash.slice(1)).get(name) ?? new URLSearchParams(location.search).get(name);
}

/** A product card of the merchant's own listing (not the widget's). */
export function productCard(item: CatalogItem): string {
  const image = item.image ? `<img src="${escapeHtml(item.image)}" alt="" width="96" height="96" loading="lazy">` : '';
  return (
    `<a class="card" href="${productUrl(item.id)}" data-item-id="${escapeHtml(item.id)}">${image}` +
    `<span class="card-title">${escapeHtml(item.title)}</span>` +
    `<span class="card-price">${formatPrice(item.price)}</span></a>`
  );
}

function showCartCount(): void {
  const badge = document.querySelector<HTMLElement>('[data-cart-count]');
  if (badge) badge.textContent = String(cartCount());
}

/**
 * Search stays on the device: the query goes in the fragment, the results are computed here.
 * On the search page the form is declarative (`data-reco-track="search"`: the widget records the
 * query) and only the fragment changes. Elsewhere the search leaves the page, so it is recorded
 * first: a navigation could cut an IndexedDB write short.
 */
function wireSearchForms(): void {
  const onSearchPage = location.pathname.endsWith('/search.html');
  for (const form of document.querySelectorAll<HTMLFormElement>('form.search')) {
    const input = form.querySelector<HTMLInputElement>('input[name="q"]');
    const current = pageParameter('q');
    if (input && current && onSearchPage) input.value = current;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = input?.value.trim() ?? '';
      if (!query) return;
      if (onSearchPage) {
        location.hash = `q=${encodeURIComponent(query)}`;
        return;
      }
      track({ type: 'search', query })
        .catch((error: unknown) => console.warn('search not recorded:', error))
        .finally(() => location.assign(searchUrl(query)));
    });
  }
}

/** The small "the widget is learning" panel: the last ranking's backend and time. */
function wireLearningPanel(): void {
  const panel = document.querySelector<HTMLElement>('[data-learning]');
  if (!panel) return;
  // Capture phase: reco-ranked reaches the document whether or not it bubbles.
  document.addEventListener(
    'reco-ranked',
    (event) => {
      const detail = (event as CustomEvent<{ itemIds?: string[]; scenario?: string; backend?: string; ms?: number }>).detail ?? {};
      const ms = typeof detail.ms === 'number' ? `${detail.ms.toFixed(1)} ms` : '';
      panel.dataset.backend = detail.backend ?? '';
      panel.textContent =
        `Ranked ${detail.itemIds?.length ?? 0} products for “${detail.scenario ?? ''}” on this device ` +
        `(${detail.backend ?? 'unknown'} backend${ms ? `, ${ms}` : ''}). Nothing you do leaves your browser.`;
    },
    true,
  );
}

function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('service worker not registered:', error);
  });
}

export function setUpPage(): void {
  showCartCount();
  window.addEventListener('cart-changed', showCartCount);
  window.addEventListener('storage', showCartCount);
  wireSearchForms();
  wireLearningPanel();
  registerServiceWorker();
}

/** Shows a failure in the page's main area instead of leaving it blank. */
export function showPageError(container: Element, error: unknown): void {
  container.innerHTML = `<p class="notice">Could not load the catalog: ${escapeHtml(String((error as Error)?.message ?? error))}</p>`;
}
