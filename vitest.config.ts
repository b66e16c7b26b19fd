import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    env: { POWERTOOLS_DEV: 'true' },
    testTimeout: 20_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
