import { defineConfig } from 'vitest/config';

// Two groups run one after the other: the unit tests in parallel, then the multi-process devnet scenarios one file
// at a time, so that the 2-core machine gives the validators (not other test files) the CPU their timings assume.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'test-vectors/**/*.test.ts',
            'scripts/**/*.test.ts',
            'devnet/src/**/*.test.ts',
          ],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['devnet/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
