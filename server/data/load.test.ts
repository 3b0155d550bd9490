import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadEvents, loadItems } from './load.js';
import { splitLeaveLastOut } from './split.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const bad = (name: string): string => join(fixtures, 'bad', name);
const onlineRetail = resolve(import.meta.dirname, '../../../shared/datasets/online-retail');

describe('loadEvents rejects bad input, naming file:line, field and value', () => {
  const cases: Array<[string, string]> = [
    ['empty.csv', ':1: field "(header)" is missing: the file is empty (value: "")'],
    ['unterminated-quote.csv', ':3: field "item_id" has a quote that is never closed (value: "\\"i2,100,view\\nu2,i3,101,view\\n")'],
    ['wrong-column-count.csv', ':3: field "(record)" has 3 fields but the header has 4 (value: "u1,i2,100")'],
    ['text-after-quote.csv', ':2: field "item_id" has text after its closing quote ("x"); a quote inside a quoted field must be doubled (value: "u1,\\"i1\\"x,100,view")'],
    ['missing-column.csv', ':1: field "item_id" is missing from the header (expected columns user_id,item_id,timestamp,event) (value: "user_id,item,timestamp,event")'],
    ['duplicate-column.csv', ':1: field "item_id" appears twice in the header (columns 2 and 5) (value: "user_id,item_id,timestamp,event,item_id")'],
    ['bad-timestamp.csv', ':3: field "timestamp" is not a number (expected unix seconds, e.g. 1291733820) (value: "yesterday")'],
    ['unknown-event.csv', ':2: field "event" is not one of view, cart, purchase, search, rating, click (value: "like")'],
    ['empty-user.csv', ':3: field "user_id" is empty (value: "")'],
    ['empty-item.csv', ':2: field "item_id" is empty (value: "")'],
  ];
  for (const [name, message] of cases) {
    it(name, async () => {
      await expect(loadEvents(bad(name))).rejects.toThrow(bad(name) + message);
    });
  }
});

describe('loadItems rejects bad input', () => {
  it('a non-numeric price', async () => {
    await expect(loadItems(bad('items-bad-price.csv'), [])).rejects.toThrow(`${bad('items-bad-price.csv')}:3: field "price" is not a number (value: "cheap")`);
  });
  it('an item defined twice with different data, naming both lines', async () => {
    await expect(loadItems(bad('items-conflict.csv'), [])).rejects.toThrow(`${bad('items-conflict.csv')}:4: field "item_id" is defined twice with different data (lines 2 and 4) (value: "i1")`);
  });
  it('a header without item_id', async () => {
    await expect(loadItems(bad('items-missing-id.csv'), [])).rejects.toThrow(`${bad('items-missing-id.csv')}:1: field "item_id" is missing from the header (expected columns item_id) (value: "title,category,price")`);
  });
});

describe('loadDataset', () => {
  it('uses train/valid/test as given: columns by header name, BOM, CRLF, quotes, extra columns', async () => {
    const dir = join(fixtures, 'good-split');
    const dataset = await loadDataset(dir);
    expect(dataset.train).toEqual([
      { userId: 'u1', itemId: 'i1', timestamp: 100, event: 'view' },
      { userId: 'u1', itemId: 'i,2', timestamp: 101.5, event: 'cart' },
      { userId: 'u2', itemId: 'i3', timestamp: 102, event: 'purchase' },
    ]);
    expect(dataset.valid).toEqual([{ userId: 'u1', itemId: 'i3', timestamp: 200, event: 'purchase' }]);
    expect(dataset.test).toEqual([{ userId: 'u1', itemId: 'i9', timestamp: 300, event: 'view' }]);
    expect([...dataset.items!.values()]).toEqual([
      { itemId: 'i1', title: 'Mug, large', category: 'kitchen', price: 4.5, extra: { brand: 'Acme' } },
      { itemId: 'i,2', title: 'Tea "Earl Grey"\nloose leaf', category: 'food', price: null, extra: { brand: 'Leaf Co' } },
      { itemId: 'i3', title: 'Spoon', category: 'kitchen', price: 1, extra: { brand: '' } },
    ]);
    expect(dataset.warnings).toEqual([
      `${join(dir, 'items.csv')}: 1 duplicate item row(s) with identical data skipped (first at line 6)`,
      `${join(dir, 'items.csv')}: 1 item(s) referenced by events are missing (kept without content; e.g. i9)`,
    ]);
  });

  it('splits events.csv leave-last-out when no split files exist; items are null without items.csv', async () => {
    const dataset = await loadDataset(join(fixtures, 'events-only'));
    expect(dataset.items).toBeNull();
    expect(dataset.warnings).toEqual([]);
    expect(dataset.train.map((e) => `${e.userId}:${e.itemId}`)).toEqual(['u1:b', 'u1:c', 'u2:x', 'u2:y', 'u3:z', 'u3:w']);
    expect(dataset.valid.map((e) => `${e.userId}:${e.itemId}`)).toEqual(['u1:a']);
    expect(dataset.test).toEqual([{ userId: 'u1', itemId: 'd', timestamp: 30, event: 'purchase' }]);
  });

  it('refuses an incomplete split and a directory without events', async () => {
    await expect(loadDataset(join(fixtures, 'partial-split'))).rejects.toThrow('has train.csv but not valid.csv, test.csv');
    await expect(loadDataset(join(fixtures, 'bad'))).rejects.toThrow('no events.csv');
  });

  it('loads a dataset completely after a failed load', async () => {
    const dir = join(fixtures, 'good-split');
    const before = await loadDataset(dir);
    await expect(loadEvents(bad('unterminated-quote.csv'))).rejects.toThrow('never closed');
    await expect(loadDataset(join(fixtures, 'partial-split'))).rejects.toThrow();
    expect(await loadDataset(dir)).toEqual(before);
  });

  it.skipIf(!existsSync(onlineRetail))('online-retail: loads fast and events.csv splits into exactly the shipped split', async () => {
    const started = performance.now();
    const dataset = await loadDataset(onlineRetail);
    const seconds = (performance.now() - started) / 1000;
    expect([dataset.train.length, dataset.valid.length, dataset.test.length, dataset.items!.size]).toEqual([386513, 4198, 4198, 3659]);
    expect(dataset.warnings).toEqual([]);
    expect(seconds).toBeLessThan(5);
    const split = splitLeaveLastOut(await loadEvents(join(onlineRetail, 'events.csv')));
    expect(split.valid).toEqual(dataset.valid);
    expect(split.test).toEqual(dataset.test);
    expect(split.train).toEqual(dataset.train);
  });
});
