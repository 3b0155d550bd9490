/**
 * Browser entry of the benchmark's scoring page (built by e2e/bench/widget.ts): loads a model
 * version on a forced backend exactly as the widget does, then times `score()` (encoder + one
 * dot product per catalog item, read back with `await data()`) and the pure ranking after it.
 */
import { loadModel, loadShopArtifacts } from '../../src/model/load.js';
import { loadTf, type BackendName } from '../../src/model/backend.js';
import { rank } from '../../src/ranking/rank.js';

export interface ScoringResult {
  backend: string;
  itemCount: number;
  scoreMs: number[];
  rankMs: number[];
  /** The per-item part alone: one user vector · every item embedding, read back (no encoder). */
  dotMs: number[];
}

async function benchScoring(manifestUrl: string, backend: BackendName, runs: number): Promise<ScoringResult> {
  const shop = await loadShopArtifacts(manifestUrl);
  const loaded = await loadModel(shop, backend);
  const now = Date.now();
  const history = shop.fallback.popular.slice(0, 20).map((itemIndex, k) => ({ itemIndex, type: 'view' as const, timestamp: now - (20 - k) * 60_000 }));
  let warmMs = 0;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await loaded.model.score(history);
    warmMs = performance.now() - t0;
  }
  // Slow backends (software GPU on 100k items) get fewer runs, so the benchmark stays bounded.
  if (warmMs > 200) runs = Math.min(runs, 5);
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
  const tf = await loadTf();
  const itemsT = tf.tidy(() => tf.transpose(tf.tensor2d(loaded.embeddings, [loaded.model.itemCount, loaded.dims])));
  const user = tf.tensor2d(loaded.embeddings.slice(0, loaded.dims), [1, loaded.dims]);
  const dotMs: number[] = [];
  const once = async () => {
    const product = tf.matMul(user, itemsT);
    await product.data();
    product.dispose();
  };
  const probe = performance.now();
  await once();
  // Fast calls are timed in batches of 10: one is below the browser's 0.1 ms timer resolution.
  const batch = performance.now() - probe < 5 ? 10 : 1;
  for (let k = 0; k < runs + 1; k++) {
    const t0 = performance.now();
    for (let r = 0; r < batch; r++) await once();
    if (k >= 1) dotMs.push((performance.now() - t0) / batch);
  }
  tf.dispose([itemsT, user]);
  loaded.model.dispose();
  return { backend: loaded.backend, itemCount: loaded.model.itemCount, scoreMs, rankMs, dotMs };
}

(window as unknown as { benchScoring: typeof benchScoring }).benchScoring = benchScoring;
