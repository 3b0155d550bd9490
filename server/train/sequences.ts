/**
 * Interactions → what the trainer feeds the encoder: per-user event sequences in catalog indices,
 * and training windows that cover every next-item target of `train` exactly once per epoch.
 */
import type { SasrecConfig, SequenceBatch } from '../../src/model/encoder.js';
import { appendRepeatEntries, emptySequenceBatch, eventTypeIndex, toRepeatEntries, writeSequence, type RepeatEntries } from '../../src/model/encoder.js';
import type { Interaction } from '../data/types.js';
import type { Catalog } from '../eval/catalog.js';

/** One user's events, oldest first, as parallel arrays. */
export interface IndexedSequence {
  items: Int32Array;
  eventTypes: Int32Array;
  timestamps: Float64Array;
}

export function indexSequence(config: SasrecConfig, catalog: Catalog, events: readonly Interaction[]): IndexedSequence {
  const items = new Int32Array(events.length);
  const eventTypes = new Int32Array(events.length);
  const timestamps = new Float64Array(events.length);
  events.forEach((event, i) => {
    const index = catalog.indexOf.get(event.itemId);
    if (index === undefined) throw new Error(`item ${JSON.stringify(event.itemId)} of user ${JSON.stringify(event.userId)} is not in the catalog`);
    items[i] = index;
    eventTypes[i] = eventTypeIndex(config, event.event);
    timestamps[i] = event.timestamp;
  });
  return { items, eventTypes, timestamps };
}

/** Per-user sequences of `events`, users in order of first appearance, each sorted by time (stable). */
export function userSequences(config: SasrecConfig, catalog: Catalog, events: readonly Interaction[]): IndexedSequence[] {
  const byUser = new Map<string, Interaction[]>();
  for (const event of events) {
    const list = byUser.get(event.userId);
    if (list) list.push(event);
    else byUser.set(event.userId, [event]);
  }
  return [...byUser.values()].map((list) => indexSequence(config, catalog, list.slice().sort((a, b) => a.timestamp - b.timestamp)));
}

/** Inputs sequence[start, end) predict targets sequence[start+1, end+1). */
export interface TrainingWindow {
  sequence: number;
  start: number;
  end: number;
}

/** Non-overlapping windows of at most `maxLength` inputs, cut from the end of each sequence. */
export function trainingWindows(sequences: readonly IndexedSequence[], maxLength: number): TrainingWindow[] {
  const windows: TrainingWindow[] = [];
  sequences.forEach((sequence, index) => {
    let end = sequence.items.length - 1;
    while (end > 0) {
      const start = Math.max(0, end - maxLength);
      windows.push({ sequence: index, start, end });
      end = start;
    }
  });
  return windows;
}

/** A batch of windows: encoder inputs, the target of every real position, and repeat entries. */
export interface TrainingBatch {
  inputs: SequenceBatch;
  /** Flat positions (row·length + column) that have a target, in order. */
  positions: Int32Array;
  /** Target item index of each position. */
  targets: Int32Array;
  /** Repeat-bias entries; `rows` index into `positions`. */
  repeat: RepeatEntries;
}

export function buildTrainingBatch(
  config: SasrecConfig,
  sequences: readonly IndexedSequence[],
  windows: readonly TrainingWindow[],
): TrainingBatch {
  const length = config.maxLength;
  const inputs = emptySequenceBatch(windows.length, length);
  const positions: number[] = [];
  const targets: number[] = [];
  const repeat = { rows: [] as number[], items: [] as number[], buckets: [] as number[] };
  const seen = new Set<number>();
  windows.forEach((window, row) => {
    const sequence = sequences[window.sequence]!;
    writeSequence(config, inputs, row, sequence.items, sequence.eventTypes, sequence.timestamps, window.start, window.end);
    const count = window.end - window.start;
    for (let k = 0; k < count; k++) {
      // The repeat bias of a position reads the whole sequence before it, not only the window.
      appendRepeatEntries(config, sequence.items, window.start + k, positions.length, repeat, seen);
      positions.push(row * length + (length - count) + k);
      targets.push(sequence.items[window.start + k + 1]!);
    }
  });
  return { inputs, positions: Int32Array.from(positions), targets: Int32Array.from(targets), repeat: toRepeatEntries(repeat) };
}
