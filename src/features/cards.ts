/** The rendered list: product cards with title, price, image and the reason each is there. */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { CatalogItem } from '../model/artifacts.js';
import type { Reason } from '../ranking/scenarios.js';

export interface Card {
  item: CatalogItem;
  reason: Reason;
}

const VERBS: Record<string, string> = { view: 'viewed', cart: 'added', purchase: 'bought', click: 'looked at', search: 'searched', rating: 'rated' };

/** "Because you viewed X", from the model's nearest history item (see ranking/scenarios.ts). */
export function reasonText(reason: Reason, titleOf: (index: number) => string): string {
  switch (reason.kind) {
    case 'history':
      return reason.event === 'cart' ? `Because you added ${titleOf(reason.anchor)} to your cart` : `Because you ${VERBS[reason.event] ?? 'viewed'} ${titleOf(reason.anchor)}`;
    case 'search':
      return `Because you searched for “${reason.query}”`;
    case 'similar':
      return `Similar to ${titleOf(reason.anchor)}`;
    case 'complement':
      return `Goes with ${titleOf(reason.anchor)}`;
    case 'popular':
      return 'Popular right now';
    case 'merchant':
      return '';
  }
}

export interface CardOptions {
  cards: readonly Card[];
  /** The catalog's URL: relative image paths resolve against it. */
  imageBase: string;
  /** The page's origin (images may come from it or the catalog's). */
  pageOrigin: string;
  currency: string;
  explain: boolean;
  hrefFor: (id: string) => string | null;
  titleOf: (index: number) => string;
  onPick: (event: Event, id: string, position: number) => void;
}

/** Raster or SVG data URIs only; an SVG in <img> runs no script. */
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif|svg\+xml)[;,]/i;

/**
 * The image URL a card may load, or null: a data:image/* URI, or an http(s) URL on the page's or
 * the catalog's origin (relative paths resolve against the catalog). Anything else (javascript:,
 * other schemes, third-party hosts that would learn what the shopper sees) is dropped.
 */
export function safeImageUrl(image: string | undefined, catalogUrl: string, pageOrigin: string): string | null {
  if (!image) return null;
  const trimmed = image.trim();
  if (DATA_IMAGE.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed, catalogUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin === pageOrigin || url.origin === new URL(catalogUrl).origin ? url.href : null;
}

function formatPrice(price: number | null, currency: string): string {
  if (price === null) return '';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(price);
  } catch {
    return price.toFixed(2);
  }
}

export function renderCards(o: CardOptions): TemplateResult {
  return html`<ol part="list">
    ${repeat(
      o.cards,
      (card) => card.item.id,
      (card, position) => {
        const href = o.hrefFor(card.item.id);
        const image = safeImageUrl(card.item.image, o.imageBase, o.pageOrigin);
        const reason = o.explain ? reasonText(card.reason, o.titleOf) : '';
        const body = html`${image ? html`<img part="image" src=${image} alt="" loading="lazy" decoding="async" />` : nothing}
          <span part="title">${card.item.title}</span>
          <span part="price">${formatPrice(card.item.price, o.currency)}</span>
          ${reason ? html`<span part="reason">${reason}</span>` : nothing}`;
        return html`<li part="item" data-item-id=${card.item.id} @click=${(e: Event) => o.onPick(e, card.item.id, position)}>
          ${href ? html`<a part="link" href=${href}>${body}</a>` : html`<button part="link" type="button">${body}</button>`}
        </li>`;
      },
    )}
  </ol>`;
}
