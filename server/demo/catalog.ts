/**
 * The demo catalog: products spread over the departments of categories.ts, each with a brand,
 * a price (log-uniform in the department's range), a hidden popularity and a thumbnail.
 */
import { CATEGORIES } from './categories.js';
import type { Random } from '../random.js';
import { thumbnailDataUri } from './thumbnail.js';

export interface DemoItem {
  id: string;
  title: string;
  /** Index into CATEGORIES. */
  category: number;
  brand: string;
  price: number;
  consumable: boolean;
  image: string;
  /** Where the price sits in the department's range, 0 (cheapest) … 1 (dearest): shoppers match it. */
  priceLevel: number;
  /** Relative attractiveness inside the department (Zipf-like). */
  popularity: number;
}

const MODEL_WORDS = ['One', 'Air', 'Max', 'Mini', 'Plus', 'Go', 'Neo', 'Core', 'Edge', 'Flex', 'Lite', 'Ultra'] as const;

/** How many products each department gets: proportional to its appeal, at least `minimum`. */
function departmentSizes(total: number, minimum: number): number[] {
  const weights = CATEGORIES.map((category) => Math.sqrt(category.appeal));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((weight) => Math.max(minimum, Math.floor((total * weight) / weightSum)));
  // Hand the rounding remainder (or excess) to the largest departments, deterministically.
  let difference = total - sizes.reduce((a, b) => a + b, 0);
  const order = weights.map((weight, index) => ({ weight, index })).sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (let step = 0; difference !== 0 && step < 100_000; step++) {
    const index = order[step % order.length]!.index;
    if (difference > 0) {
      sizes[index]!++;
      difference--;
    } else if (sizes[index]! > minimum) {
      sizes[index]!--;
      difference++;
    }
  }
  return sizes;
}

/** A price that looks like a shop's: 19.99, 249.00, … */
function shopPrice(raw: number): number {
  if (raw < 20) return Math.max(0.99, Math.round(raw) - 0.01);
  if (raw < 200) return Math.round(raw) - 0.01;
  return Math.round(raw / 10) * 10 - 1;
}

export function generateCatalog(itemCount: number, random: Random): DemoItem[] {
  const minimum = Math.max(3, Math.floor(itemCount / (CATEGORIES.length * 4)));
  if (itemCount < CATEGORIES.length * 3) {
    throw new Error(`demo catalog: items must be at least ${CATEGORIES.length * 3} (got ${itemCount})`);
  }
  const sizes = departmentSizes(itemCount, minimum);
  const items: DemoItem[] = [];
  const titles = new Set<string>();
  CATEGORIES.forEach((category, categoryIndex) => {
    const size = sizes[categoryIndex]!;
    const popularityRanks = random.shuffled(Array.from({ length: size }, (_, i) => i));
    for (let k = 0; k < size; k++) {
      const brand = random.pick(category.brands);
      const noun = random.pick(category.nouns);
      let title = `${brand} ${noun} ${random.pick(MODEL_WORDS)} ${random.int(2, 9)}`;
      for (let suffix = 2; titles.has(title); suffix++) title = `${title.replace(/ \(\d+\)$/, '')} (${suffix})`;
      titles.add(title);
      const priceLevel = random.next();
      const [low, high] = category.price;
      items.push({
        id: '',
        title,
        category: categoryIndex,
        brand,
        price: shopPrice(low * Math.pow(high / low, priceLevel)),
        consumable: category.consumable,
        image: thumbnailDataUri(category.glyph, category.hue, random.next(), brand),
        priceLevel,
        popularity: 1 / Math.pow(popularityRanks[k]! + 2, 0.9),
      });
    }
  });
  // Ids in a shuffled order so that id order says nothing about department.
  const order = random.shuffled(items.map((_, i) => i));
  const width = String(itemCount).length;
  order.forEach((itemIndex, position) => {
    items[itemIndex]!.id = `P${String(position + 1).padStart(Math.max(4, width), '0')}`;
  });
  return items;
}
