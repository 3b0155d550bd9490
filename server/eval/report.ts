/**
 * The evaluation report: the JSON shape (every number), and the compact stdout table.
 * The HTML rendering of the same object lives in html-report.ts.
 */
import type { MetricsAtK, RecommenderResult } from './evaluate.js';

/** What the model helper writes as `<model-dir>/training.json`. */
export interface TrainingLog {
  epochs: Array<{ epoch: number; loss: number; validNdcg10: number; seconds: number }>;
}

export interface DiversityPoint {
  diversity: number;
  ndcg10: number;
  hr10: number;
  ild10: number;
}

export interface VariantResult {
  name: string;
  dir: string;
  bytes: number;
  ndcg10: number;
  hr10: number;
  /** bytes of float32 / bytes of this variant (when a float32 variant exists). */
  compression: number | null;
  /** (NDCG@10 of float32 − this) / NDCG@10 of float32 (when a float32 variant exists). */
  relativeNdcgLoss: number | null;
}

export interface EvalReport {
  schema: 1;
  createdAt: string;
  dataset: string;
  split: 'valid' | 'test';
  users: number;
  items: number;
  /** Which distance intra-list diversity uses (see item-distance.ts). */
  itemDistance: 'category' | 'cooccurrence';
  ks: number[];
  loadSeconds: number;
  warnings: string[];
  recommenders: RecommenderResult[];
  model?: {
    dir: string;
    name: string;
    training?: TrainingLog;
    diversityCurve?: { users: number; points: DiversityPoint[] };
    variants?: VariantResult[];
  };
}

export function metricAt(result: RecommenderResult, k: number): MetricsAtK {
  const found = result.metrics.find((m) => m.k === k);
  if (!found) throw new Error(`${result.name}: no metrics at K=${k}`);
  return found;
}

/** A fixed-width table of the headline figures, one line per recommender. */
export function formatTable(report: EvalReport): string {
  const header = ['recommender', 'HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20', 'MRR@20', 'Cov@10', 'ILD@10', 'Nov@10', 'fit s', 'rec s'];
  const rows = report.recommenders.map((r) => {
    const [m5, m10, m20] = [metricAt(r, 5), metricAt(r, 10), metricAt(r, 20)];
    return [
      r.name,
      ...[m5.hr, m10.hr, m20.hr, m5.ndcg, m10.ndcg, m20.ndcg, m20.mrr, m10.coverage, m10.ild].map((v) => v.toFixed(4)),
      m10.novelty.toFixed(2),
      r.fitSeconds === undefined ? '-' : r.fitSeconds.toFixed(1),
      r.recommendSeconds.toFixed(1),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const lines = [
    `${report.dataset} · ${report.split} · ${report.users} users · ${report.items} items · ILD distance: ${report.itemDistance}`,
    line(header),
    ...rows.map(line),
  ];
  const variants = report.model?.variants;
  if (variants && variants.length > 0) {
    lines.push('', 'variant    bytes        ratio   NDCG@10  HR@10   rel. NDCG loss');
    for (const v of variants) {
      lines.push(`${v.name.padEnd(9)}  ${String(v.bytes).padStart(11)}  ${v.compression === null ? '   -' : v.compression.toFixed(2).padStart(5)}×  ${v.ndcg10.toFixed(4)}   ${v.hr10.toFixed(4)}  ${v.relativeNdcgLoss === null ? '-' : (v.relativeNdcgLoss * 100).toFixed(2) + ' %'}`);
    }
  }
  const curve = report.model?.diversityCurve;
  if (curve) {
    lines.push('', `diversity → NDCG@10 / ILD@10 (${curve.users} users): ` + curve.points.map((p) => `${p.diversity.toFixed(1)}: ${p.ndcg10.toFixed(3)}/${p.ild10.toFixed(3)}`).join('  '));
  }
  return lines.join('\n');
}
