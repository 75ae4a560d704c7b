// What a benchmarked process reports about itself besides its time: garbage collections (V8's 'gc'
// performance entries) and its peak resident set size.
import { PerformanceObserver } from 'node:perf_hooks';

export interface ProbeReading {
  gcCount: number;
  gcMs: number;
  startRssBytes: number;
  peakRssBytes: number;
}

/** Start counting now; `read` waits a tick so the observer has delivered the last entries. */
export function startProbe(): { read(): Promise<ProbeReading> } {
  const startRssBytes = process.memoryUsage().rss;
  let gcCount = 0;
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount++;
      gcMs += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async read() {
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      return {
        gcCount,
        gcMs: Number(gcMs.toFixed(1)),
        startRssBytes,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    },
  };
}
