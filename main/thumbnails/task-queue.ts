/**
 * At most `concurrency` tasks run at once; the rest wait in arrival order. Thumbnails go through one so
 * that a folder of 500 photos holds one or two libuv threads (the ones uploads read files with), not
 * all four, and libvips' memory stays that of one or two images.
 */
export interface TaskQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void>;
}

export function createTaskQueue(concurrency: number): TaskQueue {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
  }
  const waiting: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let running = 0;

  const next = () => {
    running--;
    const start = waiting.shift();
    if (start !== undefined) start();
    else if (running === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          running++;
          // A task that throws synchronously still frees its slot.
          Promise.resolve().then(task).then(resolve, reject).finally(next);
        };
        if (running < concurrency) start();
        else waiting.push(start);
      });
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
