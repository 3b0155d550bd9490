/** Home: the personal widget, then the merchant's own listing by department. */
import '../../src/index.js';
import { loadCatalog } from './catalog.js';
import { escapeHtml, productCard, setUpPage, showPageError } from './layout.js';

const PER_DEPARTMENT = 8;

setUpPage();
const departments = document.getElementById('departments')!;
try {
  const catalog = await loadCatalog();
  departments.innerHTML = catalog.categories
    .map((category) => {
      const items = catalog.items.filter((item) => item.category === category).slice(0, PER_DEPARTMENT);
      return (
        `<section class="department" data-category="${escapeHtml(category)}">` +
        `<h2>${escapeHtml(category)}</h2><div class="grid">${items.map(productCard).join('')}</div></section>`
      );
    })
    .join('');
} catch (error) {
  showPageError(departments, error);
} finally {
  departments.removeAttribute('aria-busy');
}
