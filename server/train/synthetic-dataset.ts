/**
 * A tiny seeded dataset with learnable order, for tests of training, export and recommend:
 * items form a ring; each shopper mostly buys the next item on the ring (sometimes re-buys or
 * jumps at random), so a sequence model must clearly beat popularity on it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mixedSeed, Random } from '../random.js';

export interface SyntheticOptions {
  users: number;
  items: number;
  eventsPerUser: number;
  seed: number;
  /** Write items.csv (titles, categories, prices) too. */
  withItems: boolean;
}

export async function writeSyntheticDataset(dir: string, options: SyntheticOptions): Promise<void> {
  const random = new Random(mixedSeed(options.seed));
  await mkdir(dir, { recursive: true });
  const lines = ['user_id,item_id,timestamp,event'];
  for (let u = 0; u < options.users; u++) {
    let item = Math.floor(random.next() * options.items);
    let time = 1_600_000_000 + u * 1000;
    for (let e = 0; e < options.eventsPerUser; e++) {
      lines.push(`u${u},i${item},${time},${random.next() < 0.5 ? 'purchase' : 'view'}`);
      time += 60 + Math.floor(random.next() * 3600);
      const roll = random.next();
      if (roll < 0.8) item = (item + 1) % options.items;
      else if (roll > 0.9) item = Math.floor(random.next() * options.items);
    }
  }
  await writeFile(join(dir, 'events.csv'), lines.join('\n') + '\n');
  if (options.withItems) {
    const items = ['item_id,title,category,price,brand'];
    for (let i = 0; i < options.items; i++) items.push(`i${i},Thing ${i % 7} model ${i},cat${i % 5},${(1 + (i % 9)) * 2.5},Brand ${i % 3}`);
    await writeFile(join(dir, 'items.csv'), items.join('\n') + '\n');
  }
}
