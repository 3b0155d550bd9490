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
