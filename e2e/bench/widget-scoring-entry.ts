/**
 * Browser entry of the benchmark's scoring page (built by e2e/bench/widget.ts): loads a model
 * version on a forced backend exactly as the widget does, then times `score()` (encoder + one
 * dot product per catalog item, read back with `await data()`) and the pure ranking after it.
 */
import { loadModel, loadShopArtifacts } from '../../src/model/load.js';
import type { BackendName } from '../../src/model/backend.js';
import { rank } from '../../src/ranking/rank.js';

export interface ScoringResult {
  backend: string;
  itemCount: number;
  scoreMs: number[];
  rankMs: number[];
}

async function benchScoring(manifestUrl: string, backend: BackendName, runs: number): Promise<ScoringResult> {
  const shop = await loadShopArtifacts(manifestUrl);
  const loaded = await loadModel(shop, backend);
  const now = Date.now();
  const history = shop.fallback.popular.slice(0, 20).map((itemIndex, k) => ({ itemIndex, type: 'view' as const, timestamp: now - (20 - k) * 60_000 }));
  for (let k = 0; k < 3; k++) await loaded.model.score(history);
  const scoreMs: number[] = [];
  const rankMs: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const scores = await loaded.model.score(history);
    const t1 = performance.now();
    rank(scores, { limit: 8, diversity: 0.3, embeddings: loaded.embeddings, dims: loaded.dims });
    const t2 = performance.now();
    scoreMs.push(t1 - t0);
    rankMs.push(t2 - t1);
  }
  loaded.model.dispose();
  return { backend: loaded.backend, itemCount: loaded.model.itemCount, scoreMs, rankMs };
}

(window as unknown as { benchScoring: typeof benchScoring }).benchScoring = benchScoring;
