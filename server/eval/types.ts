/**
 * The evaluation contract: anything that ranks items for shoppers (baselines, the trained model)
 * is a Recommender, evaluated by the same protocol and metric code.
 */
import type { Interaction } from '../data/types.js';

export interface Recommender {
  name: string;
  /**
   * For each history (one shopper's events, oldest first) the top `k` item ids, best first.
   * Ranks against every item; items already in the history may be recommended (repeat purchases).
   */
  recommend(histories: Interaction[][], k: number): Promise<string[][]>;
}

/** A trained model as a Recommender (implemented by server/recommend.ts); dispose() frees its tensors. */
export type ModelRecommender = Recommender & { dispose(): void };

/** The signature of `loadModelRecommender` in server/recommend.ts (owned by the model helper). */
export type LoadModelRecommender = (modelDir: string, options?: { diversity?: number }) => Promise<ModelRecommender>;
