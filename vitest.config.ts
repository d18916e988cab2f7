import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'out/**'],
    environment: 'node',
    testTimeout: 15_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/summaryReporter.ts'],
    // Two cores here: keep the e2e browser and servers from starving each other.
    maxWorkers: 2,
  },
});
