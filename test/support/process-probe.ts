// What a benchmarked process reports about itself besides its time: garbage collections (V8's 'gc'
// performance entries), CPU time, how late its event loop ran, and its peak resident set size.
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { peakRssBytes } from './peak-rss.ts';

export interface ProbeReading {
  gcCount: number;
  /** Mark-compact (full) collections among them: the costly ones. */
  gcMajorCount: number;
  gcMs: number;
  /** User plus system CPU time since the start: on a shared machine it moves less than wall time. */
  cpuMs: number;
  /**
   * How late the event loop ran a timer (perf_hooks.monitorEventLoopDelay), 99th percentile and worst:
   * the histogram's intervals less the timer's own 10 ms.
   */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  startRssBytes: number;
  /** RSS when `workStarts` was called (the start's, when it was not). */
  workStartRssBytes: number;
  peakRssBytes: number;
}

const nsPerMs = 1e6;
const delayResolutionMs = 10;

/** A monitorEventLoopDelay value (ns, the timer's interval included) as lateness in ms. */
export function latenessMs(intervalNs: number): number {
  return Number(Math.max(0, intervalNs / nsPerMs - delayResolutionMs).toFixed(1));
}

/** A histogram of how late the event loop runs, to enable around the work it should cover. */
export function eventLoopDelayMonitor(): ReturnType<typeof monitorEventLoopDelay> {
  return monitorEventLoopDelay({ resolution: delayResolutionMs });
}

/**
 * Start counting now; `read` waits a tick so the observer has delivered the last entries.
 * The event-loop delay covers the work alone, from `workStarts` to `workEnds` when they are called:
 * loading modules, opening the service and closing it block the loop by design.
 */
export function startProbe(): { workStarts(): void; workEnds(): void; read(): Promise<ProbeReading> } {
  const startRssBytes = process.memoryUsage().rss;
  const startCpu = process.cpuUsage();
  let workStartRssBytes = startRssBytes;
  let gcCount = 0;
  let gcMajorCount = 0;
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount++;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        gcMajorCount++;
      gcMs += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = eventLoopDelayMonitor();
  delay.enable();
  return {
    workStarts() {
      workStartRssBytes = process.memoryUsage().rss;
      delay.reset();
    },
    workEnds() {
      delay.disable();
    },
    async read() {
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      delay.disable();
      const cpu = process.cpuUsage(startCpu);
      return {
        gcCount,
        gcMajorCount,
        gcMs: Number(gcMs.toFixed(1)),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        eventLoopDelayP99Ms: latenessMs(delay.percentile(99)),
        eventLoopDelayMaxMs: latenessMs(delay.max),
        startRssBytes,
        workStartRssBytes,
        peakRssBytes: peakRssBytes(),
      };
    },
  };
}
