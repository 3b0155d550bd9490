/**
 * The dataset contract of the training server: CSV files in the layout of
 * ../shared/datasets/README.md, parsed and validated into these shapes.
 */
import type { EventType } from '../../src/model/artifacts.js';

export interface Interaction {
  userId: string;
  itemId: string;
  /** Unix seconds, as in the CSV. */
  timestamp: number;
  event: EventType;
}

export interface Item {
  itemId: string;
  title: string;
  category: string;
  price: number | null;
  /** Any further columns (brand, image, consumable, …) by header name. */
  extra: Record<string, string>;
}

/** A dataset directory after loading: the fixed split when present. */
export interface Dataset {
  dir: string;
  /** Null when items.csv is absent. */
  items: Map<string, Item> | null;
  train: Interaction[];
  valid: Interaction[];
  test: Interaction[];
  /** Problems that did not stop loading (duplicate item rows, events whose item is not in items.csv). */
  warnings: string[];
}

/** A data error that names where it is: file:line, the field and the value. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}: field "${field}" ${problem} (value: ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)})`);
    this.name = 'DataError';
  }
}
