/**
 * Re-rank mode: the merchant's own product list (children with `data-item-id`) is reordered in
 * place. Without JavaScript or a model, the merchant's order simply stands.
 */

export function merchantItems(host: Element): HTMLElement[] {
  return [...host.children].filter((c): c is HTMLElement => c instanceof HTMLElement && c.hasAttribute('data-item-id'));
}

/** Moves the children into `order` (ids); children with other ids keep their relative order after them. */
export function reorderChildren(host: Element, order: readonly string[]): void {
  const items = merchantItems(host);
  const byId = new Map(items.map((el) => [el.dataset['itemId']!, el]));
  const ranked = order.map((id) => byId.get(id)).filter((el): el is HTMLElement => !!el);
  const rest = items.filter((el) => !ranked.includes(el));
  const wanted = [...ranked, ...rest];
  if (wanted.every((el, i) => el === items[i])) return;
  const anchor = items.at(-1)!.nextSibling;
  for (const el of wanted) host.insertBefore(el, anchor);
}
