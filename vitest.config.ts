import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests move tens of MiB through real loopback servers and SQLite files.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two cores: more workers than that only add contention for the disk and CPU-bound hashing.
    maxWorkers: 2,
  },
});
