// The emulators one peer scenario uploads to, in a process of their own started for that scenario: the
// servers' CPU, heap and JIT state are then theirs alone, not what earlier scenarios left in the bench's
// process (in full runs the in-process tus server used 3.5–4.2 s of CPU per GiB, in --only runs 2.8–3.5).
//   node test/bench/server-child.ts '{"dataDir":"…","emulators":["tus"]}'
// Prints one JSON line with the endpoints. Then, for each line `take` on stdin, one JSON line with what
// the servers measured since the last `take`: the process's CPU time, each PATCH's times (tus) and the
// time spent on CompleteMultipartUpload (S3). Stops when stdin ends.
import { subscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { startSandbox, type EmulatorKey } from '../../main/sandbox/sandbox.ts';

export interface ServerChildOptions {
  dataDir: string;
  emulators: EmulatorKey[];
}

export interface TusPatchTimes {
  patches: number;
  /** From each PATCH's arrival to the end of its body: the bytes coming in and being stored. */
  receivingMs: number;
  /** From the end of each body to the end of its answer: the server finishing its write and its metadata. */
  answeringMs: number;
  /** From one answer's end to the next PATCH's arrival: the client's turn, when nothing is sent. */
  betweenPatchesMs: number;
}

export interface ServerTimes {
  /** User + system CPU time of the server process: nothing else runs in it. */
  serverCpuMs: number;
  /** tus only. */
  tusPatches?: TusPatchTimes;
  /** S3 only: the union of the intervals from a Complete's arrival to its answer's end. */
  completeMs?: number;
}

/**
 * Where PATCHes spend their time, seen from the tus server: a contender sending chunks pays
 * `answeringMs + betweenPatchesMs` once per chunk, where one PATCH pays it once.
 */
function watchTusPatches(): { take(): TusPatchTimes } {
  const arrived = new WeakMap<object, { start: number; bodyEnd?: number }>();
  let patches: Array<{ start: number; bodyEnd: number; answered: number }> = [];
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: { method?: string } & NodeJS.EventEmitter };
    if (request.method !== 'PATCH') return;
    const times: { start: number; bodyEnd?: number } = { start: performance.now() };
    arrived.set(request, times);
    request.once('end', () => (times.bodyEnd = performance.now()));
  });
  subscribe('http.server.response.finish', (message) => {
    const { request } = message as { request: object };
    const times = arrived.get(request);
    if (times === undefined) return;
    const answered = performance.now();
    patches.push({ start: times.start, bodyEnd: times.bodyEnd ?? answered, answered });
  });
  return {
    take() {
      const sorted = patches.sort((a, b) => a.start - b.start);
      patches = [];
      let receivingMs = 0;
      let answeringMs = 0;
      let betweenPatchesMs = 0;
      sorted.forEach((patch, i) => {
        receivingMs += patch.bodyEnd - patch.start;
        answeringMs += patch.answered - patch.bodyEnd;
        if (i > 0) betweenPatchesMs += patch.start - sorted[i - 1]!.answered;
      });
      return { patches: sorted.length, receivingMs, answeringMs, betweenPatchesMs };
    },
  };
}

/**
 * How long the S3 server spends on CompleteMultipartUpload requests (s3rver assembles the object then,
 * copying every part): the union of the intervals from a Complete request's arrival to its answer's
 * end, nested servers (fault proxy, front, s3rver) included.
 */
function watchCompletes(): { take(): number } {
  const started = new WeakMap<object, number>();
  let intervals: Array<[number, number]> = [];
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: { method?: string; url?: string } };
    const url = request.url ?? '';
    if (request.method === 'POST' && url.includes('uploadId=') && !url.includes('partNumber='))
      started.set(request, performance.now());
  });
  subscribe('http.server.response.finish', (message) => {
    const { request } = message as { request: object };
    const start = started.get(request);
    if (start !== undefined) intervals.push([start, performance.now()]);
  });
  return {
    take() {
      let total = 0;
      let reach = -Infinity;
      for (const [start, end] of intervals.sort((a, b) => a[0] - b[0])) {
        if (end <= reach) continue;
        total += end - Math.max(start, reach);
        reach = end;
      }
      intervals = [];
      return total;
    },
  };
}

const options = JSON.parse(process.argv[2]!) as ServerChildOptions;
const patches = options.emulators.includes('tus') ? watchTusPatches() : undefined;
const completes = options.emulators.includes('s3') ? watchCompletes() : undefined;
const sandbox = await startSandbox({ dataDir: options.dataDir, emulators: options.emulators });
process.stdout.write(`${JSON.stringify(sandbox.endpoints)}\n`);

let cpuAtTake = process.cpuUsage();
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'take') continue;
  const cpu = process.cpuUsage(cpuAtTake);
  cpuAtTake = process.cpuUsage();
  const times: ServerTimes = {
    serverCpuMs: (cpu.user + cpu.system) / 1000,
    ...(patches ? { tusPatches: patches.take() } : {}),
    ...(completes ? { completeMs: completes.take() } : {}),
  };
  process.stdout.write(`${JSON.stringify(times)}\n`);
}
await sandbox.close();
