/**
 * Runs a Recommender through the protocol and computes every metric at K ∈ {5, 10, 20} with
 * the same code for baselines and models.
 */
import type { Dataset } from '../data/types.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { chooseItemDistance, type ItemDistanceChoice } from './item-distance.js';
import { catalogCoverage, hitRate, intraListDiversity, mrr, ndcg, novelty } from './metrics.js';
import { buildEvalCases, type EvalCases, type EvalSplit } from './protocol.js';
import type { Recommender } from './types.js';

export const EVAL_KS = [5, 10, 20] as const;
const LIST_LENGTH = EVAL_KS[EVAL_KS.length - 1]!;

export interface MetricsAtK {
  k: number;
  hr: number;
  ndcg: number;
  /** Reciprocal rank within the top K (see metrics.ts). */
  mrr: number;
  coverage: number;
  ild: number;
  novelty: number;
}

export interface RecommenderResult {
  name: string;
  users: number;
  /** Wall time of recommend() for every user, seconds. */
  recommendSeconds: number;
  fitSeconds?: number;
  settings?: Record<string, number | string>;
  metrics: MetricsAtK[];
}

export interface EvalContext {
  dataset: Dataset;
  split: EvalSplit;
  catalog: Catalog;
  cases: EvalCases;
  distance: ItemDistanceChoice;
  /** Train interactions per item id (the novelty reference). */
  trainCounts: Map<string, number>;
}

export function buildEvalContext(dataset: Dataset, split: EvalSplit): EvalContext {
  const catalog = buildCatalog(dataset);
  const trainCounts = new Map<string, number>();
  for (const event of dataset.train) trainCounts.set(event.itemId, (trainCounts.get(event.itemId) ?? 0) + 1);
  return {
    dataset,
    split,
    catalog,
    cases: buildEvalCases(dataset, split),
    distance: chooseItemDistance(dataset, catalog, dataset.train),
    trainCounts,
  };
}

export async function evaluateRecommender(recommender: Recommender, context: EvalContext): Promise<RecommenderResult> {
  const started = performance.now();
  const lists = await recommender.recommend(context.cases.histories, LIST_LENGTH);
  const recommendSeconds = (performance.now() - started) / 1000;
  if (lists.length !== context.cases.histories.length) {
    throw new Error(`${recommender.name} returned ${lists.length} lists for ${context.cases.histories.length} users`);
  }
  return { name: recommender.name, users: lists.length, recommendSeconds, metrics: metricsAtKs(lists, context) };
}

export function metricsAtKs(lists: string[][], context: EvalContext): MetricsAtK[] {
  const { targets } = context.cases;
  const size = context.catalog.ids.length;
  return EVAL_KS.map((k) => ({
    k,
    hr: hitRate(lists, targets, k),
    ndcg: ndcg(lists, targets, k),
    mrr: mrr(lists, targets, k),
    coverage: catalogCoverage(lists, k, size),
    ild: intraListDiversity(lists, k, context.distance.distance),
    novelty: novelty(lists, k, context.trainCounts, size),
  }));
}
