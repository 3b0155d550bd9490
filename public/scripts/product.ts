/**
 * Product details. The product comes from the URL fragment, so the store's server never sees it;
 * the view is recorded declaratively: a `data-reco-track="view"` marker is added once the product
 * is known to exist (the widget records markers present at start-up and added later).
 */
import '../../src/index.js';
import { addToCart } from './cart.js';
import { loadCatalog } from './catalog.js';
import { createWidget, escapeHtml, formatPrice, pageParameter, setUpPage, showPageError } from './layout.js';

setUpPage();
// Another product from a link on this page is a same-document navigation: start afresh.
window.addEventListener('hashchange', () => location.reload());

const article = document.getElementById('product')!;
const widgetSlot = document.getElementById('product-widget-slot')!;
const itemId = pageParameter('id');

try {
  const catalog = await loadCatalog();
  const item = itemId ? catalog.byId.get(itemId) : undefined;
  if (!item) {
    article.innerHTML = `<p class="notice">No such product${itemId ? ` (${escapeHtml(itemId)})` : ''}. <a href="index.html">Back to the shop</a></p>`;
  } else {
    document.title = `${item.title} · Northwind Goods`;
    const marker = document.createElement('div');
    marker.hidden = true;
    marker.dataset.recoTrack = 'view';
    marker.dataset.recoItem = item.id;
    article.before(marker);
    article.innerHTML =
      `<div class="product-image">${item.image ? `<img src="${escapeHtml(item.image)}" alt="" width="240" height="240">` : ''}</div>` +
      `<div class="product-info"><p class="crumb"><a href="index.html">Shop</a> › ${escapeHtml(item.category)}</p>` +
      `<h1 data-product-title>${escapeHtml(item.title)}</h1>` +
      (item.brand ? `<p class="brand-line">by ${escapeHtml(item.brand)}</p>` : '') +
      `<p class="price">${formatPrice(item.price)}</p>` +
      (item.consumable ? '<p class="badge">Runs out: buy again anytime</p>' : '') +
      `<button id="add-to-cart" type="button" data-reco-track="cart" data-reco-item="${escapeHtml(item.id)}">Add to cart</button>` +
      ` <span id="cart-status" role="status"></span></div>`;
    document.getElementById('add-to-cart')!.addEventListener('click', () => {
      addToCart(item.id);
      document.getElementById('cart-status')!.textContent = 'Added to your cart.';
    });
    widgetSlot.append(createWidget({ id: 'product-widget', scenario: 'product', item: item.id, limit: '6' }));
  }
} catch (error) {
  showPageError(article, error);
} finally {
  article.removeAttribute('aria-busy');
}
