import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/globalStore.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Polls wait for events (a page update, a socket message) on a loaded 2-core machine.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: at most two files at once keeps timing-sensitive peers honest.
    maxWorkers: 2,
    reporters: ['default', './test/setup/summaryReporter.ts'],
  },
});
