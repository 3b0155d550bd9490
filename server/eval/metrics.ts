/**
 * Top-K recommendation metrics, as pure functions over ranked lists (item ids, best first).
 * Protocol (../shared/datasets/README.md): one held-out item per user, full ranking against
 * every item, so the accuracy metrics below take one relevant item per list.
 * Every function returns a mean over lists (0 for no lists).
 */

/** 1-based rank of `target` in `list`, or 0 when absent. */
export function rankOf(list: readonly string[], target: string): number {
  const index = list.indexOf(target);
  return index === -1 ? 0 : index + 1;
}

/** HR@K = mean over users of [rank(target) ≤ K]. */
export function hitRate(lists: readonly (readonly string[])[], targets: readonly string[], k: number): number {
  return mean(lists, (list, u) => {
    const rank = rankOf(list.slice(0, k), targets[u]!);
    return rank > 0 ? 1 : 0;
  });
}

/**
 * NDCG@K with one relevant item: the ideal DCG is 1, so
 * NDCG@K = mean over users of 1 / log2(rank + 1) when rank ≤ K, else 0.
 */
export function ndcg(lists: readonly (readonly string[])[], targets: readonly string[], k: number): number {
  return mean(lists, (list, u) => {
    const rank = rankOf(list.slice(0, k), targets[u]!);
    return rank > 0 ? 1 / Math.log2(rank + 1) : 0;
  });
}

/**
 * MRR@K, the reciprocal rank within the recommended list (not the full ranking, which a
 * Recommender does not expose): mean over users of 1 / rank when rank ≤ K, else 0.
 * Reports use K = the longest list evaluated (20).
 */
export function mrr(lists: readonly (readonly string[])[], targets: readonly string[], k: number): number {
  return mean(lists, (list, u) => {
    const rank = rankOf(list.slice(0, k), targets[u]!);
    return rank > 0 ? 1 / rank : 0;
  });
}

/** Catalog coverage@K = |⋃ users' top-K| / catalog size: how much of the catalog ever gets shown. */
export function catalogCoverage(lists: readonly (readonly string[])[], k: number, catalogSize: number): number {
  if (catalogSize <= 0) return 0;
  const shown = new Set<string>();
  for (const list of lists) for (const item of list.slice(0, k)) shown.add(item);
  return shown.size / catalogSize;
}

/** A distance between two items in [0, 1] (0 = the same kind of item). */
export type ItemDistance = (a: string, b: string) => number;

/**
 * Intra-list diversity@K = mean over users of the mean pairwise distance among the top K:
 * ILD(L) = 2 / (|L|(|L|−1)) · Σ_{i<j} d(L_i, L_j); lists shorter than 2 count as 0.
 * Which distance to use (category when items have categories, else co-occurrence cosine) is
 * chosen once per dataset by `server/eval/item-distance.ts`, so recommenders compare fairly.
 */
export function intraListDiversity(lists: readonly (readonly string[])[], k: number, distance: ItemDistance): number {
  return mean(lists, (full) => {
    const list = full.slice(0, k);
    if (list.length < 2) return 0;
    let sum = 0;
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) sum += distance(list[i]!, list[j]!);
    return (2 * sum) / (list.length * (list.length - 1));
  });
}

/**
 * Novelty@K = mean over every recommended item i (top K of every user) of −log2 p(i), with
 * p(i) = popularity share of i in the training interactions, Laplace-smoothed so unseen items
 * stay finite: p(i) = (count(i) + 1) / (total + catalogSize). Higher = less mainstream.
 */
export function novelty(
  lists: readonly (readonly string[])[],
  k: number,
  counts: ReadonlyMap<string, number>,
  catalogSize: number,
): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  const denominator = total + catalogSize;
  let sum = 0;
  let n = 0;
  for (const list of lists) {
    for (const item of list.slice(0, k)) {
      sum += -Math.log2(((counts.get(item) ?? 0) + 1) / denominator);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

function mean(lists: readonly (readonly string[])[], value: (list: readonly string[], user: number) => number): number {
  if (lists.length === 0) return 0;
  let sum = 0;
  for (let u = 0; u < lists.length; u++) sum += value(lists[u]!, u);
  return sum / lists.length;
}
