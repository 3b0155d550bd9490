import { defineConfig, type Plugin } from 'vite';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const here = import.meta.dirname;

/** Files under dir, relative to it, with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/**
 * The demo store's service worker: public/sw.ts built as /sw.js (no hash: its URL must stay put),
 * plus /precache.json listing every file of the build, so the worker can cache the whole shell at
 * install (a worker does not control the first load; without the list, hashed assets would be
 * cached only on a second visit).
 */
function demoServiceWorker(entry: string, staticDir: string): Plugin {
  return {
    name: 'reco-demo-service-worker',
    apply: 'build',
    enforce: 'post', // after Vite's HTML plugin has added the pages to the bundle
    buildStart() {
      this.emitFile({ type: 'chunk', id: entry, fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).filter((file) => file !== 'sw.js' && !file.endsWith('.map'));
      const files = [...new Set([...built, ...filesUnder(staticDir)])].sort();
      const build = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify({ build, files }) });
    },
  };
}

/**
 * Two builds:
 * - default: the demo store (public/*.html) into dist/demo, served by server/start.ts;
 * - `--mode lib`: the merchant's one-file widget, dist/lib/reco-widget.js (tfjs split into lazy chunks).
 */
export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    /**
     * Size report of the merchant's file: the core (reco-widget.js and what it imports statically,
     * i.e. what every page downloads) against the lazy chunks (tfjs, backends, wasm), gzip -9.
     */
    const libSizeReport: Plugin = {
      name: 'reco-lib-size-report',
      apply: 'build',
      async generateBundle(_options, bundle) {
        const { gzipSync } = await import('node:zlib');
        const gz = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length;
        const chunks = new Map(Object.values(bundle).filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
        const core = new Set<string>();
        const visit = (file: string) => {
          if (core.has(file)) return;
          core.add(file);
          for (const dep of chunks.get(file)?.imports ?? []) visit(dep);
        };
        visit('reco-widget.js');
        let coreRaw = 0;
        let coreGz = 0;
        let lazyGz = 0;
        const rows: string[] = [];
        for (const out of Object.values(bundle)) {
          const body = out.type === 'chunk' ? out.code : out.source;
          const raw = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
          const zipped = gz(body);
          if (core.has(out.fileName)) (coreRaw += raw), (coreGz += zipped);
          else lazyGz += zipped;
          rows.push(`  ${core.has(out.fileName) ? 'core' : 'lazy'}  ${(zipped / 1024).toFixed(1).padStart(7)} KB gz  ${out.fileName}`);
        }
        const target = 35 * 1024;
        console.log(
          `\nreco-widget size report (gzip -9)\n${rows.sort().join('\n')}\n` +
            `  core (loaded by every page): ${(coreRaw / 1024).toFixed(1)} KB raw, ${(coreGz / 1024).toFixed(1)} KB gzip — target ≤ 35 KB: ${coreGz <= target ? 'OK' : 'OVER'}\n` +
            `  lazy (tfjs, backends, model code; loaded after the first render): ${(lazyGz / 1024).toFixed(1)} KB gzip\n`,
        );
      },
    };
    return {
      publicDir: false,
      plugins: [libSizeReport],
      build: {
        outDir: resolve(here, 'dist/lib'),
        emptyOutDir: true,
        target: 'es2022',
        minify: true,
        lib: { entry: resolve(here, 'src/index.ts'), formats: ['es'], fileName: () => 'reco-widget.js' },
        rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
      },
    };
  }
  // The demo store. server/start.ts builds it into $RECO_WORK_DIR/<profile>/site (passing outDir);
  // a plain `npm run build` writes dist/demo.
  return {
    root: resolve(here, 'public'),
    publicDir: resolve(here, 'public/static'),
    server: { fs: { allow: [here] } },
    plugins: [demoServiceWorker(resolve(here, 'public/sw.ts'), resolve(here, 'public/static'))],
    build: {
      outDir: resolve(here, 'dist/demo'),
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: {
          index: resolve(here, 'public/index.html'),
          product: resolve(here, 'public/product.html'),
          cart: resolve(here, 'public/cart.html'),
          search: resolve(here, 'public/search.html'),
        },
      },
    },
  };
});
