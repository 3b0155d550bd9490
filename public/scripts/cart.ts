/**
 * The demo store's own cart, in localStorage: the merchant's state, never sent anywhere
 * (checkout here is a demo: it records purchases for the widget and empties the cart).
 */
const CART_KEY = 'reco-demo-cart';

export interface CartLine {
  itemId: string;
  quantity: number;
}

export function readCart(): CartLine[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (line): line is CartLine => typeof line?.itemId === 'string' && Number.isInteger(line?.quantity) && line.quantity > 0,
    );
  } catch {
    return [];
  }
}

function writeCart(lines: readonly CartLine[]): void {
  localStorage.setItem(CART_KEY, JSON.stringify(lines));
  window.dispatchEvent(new CustomEvent('cart-changed'));
}

export function addToCart(itemId: string): void {
  const lines = readCart();
  const line = lines.find((candidate) => candidate.itemId === itemId);
  if (line) line.quantity++;
  else lines.push({ itemId, quantity: 1 });
  writeCart(lines);
}

export function removeFromCart(itemId: string): void {
  writeCart(readCart().filter((line) => line.itemId !== itemId));
}

export function clearCart(): void {
  writeCart([]);
}

export function cartCount(): number {
  return readCart().reduce((sum, line) => sum + line.quantity, 0);
}
