/**
 * `npm run bench:widget`: the widget's performance in headless Chromium (Debian's), printed as
 * median and p95, each against the merchant's own unpersonalised render measured in the same run.
 *
 *   - track() → reco-ranked latency (one widget, model loaded);
 *   - scoring latency (model.score: encoder + every item's dot product, read back) per available
 *     backend for 1k / 10k / 100k items, and the pure ranking (top-k + MMR) after it;
 *   - time to first personalised render, cold (empty caches, backend not yet measured) and warm;
 *   - the core bundle size (gzip -9 of reco-widget.js and its static imports).
 *
 * Options: --sizes=1000,10000,100000  --backends=cpu,wasm,webgl,webgpu  --runs=20  --quick
 * Results also go to .cache/widget-bench/results.json. WebGPU runs with --enable-unsafe-webgpu
 * (here a SwiftShader fallback adapter: the widget never picks it on its own, it is forced).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { ensureFixtureRoot, fixtureItemId } from './widget-fixture.js';
import { startWidgetServer, withLock, type WidgetServer } from './widget-server.js';
import type { ScoringResult } from './widget-scoring-entry.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const workDir = join(repoRoot, '.cache/widget-bench');

function option(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}
const quick = process.argv.includes('--quick');
const sizes = option('sizes', quick ? '1000,10000' : '1000,10000,100000').split(',').map(Number);
const backends = option('backends', 'cpu,wasm,webgl,webgpu').split(',');
const runs = Number(option('runs', quick ? '10' : '20'));
const renderRuns = quick ? 3 : 5;
const trackRuns = quick ? 20 : 50;

export interface Stats {
  n: number;
  median: number;
  p95: number;
  min: number;
}

/** Median and nearest-rank p95. */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { n: sorted.length, median: mid, p95: at(0.95), min: sorted[0]! };
}
const fmt = (s: Stats) => `p50 ${s.median.toFixed(2).padStart(8)} ms   p95 ${s.p95.toFixed(2).padStart(8)} ms   (n=${s.n})`;

async function buildBundles(): Promise<{ www: string; coreGzip: number; coreRaw: number; coreFiles: string[] }> {
  const www = join(workDir, 'www');
  await withLock(join(workDir, 'build.lock'), async () => {
    await build({ configFile: join(repoRoot, 'vite.config.ts'), mode: 'lib', logLevel: 'warn', build: { outDir: join(www, 'lib'), emptyOutDir: true } });
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: join(www, 'scoring'),
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry: join(import.meta.dirname, 'widget-scoring-entry.ts'), formats: ['es'], fileName: () => 'scoring.js' },
      },
    });
  });
  // The core: the entry plus everything it imports statically (what every page downloads).
  const core = new Set<string>();
  const visit = async (file: string) => {
    if (core.has(file)) return;
    core.add(file);
    const code = await readFile(join(www, 'lib', file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g)) await visit(join(file, '..', m[1]!).replace(/^\.\//, ''));
  };
  await visit('reco-widget.js');
  let coreGzip = 0;
  let coreRaw = 0;
  for (const file of core) {
    const body = await readFile(join(www, 'lib', file));
    coreRaw += body.length;
    coreGzip += gzipSync(body, { level: 9 }).length;
  }
  return { www, coreGzip, coreRaw, coreFiles: [...core] };
}

function page(server: WidgetServer, name: string, body: string, script = '/lib/lib/reco-widget.js'): string {
  server.pages.set(name, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body>${body}<script type="module" src="${script}"></script></body></html>`);
  return `${server.origin}/pages/${name}`;
}

async function scoring(browser: Browser, server: WidgetServer, mount: string, backend: string): Promise<ScoringResult | null> {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    await p.goto(page(server, 'scoring.html', '', '/lib/scoring/scoring.js'));
    await p.waitForFunction(() => 'benchScoring' in window);
    const result = await Promise.race([
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no result within 180 s')), 180_000)),
      p.evaluate(
      ([url, backend, runs]) => (window as unknown as { benchScoring(u: string, b: string, r: number): Promise<ScoringResult> }).benchScoring(url as string, backend as string, runs as number),
      [`${mount}/latest/manifest.json`, backend, runs] as const,
      ),
    ]);
    return result.backend === backend ? result : null;
  } catch (error) {
    console.warn(`  scoring ${backend} ${mount}: ${(error as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    await context.close();
  }
}

/** Milliseconds from navigation start to the first reco-ranked of any kind and the first personalised one. */
async function timeToRender(p: Page, url: string): Promise<{ first: number; personal: number }> {
  await p.goto(url);
  const handle = await p
    .waitForFunction(
    () => {
      const events = (window as unknown as { __ranked?: Array<{ at: number; personal: boolean; backend: string }> }).__ranked ?? [];
      const personal = events.find((e) => e.personal && e.backend !== 'fallback');
      return personal ? { first: events[0]!.at, personal: personal.at } : false;
    },
      null,
      { timeout: 120_000, polling: 20 },
    )
    .catch(async (error: Error) => {
      const state = await p.evaluate(() => ({
        ranked: (window as unknown as { __ranked?: unknown[] }).__ranked,
        errors: (window as unknown as { __errors?: unknown[] }).__errors,
      }));
      throw new Error(`${url}: no personalised render (${error.message.split('\n')[0]}); state ${JSON.stringify(state).slice(0, 500)}`);
    });
  return (await handle.jsonValue()) as { first: number; personal: number };
}

const captureRanked = () => {
  const w = window as unknown as { __ranked: Array<{ at: number; personal: boolean; backend: string }>; __errors: string[] };
  w.__ranked = [];
  w.__errors = [];
  document.addEventListener('reco-ranked', (e) => w.__ranked.push({ ...(e as CustomEvent).detail, at: performance.now() }));
  document.addEventListener('error', (e) => {
    const detail = (e as unknown as CustomEvent).detail as { type?: string; sourceError?: unknown } | null;
    if (detail?.type) w.__errors.push(`${detail.type}: ${String(detail.sourceError)}`);
  }, true);
};

/** The merchant's own list (server-rendered, unpersonalised): when it is in the DOM, and first contentful paint. */
async function merchantRender(browser: Browser, server: WidgetServer, count: number): Promise<{ dom: number[]; fcp: number[] }> {
  const cards = Array.from({ length: 8 }, (_, i) => `<li><img alt="" width="80" height="80" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"><b>Product ${i}</b> $10.00</li>`).join('');
  const url = page(server, 'merchant.html', `<ul id="list">${cards}</ul><script>window.__listAt = performance.now()</script>`, '/lib/none.js');
  const dom: number[] = [];
  const fcp: number[] = [];
  for (let k = 0; k < count; k++) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(url);
    dom.push(await p.evaluate(() => (window as unknown as { __listAt: number }).__listAt));
    const paint = await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    if (paint !== null) fcp.push(paint);
    await context.close();
  }
  return { dom, fcp };
}

async function renderAndLatency(browser: Browser, server: WidgetServer, mount: string, items: number) {
  const seed = page(server, `seed-${items}.html`, '');
  const seedIds = [3, 15, 27, 40].map(fixtureItemId);
  const widgetUrl = page(server, `widget-${items}.html`, `<reco-widget id="w" model="${mount}/latest/manifest.json" limit="8"></reco-widget>`);
  const cold: number[] = [];
  const coldFirst: number[] = [];
  const warm: number[] = [];
  const warmFirst: number[] = [];
  let backend = '';
  for (let k = 0; k < renderRuns; k++) {
    const context = await browser.newContext();
    await context.addInitScript(captureRanked);
    const p = await context.newPage();
    await p.goto(seed);
    await p.waitForFunction(() => 'reco' in window);
    // track() resolves once the event is in IndexedDB (a page left earlier could lose the write).
    await p.evaluate(async (ids) => {
      const reco = (window as unknown as { reco: { track(e: unknown): Promise<void> } }).reco;
      for (const itemId of ids) await reco.track({ type: 'view', itemId });
    }, seedIds);
    const c = await timeToRender(p, widgetUrl);
    cold.push(c.personal);
    coldFirst.push(c.first);
    const w = await timeToRender(p, widgetUrl); // same context: Cache Storage and remembered backend
    warm.push(w.personal);
    warmFirst.push(w.first);
    if (k === renderRuns - 1) {
      backend = await p.evaluate(() => (document.querySelector('reco-widget') as unknown as { activeBackend: string }).activeBackend);
      // track() → reco-ranked, on the warm page.
      const latencies = await p.evaluate(async ([n, items]) => {
        const widget = document.querySelector('reco-widget')!;
        const reco = (window as unknown as { reco: { track(e: unknown): Promise<void> } }).reco;
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const itemId = `P${String((i * 7919) % items).padStart(6, '0')}`;
          const done = new Promise<number>((resolve) => widget.addEventListener('reco-ranked', () => resolve(performance.now()), { once: true }));
          const start = performance.now();
          void reco.track({ type: i % 5 === 4 ? 'cart' : 'view', itemId });
          out.push((await done) - start);
          await new Promise((r) => setTimeout(r, 20));
        }
        return out;
      }, [trackRuns, items] as const);
      await context.close();
      return { cold: stats(cold), coldFirst: stats(coldFirst), warm: stats(warm), warmFirst: stats(warmFirst), track: stats(latencies), backend };
    }
    await context.close();
  }
  throw new Error('unreachable');
}

async function main(): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const started = Date.now();
  console.log(`reco-widget benchmark — sizes ${sizes.join(', ')}; backends ${backends.join(', ')}; ${runs} scoring runs`);
  const bundles = await buildBundles();
  const mounts: Record<string, string> = {};
  for (const n of sizes) {
    mounts[`/m${n}`] = await withLock(join(workDir, `models-${n}.lock`), () =>
      ensureFixtureRoot(join(workDir, `models-${n}`), { items: n, dims: 64, thumbnails: n <= 10_000 }).then(() => join(workDir, `models-${n}`)),
    );
  }
  const server = await startWidgetServer({ libDir: bundles.www, mounts });
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-quic'] });
  const results: Record<string, unknown> = { date: new Date().toISOString(), core: { gzipBytes: bundles.coreGzip, rawBytes: bundles.coreRaw, files: bundles.coreFiles } };
  try {
    console.log(`\ncore bundle (every page): ${(bundles.coreGzip / 1024).toFixed(1)} KB gzip (${(bundles.coreRaw / 1024).toFixed(1)} KB raw; ${bundles.coreFiles.join(', ')}) — target ≤ 35 KB`);

    const merchant = await merchantRender(browser, server, renderRuns);
    const merchantDom = stats(merchant.dom);
    const merchantFcp = merchant.fcp.length ? stats(merchant.fcp) : null;
    results['merchantRender'] = { dom: merchantDom, fcp: merchantFcp };
    console.log(`\nmerchant's own unpersonalised list (baseline, same run)\n  in DOM                  ${fmt(merchantDom)}${merchantFcp ? `\n  first contentful paint  ${fmt(merchantFcp)}` : ''}`);

    console.log('\nscoring: score = model.score() (encoder over 20 events + every item\'s dot product + read back);');
    console.log('         items-only = user vector · all item embeddings + read back; rank = top-8 + MMR 0.3 in JS');
    const scoringResults: Record<string, unknown> = {};
    for (const n of sizes) {
      for (const backend of backends) {
        const r = await scoring(browser, server, `/m${n}`, backend);
        if (!r) {
          console.log(`  ${String(n).padStart(6)} items  ${backend.padEnd(6)}  unavailable`);
          continue;
        }
        const score = stats(r.scoreMs);
        const rankStats = stats(r.rankMs);
        const dot = stats(r.dotMs);
        scoringResults[`${n}/${backend}`] = { score, rank: rankStats, dot };
        console.log(
          `  ${String(n).padStart(6)} items  ${backend.padEnd(6)}  score ${fmt(score)}   items-only p50 ${dot.median.toFixed(2)} p95 ${dot.p95.toFixed(2)} ms   rank p50 ${rankStats.median.toFixed(2)} ms`,
        );
      }
    }
    results['scoring'] = scoringResults;

    for (const n of sizes.filter((s) => s <= 10_000)) {
      const r = await renderAndLatency(browser, server, `/m${n}`, n);
      results[`render/${n}`] = r;
      console.log(`\nwidget, ${n} items (backend picked: ${r.backend})`);
      console.log(`  track() → reco-ranked                 ${fmt(r.track)}   target p95 ≤ 50 ms`);
      console.log(`  cold: first render (popular)          ${fmt(r.coldFirst)}`);
      console.log(`  cold: first personalised render       ${fmt(r.cold)}`);
      console.log(`  warm: first render                    ${fmt(r.warmFirst)}`);
      console.log(`  warm: first personalised render       ${fmt(r.warm)}   target ≤ 300 ms`);
      console.log(`  vs merchant list in DOM (p50)         +${(r.warm.median - merchantDom.median).toFixed(1)} ms warm personalised`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  await writeFile(join(workDir, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`\nresults: ${join(workDir, 'results.json')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
