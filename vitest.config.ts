import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'model-export/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
