/**
 * Renders an EvalReport as one self-contained HTML file: inline CSS and hand-drawn SVG plots,
 * no scripts, no external requests.
 */
import { EVAL_KS } from './evaluate.js';
import { metricAt, type EvalReport } from './report.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Optional label per point (e.g. the diversity value on the trade-off curve). */
  labels?: string[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Draw only x values that occur in the data as ticks (e.g. K = 5, 10, 20). */
  xTicks?: number[];
}

export function renderHtmlReport(report: EvalReport): string {
  const sections: string[] = [];
  sections.push(`<h1>Recommendation quality: ${escapeHtml(report.dataset)}</h1>
<p class="meta">Split <b>${report.split}</b> · ${report.users} users · ${report.items} items · full ranking against every item ·
history = ${report.split === 'test' ? 'train + valid' : 'train'} · ILD distance: ${report.itemDistance} · generated ${escapeHtml(report.createdAt)}</p>`);
  sections.push(`<h2>Accuracy by K</h2>${metricsTable(report, ACCURACY)}<h2>Beyond accuracy by K</h2>${metricsTable(report, BEYOND_ACCURACY)}`);

  const byK = (metric: 'ndcg' | 'hr'): Series[] =>
    report.recommenders.map((r) => ({ name: r.name, points: EVAL_KS.map((k) => [k, metricAt(r, k)[metric]] as [number, number]) }));
  sections.push(`<div class="charts">${lineChart({ title: 'NDCG@K', xLabel: 'K', yLabel: 'NDCG@K', series: byK('ndcg'), xTicks: [...EVAL_KS] })}
${lineChart({ title: 'HR@K', xLabel: 'K', yLabel: 'HR@K', series: byK('hr'), xTicks: [...EVAL_KS] })}</div>`);

  const model = report.model;
  if (model?.training && model.training.epochs.length > 0) {
    const epochs = model.training.epochs;
    sections.push(`<h2>Training (${escapeHtml(model.name)})</h2><div class="charts">
${lineChart({ title: 'Training loss per epoch', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'loss', points: epochs.map((e) => [e.epoch, e.loss]) }] })}
${lineChart({ title: 'Validation NDCG@10 per epoch', xLabel: 'epoch', yLabel: 'valid NDCG@10', series: [{ name: 'valid NDCG@10', points: epochs.map((e) => [e.epoch, e.validNdcg10]) }] })}
</div><p class="meta">${epochs.length} epochs, ${epochs[epochs.length - 1]!.seconds.toFixed(0)} s in total.</p>`);
  }
  if (model?.diversityCurve) {
    const { points, users } = model.diversityCurve;
    sections.push(`<h2>Accuracy–diversity trade-off</h2><div class="charts">
${lineChart({
  title: `NDCG@10 against ILD@10 as diversity goes 0 → 1 (${users} users)`,
  xLabel: 'ILD@10',
  yLabel: 'NDCG@10',
  series: [
    // The baselines as single reference points (all users), in the order (and colours) of the other charts.
    ...report.recommenders.filter((r) => r.name !== model.name).map((r) => ({ name: r.name, points: [[metricAt(r, 10).ild, metricAt(r, 10).ndcg] as [number, number]] })),
    // Every other diversity value is labelled, so the labels do not overlap where the curve is flat.
    { name: model.name, points: points.map((p) => [p.ild10, p.ndcg10]), labels: points.map((p, i) => (i % 2 === 0 ? p.diversity.toFixed(1) : '')) },
  ],
})}</div>
<table><tr><th>diversity</th>${points.map((p) => `<td>${p.diversity.toFixed(1)}</td>`).join('')}</tr>
<tr><th>NDCG@10</th>${points.map((p) => `<td>${p.ndcg10.toFixed(4)}</td>`).join('')}</tr>
<tr><th>HR@10</th>${points.map((p) => `<td>${p.hr10.toFixed(4)}</td>`).join('')}</tr>
<tr><th>ILD@10</th>${points.map((p) => `<td>${p.ild10.toFixed(4)}</td>`).join('')}</tr></table>`);
  }
  if (model?.variants && model.variants.length > 0) {
    const rows = model.variants.map((v) => `<tr><td>${escapeHtml(v.name)}</td><td>${v.bytes.toLocaleString('en')}</td>
<td>${v.compression === null ? '–' : v.compression.toFixed(2) + '×'}</td><td>${v.ndcg10.toFixed(4)}</td><td>${v.hr10.toFixed(4)}</td>
<td>${v.relativeNdcgLoss === null ? '–' : (v.relativeNdcgLoss * 100).toFixed(2) + ' %'}</td></tr>`).join('');
    sections.push(`<h2>Quantized variants</h2><table><tr><th>variant</th><th>bytes</th><th>smaller than float32</th><th>NDCG@10</th><th>HR@10</th><th>relative NDCG@10 loss</th></tr>${rows}</table>
<div class="charts">${barChart('Size (KiB)', model.variants.map((v) => [v.name, v.bytes / 1024]))}
${barChart('NDCG@10', model.variants.map((v) => [v.name, v.ndcg10]))}</div>`);
  }
  const fitted = report.recommenders.filter((r) => r.settings);
  if (fitted.length > 0) {
    sections.push(`<h2>Settings and timings</h2><table><tr><th>recommender</th><th>settings</th><th>fit s</th><th>recommend s</th></tr>
${report.recommenders.map((r) => `<tr><td>${escapeHtml(r.name)}</td><td class="text">${escapeHtml(JSON.stringify(r.settings ?? {}))}</td>
<td>${r.fitSeconds === undefined ? '–' : r.fitSeconds.toFixed(1)}</td><td>${r.recommendSeconds.toFixed(1)}</td></tr>`).join('')}</table>`);
  }
  if (report.warnings.length > 0) {
    sections.push(`<h2>Data warnings</h2><ul>${report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation report · ${escapeHtml(report.dataset)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555}table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f5f5f5}td.text{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}svg{background:#fff;border:1px solid #eee}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .title{font-size:13px;font-weight:600}
</style></head><body>
${sections.join('\n')}
<p class="meta">Metrics (server/eval/metrics.ts): HR@K, NDCG@K = 1/log2(rank+1) for the one held-out item, MRR = reciprocal rank within the top K,
coverage = share of the catalog shown to anyone, ILD = mean pairwise distance within a list, novelty = mean −log2 (smoothed) train popularity share.</p>
</body></html>
`;
}

type MetricKey = 'hr' | 'ndcg' | 'mrr' | 'coverage' | 'ild' | 'novelty';
const ACCURACY: Array<[MetricKey, string]> = [['hr', 'HR'], ['ndcg', 'NDCG'], ['mrr', 'MRR']];
const BEYOND_ACCURACY: Array<[MetricKey, string]> = [['coverage', 'Catalog coverage'], ['ild', 'Intra-list diversity'], ['novelty', 'Novelty (bits)']];

/** One row per recommender, one column per metric and K; the best value of each column in bold. */
function metricsTable(report: EvalReport, metrics: Array<[MetricKey, string]>): string {
  const head = `<tr><th rowspan="2">recommender</th>${metrics.map(([, label]) => `<th colspan="${EVAL_KS.length}">${label}</th>`).join('')}</tr>
<tr>${metrics.map(() => EVAL_KS.map((k) => `<th>@${k}</th>`).join('')).join('')}</tr>`;
  const best = new Map<string, number>();
  for (const [metric] of metrics) {
    for (const k of EVAL_KS) best.set(`${metric}@${k}`, Math.max(...report.recommenders.map((r) => metricAt(r, k)[metric])));
  }
  const rows = report.recommenders.map((r) => `<tr><td>${escapeHtml(r.name)}</td>${metrics.map(([metric]) => EVAL_KS.map((k) => {
    const value = metricAt(r, k)[metric];
    const text = metric === 'novelty' ? value.toFixed(2) : value.toFixed(4);
    return `<td>${value === best.get(`${metric}@${k}`) ? `<b>${text}</b>` : text}</td>`;
  }).join('')).join('')}</tr>`).join('\n');
  return `<table>${head}${rows}</table>`;
}

const WIDTH = 540;
const HEIGHT = 320;
const MARGIN = { left: 58, right: 130, top: 28, bottom: 44 };

/** A line chart with axes, ticks, markers with tooltips, and a legend on the right. */
export function lineChart(options: ChartOptions): string {
  const all = options.series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const [x0, x1] = paddedDomain(all.map((p) => p[0]), false);
  const [y0, y1] = paddedDomain(all.map((p) => p[1]), true);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const xTicks = options.xTicks ?? niceTicks(x0, x1, 6);
  const yTicks = niceTicks(y0, y1, 5);
  const parts: string[] = [];
  parts.push(`<text class="title" x="${MARGIN.left}" y="17">${escapeHtml(options.title)}</text>`);
  for (const t of yTicks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#888"/>`);
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`);
  options.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length]!;
    const path = series.points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    series.points.forEach((p, i) => {
      const label = series.labels?.[i];
      parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${color}"><title>${escapeHtml(series.name)}${label ? ` (${escapeHtml(label)})` : ''}: ${formatTick(p[0])}, ${p[1].toFixed(4)}</title></circle>`);
      if (label) parts.push(`<text x="${(sx(p[0]) + 5).toFixed(1)}" y="${(sy(p[1]) - 5).toFixed(1)}">${escapeHtml(label)}</text>`);
    });
    const ly = MARGIN.top + 10 + index * 18;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 35}" y="${ly + 4}">${escapeHtml(series.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg>`;
}

/** A horizontal bar chart of labelled values. */
export function barChart(title: string, bars: Array<[string, number]>): string {
  const rowH = 26;
  const height = 40 + bars.length * rowH;
  const left = 90;
  const plotW = WIDTH - left - 80;
  const max = Math.max(...bars.map((b) => b[1]), 0) || 1;
  const parts = [`<text class="title" x="10" y="18">${escapeHtml(title)}</text>`];
  bars.forEach(([label, value], i) => {
    const y = 30 + i * rowH;
    const w = (value / max) * plotW;
    parts.push(`<text x="${left - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${(left + w + 5).toFixed(1)}" y="${y + 14}">${value >= 100 ? value.toFixed(0) : value.toFixed(4)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

function paddedDomain(values: number[], fromZero: boolean): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (fromZero && lo > 0 && lo < hi * 0.5) lo = 0;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.06;
  return [lo === 0 ? 0 : lo - pad, hi + pad];
}

/** Round tick values (1, 2, 5 × 10^n steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(3)).toString();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
