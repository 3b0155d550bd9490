/**
 * The fixed leave-last-out split of ../shared/datasets/README.md, for a dataset that ships only
 * events.csv. Pure: the same events in the same order always give the same split.
 */
import type { Interaction } from './types.js';

export interface Split {
  train: Interaction[];
  valid: Interaction[];
  test: Interaction[];
}

/** Users with fewer events than this (after collapsing repeats) go to train only. */
export const MIN_EVENTS_TO_EVALUATE = 3;

/**
 * 1. Per user, a stable sort by timestamp (ties keep file order).
 * 2. Consecutive repeats of the same item collapse into one event (the first one is kept).
 * 3. Users with ≥ 3 events: last → test, second-to-last → valid, the rest → train;
 *    users with fewer: all in train.
 * Users appear in the order of their first event in the input; each user's events are chronological.
 */
export function splitLeaveLastOut(events: readonly Interaction[]): Split {
  const byUser = new Map<string, Interaction[]>();
  for (const event of events) {
    const list = byUser.get(event.userId);
    if (list) list.push(event);
    else byUser.set(event.userId, [event]);
  }

  const split: Split = { train: [], valid: [], test: [] };
  for (const userEvents of byUser.values()) {
    // Array.prototype.sort is stable (ES2019), so ties keep file order.
    const sorted = userEvents.slice().sort((a, b) => a.timestamp - b.timestamp);
    const collapsed = collapseConsecutiveRepeats(sorted);
    if (collapsed.length < MIN_EVENTS_TO_EVALUATE) {
      for (const event of collapsed) split.train.push(event);
      continue;
    }
    for (let i = 0; i < collapsed.length - 2; i++) split.train.push(collapsed[i]!);
    split.valid.push(collapsed[collapsed.length - 2]!);
    split.test.push(collapsed[collapsed.length - 1]!);
  }
  return split;
}

/** Drops an event whose item equals the item of the event right before it. */
export function collapseConsecutiveRepeats(sorted: readonly Interaction[]): Interaction[] {
  const kept: Interaction[] = [];
  for (const event of sorted) {
    if (kept.length > 0 && kept[kept.length - 1]!.itemId === event.itemId) continue;
    kept.push(event);
  }
  return kept;
}
