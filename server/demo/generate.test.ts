import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/model/artifacts.js';
import { CATEGORIES } from './categories.js';
import { csvField, generateDemoShop, TEST_SHOP, writeDemoShop } from './generate.js';

const small = { ...TEST_SHOP, items: 120, shoppers: 150 };

describe('generateDemoShop', () => {
  const shop = generateDemoShop(small);

  it('makes the requested number of products with unique ids and titles in every department', () => {
    expect(shop.items).toHaveLength(120);
    expect(new Set(shop.items.map((item) => item.id)).size).toBe(120);
    expect(new Set(shop.items.map((item) => item.title)).size).toBe(120);
    expect(new Set(shop.items.map((item) => item.category)).size).toBe(CATEGORIES.length);
  });

  it('gives every product a valid price, brand, consumable flag and an inline SVG thumbnail', () => {
    for (const item of shop.items) {
      const [low, high] = CATEGORIES[item.category]!.price;
      expect(item.price).toBeGreaterThan(0);
      expect(item.price).toBeGreaterThanOrEqual(Math.min(low, 0.99) - 1);
      expect(item.price).toBeLessThanOrEqual(high + 10);
      expect(CATEGORIES[item.category]!.brands).toContain(item.brand);
      expect(item.consumable).toBe(CATEGORIES[item.category]!.consumable);
      expect(item.image.startsWith('data:image/svg+xml,%3Csvg')).toBe(true);
      expect(item.image).not.toMatch(/[#<>"]/);
    }
  });

  it('makes events for known items and shoppers, in time order, with valid types', () => {
    const ids = new Set(shop.items.map((item) => item.id));
    expect(shop.events.length).toBeGreaterThan(small.shoppers * 3);
    for (let i = 0; i < shop.events.length; i++) {
      const event = shop.events[i]!;
      expect(ids.has(event.itemId)).toBe(true);
      expect(EVENT_TYPES).toContain(event.event);
      expect(Number.isInteger(event.timestamp)).toBe(true);
      if (i > 0) expect(event.timestamp).toBeGreaterThanOrEqual(shop.events[i - 1]!.timestamp);
    }
    expect(new Set(shop.events.map((event) => event.userId)).size).toBe(small.shoppers);
  });

  it('has purchases preceded by a cart of the same item, and repeat purchases of consumables', () => {
    const lastByUser = new Map<string, { itemId: string; event: string }>();
    const bought = new Map<string, number>();
    for (const event of shop.events) {
      if (event.event === 'purchase') {
        expect(lastByUser.get(event.userId)).toEqual({ itemId: event.itemId, event: 'cart' });
        const key = `${event.userId} ${event.itemId}`;
        bought.set(key, (bought.get(key) ?? 0) + 1);
      }
      lastByUser.set(event.userId, { itemId: event.itemId, event: event.event });
    }
    const consumable = new Set(shop.items.filter((item) => item.consumable).map((item) => item.id));
    const repeats = [...bought].filter(([, count]) => count > 1);
    expect(repeats.length).toBeGreaterThan(0);
    for (const [key] of repeats) expect(consumable.has(key.split(' ')[1]!)).toBe(true);
  });

  it('follows a phone purchase with phone cases more often than chance', () => {
    const byId = new Map(shop.items.map((item) => [item.id, item]));
    const phones = CATEGORIES.findIndex((category) => category.name === 'Smartphones');
    const cases = CATEGORIES.findIndex((category) => category.name === 'Phone Cases');
    const boughtPhone = new Set<string>();
    let afterPhone = 0;
    let caseViewsAfterPhone = 0;
    for (const event of shop.events) {
      const item = byId.get(event.itemId)!;
      if (boughtPhone.has(event.userId)) {
        afterPhone++;
        if (item.category === cases) caseViewsAfterPhone++;
      }
      if (event.event === 'purchase' && item.category === phones) boughtPhone.add(event.userId);
    }
    const caseShare = shop.events.filter((event) => byId.get(event.itemId)!.category === cases).length / shop.events.length;
    expect(afterPhone).toBeGreaterThan(0);
    expect(caseViewsAfterPhone / afterPhone).toBeGreaterThan(3 * caseShare);
  });

  it('is deterministic: same options, same shop; another seed, another shop', () => {
    const again = generateDemoShop(small);
    expect(again).toEqual(shop);
    const other = generateDemoShop({ ...small, seed: small.seed + 1 });
    expect(other.events).not.toEqual(shop.events);
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => generateDemoShop({ ...small, items: 10 })).toThrow(/items must be at least 60 \(got 10\)/);
    expect(() => generateDemoShop({ ...small, shoppers: 1.5 })).toThrow(/"shoppers".*1\.5/);
  });
});

describe('writeDemoShop', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('writes items.csv and events.csv with the dataset headers, byte-identical on a second run', async () => {
    const first = await mkdtemp(join(tmpdir(), 'demo-shop-'));
    const second = await mkdtemp(join(tmpdir(), 'demo-shop-'));
    dirs.push(first, second);
    const written = await writeDemoShop(first, small);
    await writeDemoShop(second, small);
    for (const name of ['items.csv', 'events.csv']) {
      expect(await readFile(join(first, name), 'utf8')).toBe(await readFile(join(second, name), 'utf8'));
    }
    const items = (await readFile(join(first, 'items.csv'), 'utf8')).trimEnd().split('\n');
    const events = (await readFile(join(first, 'events.csv'), 'utf8')).trimEnd().split('\n');
    expect(items[0]).toBe('item_id,title,category,price,brand,consumable,image');
    expect(events[0]).toBe('user_id,item_id,timestamp,event');
    expect(items).toHaveLength(written.items + 1);
    expect(events).toHaveLength(written.events + 1);
    expect(events[1]).toMatch(/^U\d{5},P\d{4},\d+,(view|cart|purchase)$/);
  });

  it('quotes CSV fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
