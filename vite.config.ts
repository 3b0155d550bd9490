import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const here = import.meta.dirname;

/**
 * Two builds:
 * - default: the demo store (public/*.html) into dist/demo, served by server/start.ts;
 * - `--mode lib`: the merchant's one-file widget, dist/lib/reco-widget.js (tfjs split into lazy chunks).
 */
export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: resolve(here, 'dist/lib'),
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry: resolve(here, 'src/index.ts'), formats: ['es'], fileName: () => 'reco-widget.js' },
      },
    };
  }
  return {
    root: resolve(here, 'public'),
    publicDir: resolve(here, 'public/static'),
    server: { fs: { allow: [here] } },
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
