import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests move tens of MiB through real loopback servers and SQLite files.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two cores: more workers than that only add contention for the disk and CPU-bound hashing.
    maxWorkers: 2,
    // The run's own temp folder, and a failed run when a test leaves a ferry-* folder in it.
    globalSetup: ['test/support/temp-run.ts'],
    // Removes the folders each test file made with tempDir, after its last test.
    setupFiles: ['test/support/temp-cleanup.ts'],
  },
});
