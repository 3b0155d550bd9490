/**
 * The evaluation protocol of ../shared/datasets/README.md: one held-out event per user;
 * the history for `test` is train + valid, for `valid` it is train (oldest first).
 */
import type { Dataset, Interaction } from '../data/types.js';

export type EvalSplit = 'valid' | 'test';

export interface EvalCases {
  split: EvalSplit;
  userIds: string[];
  histories: Interaction[][];
  /** The held-out item id of each user. */
  targets: string[];
}

/** The events every model may learn from when it is evaluated on `split`. */
export function trainingEventsFor(dataset: Dataset, split: EvalSplit): Interaction[] {
  return split === 'test' ? [...dataset.train, ...dataset.valid] : dataset.train;
}

/** One case per held-out event of `split`, in file order; histories sorted by time (stable). */
export function buildEvalCases(dataset: Dataset, split: EvalSplit): EvalCases {
  const byUser = new Map<string, Interaction[]>();
  for (const event of trainingEventsFor(dataset, split)) {
    const list = byUser.get(event.userId);
    if (list) list.push(event);
    else byUser.set(event.userId, [event]);
  }
  const cases: EvalCases = { split, userIds: [], histories: [], targets: [] };
  for (const event of dataset[split]) {
    const history = (byUser.get(event.userId) ?? []).slice().sort((a, b) => a.timestamp - b.timestamp);
    cases.userIds.push(event.userId);
    cases.histories.push(history);
    cases.targets.push(event.itemId);
  }
  return cases;
}
