/**
 * The cart (the store's own localStorage state). Checkout records one purchase per line through
 * the widget's tracking API, empties the cart and shows the post-purchase widget.
 */
import { track } from '../../src/index.js';
import { clearCart, readCart, removeFromCart } from './cart.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { createWidget, escapeHtml, formatPrice, productUrl, setUpPage, showPageError } from './layout.js';

setUpPage();
const cartSection = document.getElementById('cart')!;
const afterPurchase = document.getElementById('after-purchase')!;

function renderCart(catalog: Catalog): void {
  const lines = readCart().filter((line) => catalog.byId.has(line.itemId));
  if (lines.length === 0) {
    cartSection.innerHTML = '<p class="notice" data-cart-empty>Your cart is empty. <a href="index.html">Keep shopping</a></p>';
    return;
  }
  let total = 0;
  const rows = lines.map((line) => {
    const item = catalog.byId.get(line.itemId)!;
    total += (item.price ?? 0) * line.quantity;
    return (
      `<li class="cart-line" data-item-id="${escapeHtml(item.id)}">` +
      (item.image ? `<img src="${escapeHtml(item.image)}" alt="" width="56" height="56">` : '') +
      `<a href="${productUrl(item.id)}">${escapeHtml(item.title)}</a>` +
      `<span>× ${line.quantity}</span><span>${formatPrice(item.price)}</span>` +
      `<button type="button" data-remove="${escapeHtml(item.id)}">Remove</button></li>`
    );
  });
  cartSection.innerHTML =
    `<ul class="cart-lines">${rows.join('')}</ul>` +
    `<p class="total">Total: <strong>${formatPrice(total)}</strong></p>` +
    `<button id="checkout" type="button">Check out</button>`;
  for (const button of cartSection.querySelectorAll<HTMLButtonElement>('[data-remove]')) {
    button.addEventListener('click', () => {
      removeFromCart(button.dataset.remove!);
      renderCart(catalog);
    });
  }
  document.getElementById('checkout')!.addEventListener('click', () => void checkout(catalog, lines.map((line) => line.itemId)));
}

async function checkout(catalog: Catalog, itemIds: readonly string[]): Promise<void> {
  for (const itemId of itemIds) await track({ type: 'purchase', itemId });
  clearCart();
  renderCart(catalog);
  document.getElementById('post-purchase-slot')!.replaceChildren(createWidget({ id: 'post-purchase-widget', scenario: 'post-purchase', limit: '6' }));
  afterPurchase.hidden = false;
}

try {
  renderCart(await loadCatalog());
} catch (error) {
  showPageError(cartSection, error);
} finally {
  cartSection.removeAttribute('aria-busy');
}
