import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'test-vectors/**/*.test.ts',
      'scripts/**/*.test.ts',
      'devnet/**/*.test.ts',
    ],
    testTimeout: 20_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
