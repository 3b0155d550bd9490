/**
 * Search: the merchant's own result list, computed here from the catalog (the query stays in the
 * URL fragment), handed to the widget in re-rank mode: it reorders the results for this shopper.
 */
import '../../src/index.js';
import type { CatalogItem } from '../../src/model/artifacts.js';
import { loadCatalog, MANIFEST_URL, type Catalog } from './catalog.js';
import { escapeHtml, pageParameter, productCard, setUpPage, showPageError } from './layout.js';

const MAX_RESULTS = 24;

/** Products matching every word of the query in title, brand or department; catalog order. */
function searchCatalog(items: readonly CatalogItem[], query: string): CatalogItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return items
    .filter((item) => {
      const text = `${item.title} ${item.brand ?? ''} ${item.category}`.toLowerCase();
      return words.every((word) => text.includes(word));
    })
    .slice(0, MAX_RESULTS);
}

setUpPage();
const results = document.getElementById('results')!;
const title = document.getElementById('search-title')!;

function render(catalog: Catalog): void {
  const query = pageParameter('q')?.trim() ?? '';
  const found = searchCatalog(catalog.items, query);
  title.textContent = query ? `Results for “${query}”` : 'Search';
  if (found.length === 0) {
    results.innerHTML = query ? `<p class="notice">Nothing matches “${escapeHtml(query)}”.</p>` : '';
    return;
  }
  // A fresh element per query: the widget re-ranks the children it starts with.
  results.innerHTML =
    `<reco-widget id="search-widget" class="results" model="${MANIFEST_URL}" scenario="search" limit="${found.length}">` +
    `${found.map(productCard).join('')}</reco-widget>`;
}

try {
  const catalog = await loadCatalog();
  render(catalog);
  window.addEventListener('hashchange', () => render(catalog));
} catch (error) {
  showPageError(results, error);
}
