import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download browsers here), headless,
 * against the real pipeline: `server/start.ts --profile test` generates the small shop, trains the
 * small model, builds the store and serves it (reusing what is already built: see its stamps).
 *
 *   E2E_PORT       port of the store under test (default 4173)
 *   RECO_WORK_DIR  where the pipeline keeps its output (default .cache/e2e), so parallel runs
 *                  with different values never collide
 *   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
 *   E2E_REUSE_SERVER=1  use a store already listening on E2E_PORT instead of starting one
 */
const port = Number(process.env.E2E_PORT ?? 4173);
const workDir = process.env.RECO_WORK_DIR ?? '.cache/e2e';
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// QUIC off: Chromium would otherwise probe UDP; the rest Playwright adds itself (headless, no sandbox…).
const baseArgs = ['--disable-quic', '--disable-features=Translate,MediaRouter', '--no-default-browser-check'];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  // Two cores, shared with the store's server: two browsers at most.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${port}`,
    headless: true,
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'webgpu',
      use: { ...devices['Desktop Chrome'], launchOptions: { executablePath, args: [...baseArgs, '--enable-unsafe-webgpu'] } },
    },
    {
      name: 'no-webgpu',
      use: { ...devices['Desktop Chrome'], launchOptions: { executablePath, args: baseArgs } },
    },
  ],
  webServer: {
    command: 'npx tsx server/start.ts --profile test',
    url: `http://localhost:${port}/`,
    env: { PORT: String(port), RECO_WORK_DIR: workDir },
    reuseExistingServer: process.env.E2E_REUSE_SERVER === '1',
    // A fresh clone generates, trains and builds first.
    timeout: 300_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
