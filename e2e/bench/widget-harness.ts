/**
 * Playwright fixtures for the widget specs (e2e/widget-*.spec.ts): one server per worker with the
 * production library build and fixture models, and per-test helpers to open a page and wait for
 * the widget's events. Self-contained: the specs do not need the demo store's pipeline.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { cp, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Manifest } from '../../src/model/artifacts.js';
import { ensureFixtureRoot, fixtureItemId, writeFixture } from './widget-fixture.js';
import { ensureLibBuild, startWidgetServer, withLock, type WidgetServer } from './widget-server.js';

const workDir = resolve(import.meta.dirname, '../..', process.env['WIDGET_E2E_DIR'] ?? '.cache/widget-e2e');
export const FIXTURE_ITEMS = 600;
export const CATEGORIES = 12;
export const id = fixtureItemId;
/** Category of an item id of the fixture (index % 12). */
export const categoryOf = (itemId: string) => Number(itemId.slice(1)) % CATEGORIES;

export interface RankedEvent {
  widget: string;
  itemIds: string[];
  scenario: string;
  backend: string;
  ms: number;
  changed: boolean;
  personal: boolean;
  at: number;
}

export interface WidgetFixtures {
  server: WidgetServer;
  /** This worker's own publish root (served at /models and /broken): tests may publish into it. */
  publishRoot: string;
  manifest: Manifest;
  /** A second publish root whose latest.json the test may switch (new version → replaces old). */
  modelsDir: string;
}

export interface Shop {
  /** Serves `body` (inside <body>, with the widget script) at /pages/<name> and opens it. */
  open(body: string, options?: { name?: string; page?: Page; head?: string; headers?: Record<string, string> }): Promise<Page>;
  /** Waits until `count` reco-ranked events matched (widget id, optional backend filter) and returns the last. */
  ranked(page: Page, widget: string, options?: { after?: number; model?: boolean }): Promise<RankedEvent>;
  errors(page: Page): Promise<Array<{ widget: string; type: string; message: string }>>;
  /** Records an event through the JS API and resolves when it is stored. */
  track(page: Page, event: { type: string; itemId?: string; query?: string }): Promise<void>;
  /** Count of reco-ranked events of a widget so far. */
  rankedCount(page: Page, widget: string): Promise<number>;
}

/** Captures the widget's events from the start of every page load. */
function captureEvents(): void {
  type W = Window & { __reco: { ranked: unknown[]; errors: unknown[]; clicks: unknown[] } };
  const w = window as unknown as W;
  w.__reco = { ranked: [], errors: [], clicks: [] };
  document.addEventListener('reco-ranked', (e) => {
    w.__reco.ranked.push({ ...(e as CustomEvent).detail, widget: (e.target as Element).id, at: performance.now() });
  });
  document.addEventListener('reco-click', (e) => w.__reco.clicks.push({ ...(e as CustomEvent).detail, widget: (e.target as Element).id }));
  document.addEventListener(
    'error',
    (e) => {
      const target = e.target as Element;
      if (target?.localName !== 'reco-widget') return;
      const detail = (e as unknown as CustomEvent).detail as { type: string; sourceError: unknown };
      w.__reco.errors.push({ widget: target.id, type: detail.type, message: String(detail.sourceError) });
    },
    true,
  );
}

export const test = base.extend<{ shop: Shop }, WidgetFixtures>({
  modelsDir: [
    async ({}, use) => {
      await use(join(workDir, 'models'));
    },
    { scope: 'worker' },
  ],
  manifest: [
    async ({ modelsDir }, use) => {
      const manifest = await withLock(join(workDir, 'fixture.lock'), () => ensureFixtureRoot(modelsDir, { items: FIXTURE_ITEMS, categories: CATEGORIES }));
      await use(manifest);
    },
    { scope: 'worker' },
  ],
  publishRoot: [
    async ({ manifest, modelsDir }, use, workerInfo) => {
      void manifest;
      // Each worker gets its own copy of the publish root, so switching versions stays local.
      const ownRoot = join(workDir, `worker-${workerInfo.workerIndex}`, 'models');
      await cp(modelsDir, ownRoot, { recursive: true, force: true });
      await use(ownRoot);
    },
    { scope: 'worker' },
  ],
  server: [
    async ({ publishRoot }, use) => {
      const libDir = await ensureLibBuild();
      const server = await startWidgetServer({ libDir, mounts: { '/models': publishRoot, '/broken': publishRoot } });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  shop: async ({ server, page, publishRoot, manifest }, use) => {
    server.faults.clear();
    await writeFile(join(publishRoot, 'latest.json'), JSON.stringify({ version: manifest.version }));
    await page.context().addInitScript(captureEvents);
    let counter = 0;
    const shop: Shop = {
      async open(body, options = {}) {
        const target = options.page ?? page;
        const name = options.name ?? `t${++counter}-${Math.random().toString(36).slice(2)}.html`;
        if (options.headers) server.pageHeaders.set(name, options.headers);
        else server.pageHeaders.delete(name);
        server.pages.set(
          name,
          `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title>${options.head ?? ''}</head><body>${body}<script type="module" src="/lib/reco-widget.js"></script></body></html>`,
        );
        await target.goto(`${server.origin}/pages/${name}`);
        return target;
      },
      async ranked(target, widget, options = {}) {
        const handle = await target.waitForFunction(
          ({ widget, after, model }) => {
            const all = (window as unknown as { __reco: { ranked: RankedEvent[] } }).__reco.ranked.filter((r) => r.widget === widget);
            const hits = all.slice(after).filter((r) => !model || r.backend !== 'fallback');
            return hits.at(-1) ?? false;
          },
          { widget, after: options.after ?? 0, model: options.model ?? false },
          { timeout: 50_000 }, // a cold start measures the backends once; slow on a loaded machine
        );
        return (await handle.jsonValue()) as RankedEvent;
      },
      async rankedCount(target, widget) {
        return target.evaluate((w) => (window as unknown as { __reco: { ranked: RankedEvent[] } }).__reco.ranked.filter((r) => r.widget === w).length, widget);
      },
      async errors(target) {
        return target.evaluate(() => (window as unknown as { __reco: { errors: Array<{ widget: string; type: string; message: string }> } }).__reco.errors);
      },
      async track(target, event) {
        await target.evaluate((e) => (window as unknown as { reco: { track(e: unknown): Promise<void> } }).reco.track(e), event);
      },
    };
    await use(shop);
  },
});

export { expect };

/** Publishes a second, different version (another seed) into `root` and points latest.json at it. */
export async function publishNewVersion(root: string): Promise<string> {
  const staging = join(workDir, 'staging-v2');
  const manifest = await withLock(join(workDir, 'staging.lock'), async () => {
    const written = await writeFixture(staging, { items: FIXTURE_ITEMS, categories: CATEGORIES, seed: 8 });
    await cp(staging, join(root, written.version), { recursive: true, force: true });
    return written;
  });
  await writeFile(join(root, 'latest.json'), JSON.stringify({ version: manifest.version }));
  return manifest.version;
}
