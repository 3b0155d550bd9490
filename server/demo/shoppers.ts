/**
 * Synthetic shoppers with latent tastes, and the sessions they shop in.
 *
 * Each shopper has department affinities (one to three favourites), a price level and a favourite
 * brand per favourite department. A session mostly stays in one department: views, then maybe a
 * cart and a purchase. A purchase in a department with complements (phone → case) leads to
 * views/purchases there, of the same brand more often than not, in that session or the next; a
 * consumable once bought is bought again in later sessions. This is what a sequence model can
 * learn and popularity cannot.
 */
import type { EventType } from '../../src/model/artifacts.js';
import { CATEGORIES, categoryByName } from './categories.js';
import type { DemoItem } from './catalog.js';
import type { Random } from '../random.js';

export interface DemoEvent {
  userId: string;
  itemId: string;
  /** Unix seconds. */
  timestamp: number;
  event: EventType;
}

interface Shopper {
  affinity: number[];
  priceLevel: number;
  favouriteBrand: Map<number, string>;
}

interface PendingComplement {
  category: number;
  brand: string;
  priceLevel: number;
}

export interface ShopperOptions {
  shoppers: number;
  /** Unix seconds of the first possible session. */
  startTime: number;
  /** Days over which shoppers start their first session. */
  spreadDays: number;
}

const DAY = 86_400;
const PRICE_TOLERANCE = 0.18;

/** Items of each department, by index into CATEGORIES. */
function itemsByDepartment(items: readonly DemoItem[]): DemoItem[][] {
  const departments: DemoItem[][] = CATEGORIES.map(() => []);
  for (const item of items) departments[item.category]!.push(item);
  return departments;
}

function makeShopper(random: Random): Shopper {
  const affinity = CATEGORIES.map((category) => 0.02 * category.appeal);
  const favouriteBrand = new Map<number, string>();
  const favourites = random.int(1, 3);
  const strengths = [1, 0.5, 0.25];
  for (let f = 0; f < favourites; f++) {
    const department = random.weightedIndex(CATEGORIES.map((category) => category.appeal));
    affinity[department]! += strengths[f]!;
    favouriteBrand.set(department, random.pick(CATEGORIES[department]!.brands));
  }
  const priceLevel = Math.min(0.98, Math.max(0.02, 0.5 + 0.25 * random.normal()));
  return { affinity, priceLevel, favouriteBrand };
}

/** How much a shopper (or a complement hint) likes one item of a department. */
function itemWeight(item: DemoItem, priceLevel: number, brand: string | undefined, brandBoost: number): number {
  const priceGap = item.priceLevel - priceLevel;
  const priceMatch = Math.exp(-(priceGap * priceGap) / (2 * PRICE_TOLERANCE * PRICE_TOLERANCE));
  return item.popularity * (0.05 + priceMatch) * (brand !== undefined && item.brand === brand ? brandBoost : 1);
}

function pickItem(random: Random, candidates: readonly DemoItem[], priceLevel: number, brand: string | undefined, brandBoost: number): DemoItem {
  return candidates[random.weightedIndex(candidates.map((item) => itemWeight(item, priceLevel, brand, brandBoost)))]!;
}

/** Simulates every shopper; events come back sorted by time (ties: shopper, then step). */
export function simulateShoppers(items: readonly DemoItem[], options: ShopperOptions, random: Random): DemoEvent[] {
  const departments = itemsByDepartment(items);
  const complementsOf = CATEGORIES.map((category) =>
    category.complements.map((name) => CATEGORIES.indexOf(categoryByName(name))),
  );
  const width = Math.max(5, String(options.shoppers).length);
  const events: Array<DemoEvent & { order: number }> = [];
  let order = 0;

  for (let s = 0; s < options.shoppers; s++) {
    const userId = `U${String(s + 1).padStart(width, '0')}`;
    const shopper = makeShopper(random);
    const pending: PendingComplement[] = [];
    const ownedConsumables: DemoItem[] = [];
    const owned = new Set<DemoItem>();
    let time = options.startTime + Math.floor(random.next() * options.spreadDays * DAY);
    const sessions = Math.min(14, 1 + Math.floor(random.exponential(3.5)));

    const emit = (item: DemoItem, event: EventType): void => {
      time += random.int(15, 240);
      events.push({ userId, itemId: item.id, timestamp: time, event, order: order++ });
    };
    const buy = (item: DemoItem): void => {
      emit(item, 'cart');
      // Nobody buys the same phone twice; consumables are re-bought in their own sessions.
      if (owned.has(item) || !random.chance(0.7)) return;
      emit(item, 'purchase');
      owned.add(item);
      if (item.consumable && !ownedConsumables.includes(item)) ownedConsumables.push(item);
      complementsOf[item.category]!.forEach((department, rank) => {
        if (departments[department]!.length === 0 || !random.chance(rank === 0 ? 0.75 : 0.35)) return;
        const hint = { category: department, brand: item.brand, priceLevel: item.priceLevel };
        if (random.chance(0.5)) browseComplement(hint);
        else pending.push(hint);
      });
    };
    const browseComplement = (hint: PendingComplement): void => {
      const candidates = departments[hint.category]!;
      const views = random.int(1, 3);
      let last: DemoItem | undefined;
      for (let v = 0; v < views; v++) {
        last = pickItem(random, candidates, hint.priceLevel, hint.brand, 6);
        emit(last, 'view');
      }
      if (last && random.chance(0.5)) buy(last);
    };
    const browseDepartment = (department: number): void => {
      const views = random.int(2, 7);
      const seen: DemoItem[] = [];
      for (let v = 0; v < views; v++) {
        // Now and then a shopper wanders into another department they like.
        if (v > 0 && random.chance(0.12)) department = random.weightedIndex(shopper.affinity);
        const candidates = departments[department]!;
        if (candidates.length === 0) continue;
        const item = pickItem(random, candidates, shopper.priceLevel, shopper.favouriteBrand.get(department), 3);
        if (seen.at(-1) === item) continue;
        emit(item, 'view');
        seen.push(item);
      }
      if (seen.length > 0 && random.chance(0.45)) {
        const choice = seen[random.weightedIndex(seen.map((item) => itemWeight(item, shopper.priceLevel, shopper.favouriteBrand.get(item.category), 3)))]!;
        if (seen.at(-1) !== choice) emit(choice, 'view');
        buy(choice);
      }
    };

    for (let session = 0; session < sessions; session++) {
      if (session > 0) time += Math.floor(3600 + random.exponential(6 * DAY));
      if (pending.length > 0 && random.chance(0.6)) {
        browseComplement(pending.shift()!);
      } else if (ownedConsumables.length > 0 && random.chance(0.4)) {
        const item = random.pick(ownedConsumables);
        if (random.chance(0.6)) emit(item, 'view');
        emit(item, 'cart');
        emit(item, 'purchase');
        if (random.chance(0.4)) browseDepartment(item.category);
      } else {
        browseDepartment(random.weightedIndex(shopper.affinity));
      }
    }
  }

  events.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
  return events.map(({ userId, itemId, timestamp, event }) => ({ userId, itemId, timestamp, event }));
}
