/**
 * Loads a dataset directory (layout of ../shared/datasets/README.md) into a validated Dataset:
 * train/valid/test.csv as given when present, else events.csv split leave-last-out;
 * items.csv when present. Bad input throws a DataError naming file:line, field and value.
 * Loading keeps no state between calls, so a failed load leaves nothing behind.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_TYPES, type EventType } from '../../src/model/artifacts.js';
import { parseCsv, readCsvText } from './csv.js';
import { splitLeaveLastOut } from './split.js';
import { DataError, type Dataset, type Interaction, type Item } from './types.js';

export const EVENT_COLUMNS = ['user_id', 'item_id', 'timestamp', 'event'] as const;
export const ITEM_COLUMNS = ['item_id', 'title', 'category', 'price'] as const;
const SPLIT_FILES = ['train.csv', 'valid.csv', 'test.csv'] as const;

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
/** Unix seconds: an integer or a decimal, optionally signed or in exponent notation. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export async function loadDataset(dir: string): Promise<Dataset> {
  const warnings: string[] = [];
  const present = await Promise.all(SPLIT_FILES.map((name) => exists(join(dir, name))));

  let split: Pick<Dataset, 'train' | 'valid' | 'test'>;
  if (present.some(Boolean)) {
    const missing = SPLIT_FILES.filter((_, i) => !present[i]);
    if (missing.length > 0) {
      throw new Error(`${dir}: has ${SPLIT_FILES.filter((_, i) => present[i]).join(', ')} but not ${missing.join(', ')}; give all three split files or only events.csv`);
    }
    const [train, valid, test] = await Promise.all(SPLIT_FILES.map((name) => loadEvents(join(dir, name))));
    split = { train: requireEvents(train!, join(dir, 'train.csv')), valid: valid!, test: test! };
  } else if (await exists(join(dir, 'events.csv'))) {
    split = splitLeaveLastOut(requireEvents(await loadEvents(join(dir, 'events.csv')), join(dir, 'events.csv')));
  } else {
    throw new Error(`${dir}: no events.csv (nor train.csv, valid.csv, test.csv) in this directory`);
  }

  const itemsPath = join(dir, 'items.csv');
  const items = (await exists(itemsPath)) ? await loadItems(itemsPath, warnings) : null;
  if (items) warnMissingItems(items, itemsPath, split, warnings);
  return { dir, items, ...split, warnings };
}

/**
 * events.csv and train.csv must hold at least one event: a header alone would train nothing and
 * fail much later. (valid.csv and test.csv may be empty: a shop where no one has 3 events.)
 */
export function requireEvents(events: Interaction[], file: string): Interaction[] {
  if (events.length === 0) throw new DataError(file, 2, '(records)', '', 'is missing: the file has a header but no events');
  return events;
}

/** Reads an events CSV (`user_id,item_id,timestamp,event`; extra columns ignored). */
export async function loadEvents(path: string): Promise<Interaction[]> {
  return parseEvents(await readCsvText(path), path);
}

export function parseEvents(text: string, file: string): Interaction[] {
  const events: Interaction[] = [];
  let columns: number[] = [];
  parseCsv(text, file, (fields, line) => {
    const userId = fields[columns[0]!]!;
    const itemId = fields[columns[1]!]!;
    const timestampText = fields[columns[2]!]!;
    const eventText = fields[columns[3]!]!;
    if (userId.trim() === '') throw new DataError(file, line, 'user_id', userId, 'is empty');
    if (itemId.trim() === '') throw new DataError(file, line, 'item_id', itemId, 'is empty');
    const timestamp = parseNumber(timestampText);
    if (timestamp === null) {
      throw new DataError(file, line, 'timestamp', timestampText, 'is not a number (expected unix seconds, e.g. 1291733820)');
    }
    if (!EVENT_TYPE_SET.has(eventText)) {
      throw new DataError(file, line, 'event', eventText, `is not one of ${EVENT_TYPES.join(', ')}`);
    }
    events.push({ userId, itemId, timestamp, event: eventText as EventType });
  }, (headerFields, line) => {
    columns = requireColumns(headerFields, EVENT_COLUMNS, file, line);
  });
  return events;
}

/** Reads items.csv (`item_id` required; title, category, price optional; other columns kept in `extra`). */
export async function loadItems(path: string, warnings: string[]): Promise<Map<string, Item>> {
  return parseItems(await readCsvText(path), path, warnings);
}

export function parseItems(text: string, file: string, warnings: string[]): Map<string, Item> {
  const items = new Map<string, Item>();
  const lineOf = new Map<string, number>();
  let header: string[] = [];
  let idColumn = 0;
  let duplicates = 0;
  let firstDuplicateLine = 0;
  parseCsv(text, file, (fields, line) => {
    const itemId = fields[idColumn]!;
    if (itemId.trim() === '') throw new DataError(file, line, 'item_id', itemId, 'is empty');
    const item: Item = { itemId, title: '', category: '', price: null, extra: {} };
    header.forEach((name, column) => {
      const value = fields[column]!;
      switch (name) {
        case 'item_id':
          break;
        case 'title':
          item.title = value;
          break;
        case 'category':
          item.category = value;
          break;
        case 'price':
          item.price = parsePrice(value, file, line);
          break;
        default:
          item.extra[name] = value;
      }
    });
    const previous = items.get(itemId);
    if (previous) {
      if (!sameItem(previous, item)) {
        throw new DataError(file, line, 'item_id', itemId,
          `is defined twice with different data (lines ${lineOf.get(itemId)} and ${line})`);
      }
      if (duplicates === 0) firstDuplicateLine = line;
      duplicates++;
      return;
    }
    items.set(itemId, item);
    lineOf.set(itemId, line);
  }, (headerFields, line) => {
    header = headerFields;
    idColumn = requireColumns(headerFields, ['item_id'], file, line)[0]!;
  });
  if (duplicates > 0) {
    warnings.push(`${file}: ${duplicates} duplicate item row(s) with identical data skipped (first at line ${firstDuplicateLine})`);
  }
  return items;
}

function requireColumns(header: string[], required: readonly string[], file: string, line: number): number[] {
  return required.map((name) => {
    const column = header.indexOf(name);
    if (column === -1) {
      throw new DataError(file, line, name, header.join(','), `is missing from the header (expected columns ${required.join(',')})`);
    }
    return column;
  });
}

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!NUMBER_PATTERN.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function parsePrice(text: string, file: string, line: number): number | null {
  if (text.trim() === '') return null;
  const price = parseNumber(text);
  if (price === null) throw new DataError(file, line, 'price', text, 'is not a number');
  if (price < 0) throw new DataError(file, line, 'price', text, 'is negative');
  return price;
}

function sameItem(a: Item, b: Item): boolean {
  if (a.title !== b.title || a.category !== b.category || a.price !== b.price) return false;
  const keys = Object.keys(a.extra);
  return keys.length === Object.keys(b.extra).length && keys.every((key) => a.extra[key] === b.extra[key]);
}

function warnMissingItems(items: Map<string, Item>, itemsPath: string, split: Pick<Dataset, 'train' | 'valid' | 'test'>, warnings: string[]): void {
  const missing = new Set<string>();
  for (const events of [split.train, split.valid, split.test]) {
    for (const event of events) if (!items.has(event.itemId)) missing.add(event.itemId);
  }
  if (missing.size > 0) {
    const examples = [...missing].slice(0, 5).join(', ');
    warnings.push(`${itemsPath}: ${missing.size} item(s) referenced by events are missing (kept without content; e.g. ${examples})`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
