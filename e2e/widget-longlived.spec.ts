/**
 * A long-lived page: thousands of events and hundreds of model re-ranks. tfjs's live tensor count
 * (through the element's diagnostic `debugMemory`) stays flat, and the stored history stays
 * within history-max-events, in memory and on disk. Prints the figures for docs/widget.md.
 */
import { expect, test } from './bench/widget-harness.js';

const MAX_EVENTS = 50;
const RERANKS = 300;
const EVENTS = 2000;

type Memory = { numTensors: number; numBytes: number; storedEvents: number };
type Widget = HTMLElement & { debugMemory: Memory | null; rerank(): Promise<void>; activeBackend: string };
type Api = { reco: { track(e: unknown): Promise<void>; history(): Promise<unknown[]> } };

for (const backend of ['auto', 'webgl']) {
  test(`thousands of events and hundreds of re-ranks (backend ${backend}): no tensor leak, storage bounded`, async ({ shop, page }) => {
    test.setTimeout(240_000);
    await shop.open(`<reco-widget id="w" model="/models/latest/manifest.json" backend="${backend}" limit="8" history-max-events="${MAX_EVENTS}"></reco-widget>`);
    await shop.ranked(page, 'w', { model: true });
    const cdp = await page.context().newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    // One scored re-rank first, so that lazily created tensors (kernels' caches) exist before "before".
    await page.evaluate(async () => {
      await (window as unknown as Api).reco.track({ type: 'view', itemId: 'P000001' });
      await (document.querySelector('reco-widget') as Widget).rerank();
    });
    const before = await page.evaluate(() => (document.querySelector('reco-widget') as Widget).debugMemory!);
    const heapBefore = await heap();
    const rankedBefore = await shop.rankedCount(page, 'w');

    // Each step changes the history, so each re-rank runs the model (scores are cached per history).
    const scored = await page.evaluate(async (reranks) => {
      const widget = document.querySelector('reco-widget') as Widget;
      const types = ['view', 'cart', 'click', 'view', 'purchase'];
      const start = performance.now();
      for (let k = 0; k < reranks; k++) {
        await (window as unknown as Api).reco.track({ type: types[k % types.length], itemId: `P${String((k * 37) % 600).padStart(6, '0')}` });
        await widget.rerank();
      }
      return { ms: performance.now() - start, backend: widget.activeBackend };
    }, RERANKS);
    const afterReranks = await page.evaluate(() => (document.querySelector('reco-widget') as Widget).debugMemory!);

    // Then a burst of events (re-ranks coalesce), then one last re-rank.
    const burstMs = await page.evaluate(async (events) => {
      const start = performance.now();
      for (let k = 0; k < events; k++) await (window as unknown as Api).reco.track({ type: 'view', itemId: `P${String((k * 13) % 600).padStart(6, '0')}` });
      await (document.querySelector('reco-widget') as Widget).rerank();
      return performance.now() - start;
    }, EVENTS);
    const after = await page.evaluate(() => (document.querySelector('reco-widget') as Widget).debugMemory!);
    const heapAfter = await heap();
    const rankings = (await shop.rankedCount(page, 'w')) - rankedBefore;
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('reco-widget');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const count = request.result.transaction('events').objectStore('events').count();
            count.onsuccess = () => (request.result.close(), resolve(count.result));
          };
        }),
    );
    const history = await page.evaluate(async () => (await (window as unknown as Api).reco.history()).length);
    console.log(
      `[leak] requested=${backend} backend=${scored.backend} reranks=${RERANKS} (${scored.ms.toFixed(0)} ms) + events=${EVENTS} (${burstMs.toFixed(0)} ms), reco-ranked events=${rankings}; ` +
        `numTensors ${before.numTensors} → ${afterReranks.numTensors} → ${after.numTensors}; numBytes ${before.numBytes} → ${after.numBytes}; ` +
        `JS heap ${(heapBefore / 1e6).toFixed(1)} MB → ${(heapAfter / 1e6).toFixed(1)} MB; stored events: IndexedDB ${stored}, memory ${history} (max ${MAX_EVENTS})`,
    );
    expect(scored.backend).not.toBe('fallback');
    expect(rankings).toBeGreaterThanOrEqual(RERANKS);
    expect(afterReranks.numTensors).toBe(before.numTensors);
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(stored).toBe(MAX_EVENTS);
    expect(history).toBe(MAX_EVENTS);
    expect(after.storedEvents).toBe(MAX_EVENTS);
    expect(heapAfter - heapBefore).toBeLessThan(16e6); // loose (GC and shader caches vary); 2300 kept score arrays of 600 items alone would add 5.5 MB
    expect(await shop.errors(page)).toEqual([]);
  });
}
