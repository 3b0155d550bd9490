/**
 * The seeded synthetic demo shop: `items.csv` + `events.csv` in the layout of
 * ../shared/datasets/README.md (the loader splits events.csv itself).
 *
 *   npx tsx server/demo/generate.ts --out <dir> [--items 2000] [--shoppers 2500] [--seed 7]
 *
 * Same settings → byte-identical files.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CATEGORIES } from './categories.js';
import { generateCatalog, type DemoItem } from './catalog.js';
import { Random } from '../random.js';
import { simulateShoppers, type DemoEvent } from './shoppers.js';

export interface DemoShopOptions {
  /** Number of products (at least 3 per department). */
  items: number;
  shoppers: number;
  seed: number;
  /** Unix seconds of the earliest session; fixed so output does not depend on the clock. */
  startTime: number;
}

/** The demo's default shop (≈2,000 products) and the small one the e2e tests use. */
export const DEMO_SHOP: DemoShopOptions = { items: 2000, shoppers: 2500, seed: 7, startTime: 1_767_225_600 };
export const TEST_SHOP: DemoShopOptions = { items: 300, shoppers: 400, seed: 7, startTime: 1_767_225_600 };

export interface DemoShop {
  items: DemoItem[];
  events: DemoEvent[];
}

export function generateDemoShop(options: DemoShopOptions): DemoShop {
  for (const field of ['items', 'shoppers', 'seed', 'startTime'] as const) {
    const value = options[field];
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`demo shop option "${field}" must be a non-negative integer (value: ${JSON.stringify(value)})`);
    }
  }
  if (options.shoppers < 1) throw new Error(`demo shop option "shoppers" must be at least 1 (value: ${options.shoppers})`);
  // Separate streams: changing the shopper count leaves the catalog as it was.
  const items = generateCatalog(options.items, new Random(options.seed * 2 + 1));
  const events = simulateShoppers(items, { shoppers: options.shoppers, startTime: options.startTime, spreadDays: 60 }, new Random(options.seed * 2 + 2));
  return { items, events };
}

/** RFC 4180: quote a field when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

export function itemsCsv(items: readonly DemoItem[]): string {
  let out = csvLine(['item_id', 'title', 'category', 'price', 'brand', 'consumable', 'image']);
  for (const item of items) {
    out += csvLine([item.id, item.title, CATEGORIES[item.category]!.name, item.price.toFixed(2), item.brand, item.consumable ? '1' : '0', item.image]);
  }
  return out;
}

export function eventsCsv(events: readonly DemoEvent[]): string {
  let out = 'user_id,item_id,timestamp,event\n';
  for (const event of events) out += csvLine([event.userId, event.itemId, String(event.timestamp), event.event]);
  return out;
}

/** Writes items.csv and events.csv into `dir` (each via a temp file + rename). */
export async function writeDemoShop(dir: string, options: DemoShopOptions): Promise<{ items: number; events: number; shoppers: number }> {
  const shop = generateDemoShop(options);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of [['items.csv', itemsCsv(shop.items)], ['events.csv', eventsCsv(shop.events)]] as const) {
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(temp, text);
    await rename(temp, join(dir, name));
  }
  return { items: shop.items.length, events: shop.events.length, shoppers: options.shoppers };
}

function parseFlags(argv: readonly string[]): { out: string; options: DemoShopOptions } {
  const options = { ...DEMO_SHOP };
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`flag ${flag} needs a value`);
    i++;
    if (flag === '--out') out = value;
    else if (flag === '--items' || flag === '--shoppers' || flag === '--seed') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new Error(`flag ${flag} must be a non-negative integer (value: ${JSON.stringify(value)})`);
      options[flag.slice(2) as 'items' | 'shoppers' | 'seed'] = number;
    } else throw new Error(`unknown flag ${flag} (expected --out, --items, --shoppers, --seed)`);
  }
  if (!out) throw new Error('flag --out <dir> is required');
  return { out, options };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { out, options } = parseFlags(process.argv.slice(2));
    const written = await writeDemoShop(out, options);
    console.log(`demo shop: ${written.items} items, ${written.shoppers} shoppers, ${written.events} events → ${out}`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}
