// Preloaded (`node --expose-gc --import`) into servers that tests start as child processes, so a test
// can ask for a full collection before it reads the child's memory. Nothing in Ferry itself does this.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
