/**
 * The bad-input catalogue of issue 5: one fixture per case (the huge line is generated, 1 MiB is
 * too big to commit), each giving an error that names file:line, the field and the value, or a
 * counted warning where skipping is right. docs/reliability.md counts these cases.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from './csv.js';
import { loadDataset, loadEvents, loadItems } from './load.js';
import { DataError } from './types.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const bad = (name: string): string => join(fixtures, 'bad', name);

interface ErrorCase {
  /** The case as the issue names it. */
  issue: string;
  file: string;
  load: 'events' | 'items';
  line: number;
  field: string;
  value: string;
  /** The message after `file:line: ` (it also carries field and value). */
  message: string;
}

const ERROR_CASES: ErrorCase[] = [
  { issue: 'wrong column count', file: bad('wrong-column-count.csv'), load: 'events', line: 3, field: '(record)', value: 'u1,i2,100',
    message: 'field "(record)" has 3 fields but the header has 4 (value: "u1,i2,100")' },
  { issue: 'bad quoting: unclosed', file: bad('unterminated-quote.csv'), load: 'events', line: 3, field: 'item_id', value: '"i2,100,view\nu2,i3,101,view\n',
    message: 'field "item_id" has a quote that is never closed (value: "\\"i2,100,view\\nu2,i3,101,view\\n")' },
  { issue: 'bad quoting: text after the closing quote', file: bad('text-after-quote.csv'), load: 'events', line: 2, field: 'item_id', value: 'u1,"i1"x,100,view',
    message: 'field "item_id" has text after its closing quote ("x"); a quote inside a quoted field must be doubled (value: "u1,\\"i1\\"x,100,view")' },
  { issue: 'non-numeric timestamp', file: bad('bad-timestamp.csv'), load: 'events', line: 3, field: 'timestamp', value: 'yesterday',
    message: 'field "timestamp" is not a number (expected unix seconds, e.g. 1291733820) (value: "yesterday")' },
  { issue: 'non-numeric timestamp: overflows to infinity', file: bad('timestamp-infinite.csv'), load: 'events', line: 3, field: 'timestamp', value: '1e999',
    message: 'field "timestamp" is not a number (expected unix seconds, e.g. 1291733820) (value: "1e999")' },
  { issue: 'non-numeric timestamp: empty', file: bad('timestamp-empty.csv'), load: 'events', line: 2, field: 'timestamp', value: '',
    message: 'field "timestamp" is not a number (expected unix seconds, e.g. 1291733820) (value: "")' },
  { issue: 'unknown event type', file: bad('unknown-event.csv'), load: 'events', line: 2, field: 'event', value: 'like',
    message: 'field "event" is not one of view, cart, purchase, search, rating, click (value: "like")' },
  { issue: 'empty file', file: bad('empty.csv'), load: 'events', line: 1, field: '(header)', value: '',
    message: 'field "(header)" is missing: the file is empty (value: "")' },
  { issue: 'BOM: a file that is only a BOM', file: bad('bom-only.csv'), load: 'events', line: 1, field: '(header)', value: '',
    message: 'field "(header)" is missing: the file is empty (value: "")' },
  { issue: 'BOM: UTF-16 (Excel "Unicode Text")', file: bad('utf16.csv'), load: 'events', line: 1, field: '(encoding)', value: 'UTF-16LE byte order mark',
    message: 'field "(encoding)" is not UTF-8: the file is UTF-16; save it as "CSV UTF-8" (value: "UTF-16LE byte order mark")' },
  { issue: 'BOM: inside the file (two exports concatenated)', file: bad('bom-inside.csv'), load: 'events', line: 3, field: '(record)', value: '<BOM>user_id,item_id,timestamp,event',
    message: 'field "(record)" contains a byte order mark (U+FEFF) after the start of the file; were two files concatenated? (value: "<BOM>user_id,item_id,timestamp,event")' },
  { issue: 'not UTF-8 (a Latin-1 export)', file: bad('items-latin1.csv'), load: 'items', line: 3, field: '(encoding)', value: 'i2,Tea \ufffd caddy,kitchen,3',
    message: 'field "(encoding)" is not valid UTF-8 (shown with U+FFFD where a byte is wrong); save the file as "CSV UTF-8" (value: "i2,Tea \ufffd caddy,kitchen,3")' },
  { issue: 'duplicate item id with conflicting data', file: bad('items-conflict.csv'), load: 'items', line: 4, field: 'item_id', value: 'i1',
    message: 'field "item_id" is defined twice with different data (lines 2 and 4) (value: "i1")' },
  { issue: 'missing column', file: bad('missing-column.csv'), load: 'events', line: 1, field: 'item_id', value: 'user_id,item,timestamp,event',
    message: 'field "item_id" is missing from the header (expected columns user_id,item_id,timestamp,event) (value: "user_id,item,timestamp,event")' },
  { issue: 'duplicate column', file: bad('duplicate-column.csv'), load: 'events', line: 1, field: 'item_id', value: 'user_id,item_id,timestamp,event,item_id',
    message: 'field "item_id" appears twice in the header (columns 2 and 5) (value: "user_id,item_id,timestamp,event,item_id")' },
  { issue: 'empty user id', file: bad('empty-user.csv'), load: 'events', line: 3, field: 'user_id', value: '', message: 'field "user_id" is empty (value: "")' },
  { issue: 'empty item id', file: bad('empty-item.csv'), load: 'events', line: 2, field: 'item_id', value: '', message: 'field "item_id" is empty (value: "")' },
  { issue: 'non-numeric price', file: bad('items-bad-price.csv'), load: 'items', line: 3, field: 'price', value: 'cheap', message: 'field "price" is not a number (value: "cheap")' },
  { issue: 'negative price', file: bad('items-negative-price.csv'), load: 'items', line: 3, field: 'price', value: '-3', message: 'field "price" is negative (value: "-3")' },
  { issue: 'items.csv without item_id', file: bad('items-missing-id.csv'), load: 'items', line: 1, field: 'item_id', value: 'title,category,price',
    message: 'field "item_id" is missing from the header (expected columns item_id) (value: "title,category,price")' },
];

/** Runs a loader and returns the DataError it throws (failing the test if it throws anything else, or nothing). */
async function dataErrorOf(run: () => Promise<unknown>): Promise<DataError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('loaded without an error');
}

describe('bad input: an error naming file:line, field and value', () => {
  for (const c of ERROR_CASES) {
    it(`${c.issue} (${c.file.slice(fixtures.length + 1)})`, async () => {
      const error = await dataErrorOf(() => (c.load === 'events' ? loadEvents(c.file) : loadItems(c.file, [])));
      expect(error.message).toBe(`${c.file}:${c.line}: ${c.message}`);
      expect({ file: error.file, line: error.line, field: error.field, value: error.value }).toEqual({ file: c.file, line: c.line, field: c.field, value: c.value });
    });
  }

  describe('generated fixtures', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bad-input-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('huge line: a record over 1 MiB, quoted or not (data/huge-line.csv, generated)', async () => {
      const file = join(dir, 'huge-line.csv');
      const title = 'x'.repeat(MAX_RECORD_CHARS + 1);
      for (const field of [title, `"${title}"`]) {
        await writeFile(file, `item_id,title\ni1,Mug\ni2,${field}\ni3,Spoon\n`);
        const error = await dataErrorOf(() => loadItems(file, []));
        expect(error.message).toBe(`${file}:3: field "(record)" is longer than ${MAX_RECORD_CHARS} characters (1 MiB); is a quote left unclosed? (value: ${JSON.stringify(`i2,${field}`.slice(0, 80))})`);
        expect([error.line, error.field]).toEqual([3, '(record)']);
      }
    });
  });

  it('events.csv with a header but no events (datasets-bad/header-only)', async () => {
    const file = join(fixtures, 'datasets-bad', 'header-only', 'events.csv');
    const error = await dataErrorOf(() => loadDataset(join(fixtures, 'datasets-bad', 'header-only')));
    expect(error.message).toBe(`${file}:2: field "(records)" is missing: the file has a header but no events (value: "")`);
  });
});

describe('bad input: skipped with a counted warning', () => {
  it('duplicate item id with identical data: the copies are skipped and counted', async () => {
    const warnings: string[] = [];
    const items = await loadItems(bad('items-duplicate-identical.csv'), warnings);
    expect([...items.keys()]).toEqual(['i1', 'i2']);
    expect(warnings).toEqual([`${bad('items-duplicate-identical.csv')}: 2 duplicate item row(s) with identical data skipped (first at line 4)`]);
  });

  it('items referenced by events but missing from items.csv: kept without content, counted', async () => {
    const dir = join(fixtures, 'datasets-bad', 'missing-items');
    const dataset = await loadDataset(dir);
    expect(dataset.train.length + dataset.valid.length + dataset.test.length).toBe(6);
    expect(dataset.warnings).toEqual([`${join(dir, 'items.csv')}: 2 item(s) referenced by events are missing (kept without content; e.g. i9, i8)`]);
  });
});
