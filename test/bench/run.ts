// `npm run bench`: Ferry against plain baselines on the same loopback servers, in one run, written to
// test/bench/report.json. Ratios, not wall-clock thresholds: the machine's speed cancels out.
//   node test/bench/run.ts [--quick] [--only <scenario>...] [--out <report.json>]
//   --quick: small sizes and 3 rounds, to check that the benchmark itself works (npm test runs it);
//   --only: run some scenarios (merged into the report); --out: write the report elsewhere.
// Every contender runs in a process of its own (never in the servers' process), the contenders take
// turns within each round, and each is reported as median and min–max over the rounds, with the GC
// count and peak RSS of its process.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, statfsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { minimumPartSize } from '../../main/providers/s3/part-plan.ts';
import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import { defaultChunkSize as defaultTusChunkSize } from '../../main/providers/tus/tus-provider.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { tempDir } from '../support/temp.ts';
import {
  prng,
  runUploadChild,
  startUploadChild,
  waitFor,
  writeRandomFile,
  type ChildEndpoint,
  type ChildOptions,
} from '../support/upload-child-harness.ts';
import { startSandbox, type SandboxEndpoints } from '../../main/sandbox/sandbox.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { startDiscardSink } from './baselines.ts';
import { benchCliAtRest } from './cli-at-rest.ts';
import type { PeerJob, S3PeerEndpoint, TusPeerEndpoint } from './peer-child.ts';
import { benchHistory } from './history.ts';
import { benchProcessing } from './processing.ts';
import type { ServerChildOptions, ServerTimes, TusPatchTimes } from './server-child.ts';
import { benchThumbnails } from './thumbnails.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});
const quick = values.quick;
const rounds = quick ? 3 : 5;
/** Rounds run before the counted ones and not counted (see alternate). */
const warmUpRounds = 1;
const MiB = 1024 * 1024;
const sizes = {
  throughputFile: quick ? 64 * MiB : 1024 * MiB,
  /** tus and S3 against their peers: 3 S3 parts when quick, so multipart and Complete are exercised. */
  peerFile: quick ? 24 * MiB : 1024 * MiB,
  memoryFile: quick ? 128 * MiB : 2048 * MiB,
  crashFile: quick ? 64 * MiB : 256 * MiB,
  kills: quick ? 3 : 10,
  smallFiles: quick ? 200 : 2000,
  smallFileSize: 4 * 1024,
};
/** Ferry's default: three files at once. Tencent's pic_up sends one slice at a time per file. */
const concurrency = 3;
const inFlightPartsPerFile = 1;

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
const mbps = (bytes: number, ms: number): number => round(bytes / MiB / (ms / 1000), 1);
const median = (list: readonly number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One run of one contender, as its own process reported it (rclone's time is taken from outside). */
interface Sample {
  ms: number;
  gcCount: number | null;
  peakRssBytes: number | null;
  /** User + system CPU time of the contender's work: on a shared machine it moves less than wall time. */
  cpuMs: number | null;
  /** How late the contender's event loop ran during its work: p99 and worst, ms (Node contenders). */
  eventLoopDelayP99Ms?: number;
  eventLoopDelayMaxMs?: number;
  /** What the servers' own process measured during the run (tus and S3: test/bench/server-child.ts). */
  server?: ServerTimes;
}

interface Contender {
  name: string;
  run(): Promise<Sample>;
}

/** A contender that cannot run here (a peer that is not installed): its row says why. */
interface Skipped {
  name: string;
  skipped: string;
}

/**
 * One round first that is not counted, then `rounds` rounds; in each, every contender runs once, the
 * order rotated by one each round so that no contender always meets a warmer (or busier) machine than
 * another. The servers' code is cold until it has served one upload: whoever came first paid for it
 * (the first tus run took 4.7–5.7 s where the rest took 2.5–3.4).
 */
async function alternate(contenders: readonly Contender[]): Promise<Map<string, Sample[]>> {
  const samples = new Map(contenders.map((contender) => [contender.name, [] as Sample[]]));
  for (let r = -warmUpRounds; r < rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + Math.max(0, r)) % contenders.length]!);
    for (const contender of order) {
      // The servers write every upload to disk, and the kernel flushes those writes up to 30 s later:
      // without this the next contender's run pays for the last one's write-back (runs varied 2–3×).
      execFileSync('sync');
      console.error(`  ${r < 0 ? 'warm-up round' : `round ${r + 1}/${rounds}`}: ${contender.name}`);
      const sample = await contender.run();
      if (r >= 0) samples.get(contender.name)!.push(sample);
    }
  }
  return samples;
}

/** Median and min–max over the rounds; throughput from the median time. */
function summarize(samples: readonly Sample[], bytes: number) {
  const ms = samples.map((sample) => sample.ms);
  const numbers = (pick: (sample: Sample) => number | null | undefined) =>
    samples.map(pick).filter((value): value is number => typeof value === 'number');
  const gc = numbers((sample) => sample.gcCount);
  const rss = numbers((sample) => sample.peakRssBytes);
  const cpu = numbers((sample) => sample.cpuMs);
  const delayP99 = numbers((sample) => sample.eventLoopDelayP99Ms);
  const delayMax = numbers((sample) => sample.eventLoopDelayMaxMs);
  const complete = numbers((sample) => sample.server?.completeMs);
  const serverCpu = numbers((sample) => sample.server?.serverCpuMs);
  const patchTimes = samples.flatMap((sample) =>
    sample.server?.tusPatches ? [sample.server.tusPatches] : [],
  );
  const medianOf = (pick: (times: TusPatchTimes) => number) => round(median(patchTimes.map(pick)), 0);
  return {
    medianMs: round(median(ms), 1),
    minMs: round(Math.min(...ms), 1),
    maxMs: round(Math.max(...ms), 1),
    medianMBps: mbps(bytes, median(ms)),
    gcCountMedian: gc.length > 0 ? median(gc) : null,
    cpuMsMedian: cpu.length > 0 ? round(median(cpu), 0) : null,
    ...(delayP99.length > 0
      ? { eventLoopDelayP99MsMedian: median(delayP99), eventLoopDelayMaxMsMax: Math.max(...delayMax) }
      : {}),
    peakRssMiBMax: rss.length > 0 ? round(Math.max(...rss) / MiB, 1) : null,
    ...(complete.length > 0
      ? {
          partsPhaseMedianMs: round(
            median(samples.map((sample) => sample.ms - (sample.server?.completeMs ?? 0))),
            1,
          ),
          completeMedianMs: round(median(complete), 1),
        }
      : {}),
    ...(serverCpu.length > 0 ? { serverCpuMsMedian: round(median(serverCpu), 0) } : {}),
    ...(patchTimes.length > 0
      ? {
          serverPatchesMedian: {
            patches: medianOf((times) => times.patches),
            receivingMs: medianOf((times) => times.receivingMs),
            answeringMs: medianOf((times) => times.answeringMs),
            betweenPatchesMs: medianOf((times) => times.betweenPatchesMs),
          },
        }
      : {}),
    runsMs: ms.map((value) => round(value, 1)),
  };
}

/** Rows for every contender plus ratios against Ferry's: > 1 means Ferry took less time. */
function compare(
  samples: Map<string, Sample[]>,
  skipped: readonly Skipped[],
  bytes: number,
  goals: Record<string, number>,
) {
  const rows = Object.fromEntries(
    [...samples].map(([name, list]) => [name, summarize(list, bytes)] as const),
  );
  const ferry = rows.ferry!;
  const ratios = Object.fromEntries(
    Object.entries(rows)
      .filter(([name]) => name !== 'ferry')
      .map(([name, row]) => {
        const ratio = round(row.medianMs / ferry.medianMs);
        const goal = goals[name];
        return [name, { ratio, ...(goal === undefined ? {} : { goal: `≥ ${goal}`, met: ratio >= goal }) }];
      }),
  );
  return {
    rounds,
    warmUpRounds,
    contenders: rows,
    vsFerry: ratios,
    skipped: Object.fromEntries(skipped.map((entry) => [entry.name, entry.skipped])),
  };
}

function endpointOf(emulator: PicUpEmulator): ChildEndpoint {
  return { baseUrl: emulator.baseUrl, credentials: emulator.credentials };
}

/** Ferry's service in its own process (test/support/upload-child.ts), hashing and journal included. */
function ferryContender(
  endpoint: ChildEndpoint,
  paths: string[],
  dir: string,
  account?: ChildOptions['account'],
): Contender {
  return {
    name: 'ferry',
    async run() {
      const dataDir = join(dir, `ferry-${Date.now()}-${Math.random().toString(36).slice(2)}`);
      const result = await runUploadChild(endpoint, dataDir, paths, {
        concurrency,
        ...(account ? { account } : {}),
      });
      if (result.unfinished.length > 0 || result.entries.length !== paths.length) {
        throw new Error(
          `Ferry finished ${result.entries.length} of ${paths.length}; unfinished: ${JSON.stringify(result.unfinished.slice(0, 3))}`,
        );
      }
      await rm(dataDir, { recursive: true, force: true });
      return {
        ms: result.uploadMs,
        gcCount: result.gcCount,
        peakRssBytes: result.peakRssBytes,
        cpuMs: result.uploadCpuMs,
        eventLoopDelayP99Ms: result.eventLoopDelayP99Ms,
        eventLoopDelayMaxMs: result.eventLoopDelayMaxMs,
      };
    },
  };
}

const peerChild = resolve(import.meta.dirname, 'peer-child.ts');

/** A baseline or a peer library in its own process (test/bench/peer-child.ts). */
function peerContender(name: string, job: PeerJob): Contender {
  return {
    name,
    async run() {
      const child = spawn(process.execPath, [peerChild, JSON.stringify(job)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      if (code !== 0) throw new Error(`${name} exited ${code}:\n${stderr}`);
      const result = JSON.parse(stdout) as {
        uploadMs: number;
        gcCount: number;
        peakRssBytes: number;
        cpuMs: number;
        eventLoopDelayP99Ms: number;
        eventLoopDelayMaxMs: number;
      };
      return {
        ms: result.uploadMs,
        gcCount: result.gcCount,
        peakRssBytes: result.peakRssBytes,
        cpuMs: result.cpuMs,
        eventLoopDelayP99Ms: result.eventLoopDelayP99Ms,
        eventLoopDelayMaxMs: result.eventLoopDelayMaxMs,
      };
    },
  };
}

/**
 * rclone from the distribution, when installed, with the same part size and parts in flight. Its time
 * is the whole process's (Go starts in milliseconds); peak RSS from GNU time when that is installed.
 */
function rcloneContender(endpoint: S3PeerEndpoint, path: string): Contender | Skipped {
  try {
    execFileSync('rclone', ['version'], { stdio: 'ignore' });
  } catch {
    return { name: 'rclone', skipped: 'rclone is not installed (apt-get install rclone)' };
  }
  // Only what rclone needs: an AWS_* variable of the surrounding shell (a CA bundle, a profile) would
  // change what it does.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: endpoint.endpoint,
    RCLONE_CONFIG_BENCH_REGION: endpoint.region,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: endpoint.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: endpoint.secretAccessKey,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
  };
  let runs = 0;
  const args = () => [
    'copyto',
    path,
    // A new key each run: rclone skips a copy whose destination already has the same size and time.
    `bench:${endpoint.bucket}/rclone-${++runs}.bin`,
    '--s3-chunk-size',
    `${s3PartSize / MiB}Mi`,
    '--s3-upload-concurrency',
    String(s3PartsInFlight),
    '--s3-upload-cutoff',
    `${s3PartSize / MiB}Mi`,
    '--config',
    '/dev/null',
  ];
  const gnuTime = '/usr/bin/time';
  const withTime = (() => {
    try {
      execFileSync(gnuTime, ['-f', '%M', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  return {
    name: 'rclone',
    async run() {
      const [command, argv] = withTime
        ? [gnuTime, ['-f', 'rclone-max-rss-kib %M cpu-s %U %S', 'rclone', ...args()]]
        : ['rclone', args()];
      const start = performance.now();
      const child = spawn(command, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      const ms = performance.now() - start;
      if (code !== 0) throw new Error(`rclone exited ${code}:\n${stderr}`);
      const measured = /rclone-max-rss-kib (\d+) cpu-s ([\d.]+) ([\d.]+)/.exec(stderr);
      return {
        ms,
        gcCount: null,
        peakRssBytes: measured ? Number(measured[1]) * 1024 : null,
        cpuMs: measured ? Math.round((Number(measured[2]) + Number(measured[3])) * 1000) : null,
      };
    },
  };
}

const serverChild = resolve(import.meta.dirname, 'server-child.ts');

interface ServerProcess {
  endpoints: SandboxEndpoints;
  /** What the servers measured since the last take (test/bench/server-child.ts). */
  take(): Promise<ServerTimes>;
  close(): Promise<void>;
}

/** A scenario's emulators in a fresh process of their own (test/bench/server-child.ts). */
async function startServerProcess(options: ServerChildOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [serverChild, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A write to a server process that died fails here; its end is reported by nextLine and close.
  child.stdin.on('error', () => {});
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the server process ended:\n${stderr}`);
    return line.value;
  };
  let endpoints: SandboxEndpoints;
  try {
    endpoints = JSON.parse(await nextLine()) as SandboxEndpoints;
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    endpoints,
    async take() {
      child.stdin.write('take\n');
      return JSON.parse(await nextLine()) as ServerTimes;
    },
    async close() {
      child.stdin.end();
      const [code] = (await exited) as [number | null];
      if (code !== 0) throw new Error(`the server process exited ${code}:\n${stderr}`);
    },
  };
}

/** A contender's sample with what the servers measured during its run. */
function withServerTimes(contender: Contender, server: ServerProcess): Contender {
  return {
    name: contender.name,
    async run() {
      await server.take();
      const sample = await contender.run();
      return { ...sample, server: await server.take() };
    },
  };
}

/** 1 GiB, one file: Ferry vs pic_up by hand (the same slices) vs a raw streaming PUT to a discarding sink. */
async function throughput(emulator: PicUpEmulator, dir: string) {
  const path = join(dir, 'throughput.bin');
  await writeRandomFile(path, sizes.throughputFile);
  const sink = await startDiscardSink();
  const endpoint = endpointOf(emulator);
  try {
    const samples = await alternate([
      ferryContender(endpoint, [path], dir),
      // The same slices as Ferry's: its default size.
      peerContender('picUpByHand', { kind: 'pic-up', endpoint, path, sliceSize: defaultSliceSize }),
      peerContender('rawStreamingPut', { kind: 'plain-put', url: sink.url, path }),
    ]);
    return {
      protocol:
        'tencent-im pic_up (base64 slices in JSON: 4/3 of the bytes on the wire, one slice in flight)',
      fileBytes: sizes.throughputFile,
      ...compare(samples, [], sizes.throughputFile, { picUpByHand: 0.95 }),
    };
  } finally {
    await sink.close();
    await rm(path);
  }
}

/** Ferry's defaults, which the peers are given too: one tus chunk, one S3 part, S3 parts in flight. */
const tusChunkSize = defaultTusChunkSize;
const s3PartSize = minimumPartSize;
const s3PartsInFlight = 3;

/**
 * tus against @tus/server: Ferry (chunked PATCHes, journaled, SHA-256 alongside) vs tus-js-client at
 * the same chunk size vs the whole file in ONE plain streamed PATCH, and the same chunks sent by hand.
 */
async function tusThroughput(_emulator: PicUpEmulator, dir: string) {
  // @tus/server writes every upload to its folder, and on disk those writes set the pace and the noise
  // (one run took 3.8 s, the next 10.7 s): in memory when there is room, emptied after every run.
  // The file the contenders read lives there too: this kernel evicts the page cache eagerly, so a run
  // could otherwise find its 1 GiB gone from memory and read it from disk.
  const memoryDir = memoryBackedDir(2 * sizes.peerFile);
  const serverDir = memoryDir ?? join(dir, 'tus-sandbox');
  const storage = join(serverDir, 'tus');
  const path = join(memoryDir ?? dir, 'tus.bin');
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess({ dataDir: serverDir, emulators: ['tus'] });
    await writeRandomFile(path, sizes.peerFile);
    const endpoint = server.endpoints.tus! as unknown as TusPeerEndpoint;
    const account = accountFromEndpoint('tus', server.endpoints.tus!);
    const samples = await alternate(
      [
        ferryContender(endpointOf(_emulator), [path], dir, account),
        peerContender('tusJsClient', { kind: 'tus-js-client', endpoint, path, chunkSize: tusChunkSize }),
        peerContender('onePlainPatch', { kind: 'plain-tus', endpoint, path }),
        // No goal: what the protocol itself costs at this chunk size against this server, by hand.
        peerContender('sameChunksByHand', { kind: 'plain-tus', endpoint, path, chunkSize: tusChunkSize }),
      ].map((contender) => withServerTimes(emptiedAfterEachRun(contender, storage), server!)),
    );
    return {
      fileBytes: sizes.peerFile,
      chunkBytes: tusChunkSize,
      serverStorage: memoryDir !== undefined ? 'tmpfs (/dev/shm)' : 'disk',
      ...compare(samples, [], sizes.peerFile, { tusJsClient: 1.0, onePlainPatch: 0.9 }),
    };
  } finally {
    await server?.close();
    await rm(path, { force: true });
    if (memoryDir !== undefined) await rm(memoryDir, { recursive: true, force: true });
  }
}

const sharedMemory = '/dev/shm';

/** A fresh folder in /dev/shm when it is there with room for `bytes` and 1 GiB more. */
function memoryBackedDir(bytes: number): string | undefined {
  try {
    const { bavail, bsize } = statfsSync(sharedMemory);
    if (bavail * bsize < bytes + 1024 * MiB) return undefined;
    return mkdtempSync(join(sharedMemory, 'ferry-bench-'));
  } catch {
    return undefined;
  }
}

/** The server's uploads removed after each run, so that memory holds one run's copy at most. */
function emptiedAfterEachRun(contender: Contender, storage: string): Contender {
  return {
    name: contender.name,
    async run() {
      try {
        return await contender.run();
      } finally {
        for (const entry of await readdir(storage).catch(() => []))
          await rm(join(storage, entry), { recursive: true, force: true });
      }
    },
  };
}

/**
 * S3 against s3rver: Ferry vs @aws-sdk/lib-storage vs rclone (same part size, same parts in flight) vs
 * one plain streamed PutObject. The parts phase and the server's Complete are reported apart.
 */
async function s3Throughput(emulator: PicUpEmulator, dir: string) {
  const server = await startServerProcess({ dataDir: join(dir, 's3-sandbox'), emulators: ['s3'] });
  const path = join(dir, 's3.bin');
  try {
    await writeRandomFile(path, sizes.peerFile);
    const endpoint = server.endpoints.s3! as unknown as S3PeerEndpoint;
    const account = accountFromEndpoint('s3', server.endpoints.s3!);
    const rclone = rcloneContender(endpoint, path);
    const contenders = [
      ferryContender(endpointOf(emulator), [path], dir, account),
      peerContender('libStorage', {
        kind: 'lib-storage',
        endpoint,
        path,
        partSize: s3PartSize,
        queueSize: s3PartsInFlight,
      }),
      ...('run' in rclone ? [rclone] : []),
      peerContender('onePlainPutObject', { kind: 'plain-s3-put', endpoint, path }),
    ].map((contender) => withServerTimes(contender, server));
    const samples = await alternate(contenders);
    return {
      fileBytes: sizes.peerFile,
      partBytes: s3PartSize,
      partsInFlight: s3PartsInFlight,
      ...compare(samples, 'skipped' in rclone ? [rclone] : [], sizes.peerFile, {
        libStorage: 1.0,
        rclone: 1.2,
        // One PutObject skips multipart and Complete altogether: a reference row, not a goal.
      }),
    };
  } finally {
    await rm(path, { force: true });
    await server.close();
  }
}

/**
 * Peak RSS growth of the uploading process for a 2 GiB file, per provider, with V8's default heap
 * sizing: the desktop app's main process runs without the young-generation cap that the web shell
 * and `npm run ferry` pass. Growth is counted from the upload's start (the service already open). The
 * bound allows the parts a provider keeps in flight plus 64 MiB; a body streamed from disk in one
 * request holds no part. Easemob (10 MiB per file) and OPPO Push (pictures of 1 MB) take no 2 GiB file.
 */
async function peakMemory(emulator: PicUpEmulator, dir: string) {
  const path = join(dir, 'memory.bin');
  await writeRandomFile(path, sizes.memoryFile);
  const sandbox = await startSandbox({
    dataDir: join(dir, 'memory-sandbox'),
    emulators: ['tus', 's3', 'imFileApi'],
  });
  const providers: Array<{ name: string; account?: ChildOptions['account']; inMemoryPartBytes: number }> = [
    { name: 'tencentIm', inMemoryPartBytes: inFlightPartsPerFile * defaultSliceSize },
    {
      name: 'tus',
      account: accountFromEndpoint('tus', sandbox.endpoints.tus!),
      inMemoryPartBytes: tusChunkSize,
    },
    {
      name: 's3',
      account: accountFromEndpoint('s3', sandbox.endpoints.s3!),
      inMemoryPartBytes: s3PartsInFlight * s3PartSize,
    },
    {
      name: 'imFileApi',
      account: accountFromEndpoint('imFileApi', sandbox.endpoints.imFileApi!, { toId: 'bench' }),
      inMemoryPartBytes: 0,
    },
  ];
  const rows: Record<string, unknown> = {};
  try {
    for (const provider of providers) {
      console.error(`  ${provider.name}`);
      const dataDir = join(dir, `memory-${provider.name}`);
      const result = await runUploadChild(endpointOf(emulator), dataDir, [path], {
        ...(provider.account ? { account: provider.account } : {}),
      });
      if (result.entries.length !== 1)
        throw new Error(
          `the 2 GiB upload to ${provider.name} did not finish: ${JSON.stringify(result.unfinished.map((t) => t.error))}`,
        );
      const growth = result.peakRssBytes - result.workStartRssBytes;
      const bound = provider.inMemoryPartBytes + 64 * MiB;
      rows[provider.name] = {
        workStartRssMiB: round(result.workStartRssBytes / MiB, 1),
        peakRssMiB: round(result.peakRssBytes / MiB, 1),
        growthMiB: round(growth / MiB, 1),
        boundMiB: round(bound / MiB, 1),
        met: growth <= bound,
        gcCount: result.gcCount,
        gcMajorCount: result.gcMajorCount,
        uploadMs: round(result.uploadMs, 0),
      };
      await rm(dataDir, { recursive: true, force: true });
    }
  } finally {
    await sandbox.close();
    await rm(path);
  }
  return {
    fileBytes: sizes.memoryFile,
    nodeFlags: [],
    goal: 'growth ≤ in-flight parts × part size + 64 MiB, with V8 defaults (as the desktop main process)',
    skipped: { easemob: 'a file is at most 10 MiB', oppoPush: 'pictures of at most 1 MB' },
    providers: rows,
  };
}

/** SIGKILL the uploading child at random moments; everything the server got beyond the file was re-sent. */
async function resendPerKill(emulator: PicUpEmulator, dir: string) {
  const path = join(dir, 'crash.bin');
  await writeRandomFile(path, sizes.crashFile);
  const dataDir = join(dir, 'crash-data');
  const endpoint = endpointOf(emulator);
  const random = prng(20261123);
  const before = emulator.stats().sliceBytesReceived;
  let paths = [path];
  for (let kill = 0; kill < sizes.kills; kill++) {
    const seen = emulator.stats().sliceBytesReceived;
    const { child, output } = startUploadChild(endpoint, dataDir, paths);
    paths = [];
    await waitFor(() => emulator.stats().sliceBytesReceived > seen);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
    child.kill('SIGKILL');
    await output;
  }
  const { output } = startUploadChild(endpoint, dataDir, []);
  const final = JSON.parse(await output) as { entries: unknown[] };
  if (final.entries.length !== 1) throw new Error('the crashed upload did not finish');
  await rm(path);
  const received = emulator.stats().sliceBytesReceived - before;
  const resent = received - sizes.crashFile;
  return {
    fileBytes: sizes.crashFile,
    kills: sizes.kills,
    bytesReceived: received,
    bytesResent: resent,
    resentPerKillKiB: round(resent / sizes.kills / 1024, 1),
    goalPerKillKiB: (inFlightPartsPerFile * defaultSliceSize) / 1024,
    goal: 're-sent bytes per kill ≤ one part per in-flight part',
    met: resent <= sizes.kills * inFlightPartsPerFile * defaultSliceSize,
  };
}

/** 2,000 files of 4 KiB: Ferry's per-file cost (journal, hashing, history) vs pic_up by hand. */
async function smallFiles(emulator: PicUpEmulator, dir: string) {
  const filesDir = join(dir, 'small');
  await mkdir(filesDir);
  const paths: string[] = [];
  for (let i = 0; i < sizes.smallFiles; i++) {
    const path = join(filesDir, `f${i}.bin`);
    await writeRandomFile(path, sizes.smallFileSize);
    paths.push(path);
  }
  const endpoint = endpointOf(emulator);
  try {
    const samples = await alternate([
      ferryContender(endpoint, paths, dir),
      peerContender('picUpByHand', { kind: 'pic-up-many', endpoint, paths, concurrency }),
    ]);
    const perSecond = (ms: number) => round(sizes.smallFiles / (ms / 1000), 1);
    const compared = compare(samples, [], sizes.smallFiles * sizes.smallFileSize, { picUpByHand: 0.95 });
    return {
      files: sizes.smallFiles,
      fileBytes: sizes.smallFileSize,
      concurrency,
      ferryFilesPerSecond: perSecond(compared.contenders.ferry!.medianMs),
      plainPicUpFilesPerSecond: perSecond(compared.contenders.picUpByHand!.medianMs),
      ...compared,
    };
  } finally {
    await rm(filesDir, { recursive: true });
  }
}

/**
 * The renderer's main thread during a 2,000-file batch and while scrolling and searching 100,000 history
 * entries, in Chromium through the web shell: the two e2e specs record every long task (> 50 ms) with a
 * PerformanceObserver and write them to test-results/; this runs them and collects what they wrote.
 */
async function responsiveness() {
  const root = resolve(import.meta.dirname, '../..');
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  // The tools' `#!/usr/bin/env node` must find this Node (24) however the bench was started: from
  // Debian's Node 20 the web shell's TypeScript does not load.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  execFileSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'ignore', env });
  try {
    execFileSync(
      bin('playwright'),
      ['test', 'test/e2e/web/responsiveness.spec.ts', 'test/e2e/web/history-responsiveness.spec.ts'],
      { cwd: root, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024, env },
    );
  } catch (error) {
    // What the failing spec said, so that the report's `failed` names it.
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    throw new Error(`the responsiveness specs failed:\n${output.slice(-3000)}`, { cause: error });
  }
  const read = async (name: string) =>
    JSON.parse(await readFile(join(root, 'test-results', name), 'utf8')) as {
      longTasks: Array<number | { durationMs: number }>;
      maxMs: number;
    } & Record<string, unknown>;
  const queue = await read('responsiveness-queue.json');
  const history = await read('responsiveness-history.json');
  const over100 = (report: typeof queue) =>
    report.longTasks.filter((task) => (typeof task === 'number' ? task : task.durationMs) > 100).length;
  return {
    goal: 'no main-thread task longer than 100 ms',
    queue2000Files: {
      longTasks: queue.longTasks.length,
      over100ms: over100(queue),
      maxMs: queue.maxMs,
      batchMs: queue.batchMs,
    },
    history100kEntries: {
      longTasks: history.longTasks.length,
      over100ms: over100(history),
      maxMs: history.maxMs,
      startupLongTasks: history.startupLongTasks,
      searches: history.searches,
    },
    met: over100(queue) === 0 && over100(history) === 0,
  };
}

/**
 * The issue's responsiveness goal in one place: how late the event loop of the process running the engine
 * ran during each 1 GiB upload, the 2,000 small files and the 20 thumbnails (each build), taken from the
 * scenarios' own rows in the report (so a partial --only run still summarizes what the report holds).
 */
function engineEventLoop(report: Record<string, unknown>) {
  const goal = { p99Ms: 20, maxMs: 100 };
  type Row = { eventLoopDelayP99MsMedian?: number; eventLoopDelayMaxMsMax?: number };
  const ferryRow = (scenario: string) =>
    (report[scenario] as { contenders?: { ferry?: Row } } | undefined)?.contenders?.ferry;
  const rows: Record<string, { p99Ms: number; maxMs: number } | undefined> = {};
  for (const [name, scenario] of [
    ['tencent1GiB', 'tencentThroughput'],
    ['tus1GiB', 'tusThroughput'],
    ['s3_1GiB', 's3Throughput'],
    ['smallFiles2000', 'smallFiles'],
  ] as const) {
    const row = ferryRow(scenario);
    if (row?.eventLoopDelayP99MsMedian !== undefined && row.eventLoopDelayMaxMsMax !== undefined)
      rows[name] = { p99Ms: row.eventLoopDelayP99MsMedian, maxMs: row.eventLoopDelayMaxMsMax };
  }
  const thumbnails = report.thumbnails as
    Record<string, { eventLoopDelayP99Ms?: number; eventLoopDelayMaxMs?: number } | undefined> | undefined;
  for (const build of ['native', 'wasm'] as const) {
    const row = thumbnails?.[build];
    if (row?.eventLoopDelayP99Ms !== undefined && row.eventLoopDelayMaxMs !== undefined)
      rows[`thumbnails20_${build}`] = { p99Ms: row.eventLoopDelayP99Ms, maxMs: row.eventLoopDelayMaxMs };
  }
  const measured = Object.entries(rows).filter(
    (entry): entry is [string, { p99Ms: number; maxMs: number }] => entry[1] !== undefined,
  );
  return {
    goal: `p99 < ${goal.p99Ms} ms and max < ${goal.maxMs} ms (Ferry's process; p99 is the median over rounds, max the worst)`,
    ...Object.fromEntries(
      measured.map(([name, row]) => [
        name,
        { ...row, met: row.p99Ms < goal.p99Ms && row.maxMs < goal.maxMs },
      ]),
    ),
    met: measured.length > 0 && measured.every(([, row]) => row.p99Ms < goal.p99Ms && row.maxMs < goal.maxMs),
  };
}

const dir = tempDir('ferry-bench-');
const emulator = await startPicUpEmulator({ storageDir: join(dir, 'emulator') });
try {
  const scenarios = {
    tencentThroughput: throughput,
    tusThroughput,
    s3Throughput,
    peakMemory,
    resendPerKill,
    smallFiles,
    thumbnails: async () => {
      const native = await benchThumbnails({ build: 'native', ...(quick ? { images: 4 } : {}) });
      // The app's fallback where native cannot be deep-bound (sharp-loader.ts): libvips in WebAssembly.
      const wasm = await benchThumbnails({ build: 'wasm', ...(quick ? { images: 4 } : {}) });
      return {
        goal: 'ratio ≥ 0.9 against a bare sharp pipeline in the same run, for each sharp build',
        native,
        wasm,
        wasmVsNative: Number((wasm.ferryPerSecond / native.ferryPerSecond).toFixed(3)),
      };
    },
    history: async () => ({
      goal: 'p95 < 20 ms for search and filtered pages at 100,000 entries',
      ...(await benchHistory(quick ? { entries: 10_000 } : {})),
    }),
    responsiveness,
    processing: async () => {
      const size = quick ? { images: 4, rounds: 1 } : {};
      const native = await benchProcessing(size);
      // The wasm fallback beside native (which Linux users now get, deep-bound).
      const wasm = await benchProcessing({ ...size, build: 'wasm' });
      return {
        ...native,
        wasm,
        wasmVsNative: Number((wasm.ferryPerSecond / native.ferryPerSecond).toFixed(3)),
      };
    },
    cliAtRest: () => benchCliAtRest(quick ? { rounds: 3 } : {}),
  };
  const chosen = values.only ?? Object.keys(scenarios);
  const unknown = chosen.filter((name) => !(name in scenarios));
  if (unknown.length > 0)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`,
    );
  const results: Record<string, unknown> = {};
  const failed: string[] = [];
  for (const name of chosen) {
    console.error(`running ${name}…`);
    try {
      results[name] = await scenarios[name as keyof typeof scenarios](emulator, dir);
    } catch (error) {
      // One scenario failing must not throw away the others' numbers: it is written as failed, and the
      // run exits non-zero once the report is written.
      console.error(error);
      failed.push(name);
      results[name] = { failed: error instanceof Error ? error.message.slice(0, 4000) : String(error) };
    }
  }
  const out = values.out ? resolve(values.out) : resolve(import.meta.dirname, 'report.json');
  // --only re-measures some scenarios: the others keep their numbers from the last run, each scenario
  // stamped with when and how it was measured.
  const previous = values.only
    ? ((await readFile(out, 'utf8').then(JSON.parse, () => ({}))) as Record<string, unknown>)
    : {};
  // The machine is shared: its load when the run ended, next to each scenario's numbers.
  const stamp = {
    measuredAt: new Date().toISOString(),
    quick,
    loadAverage1m5m15m: loadavg().map((value) => round(value, 2)),
  };
  const report = {
    ...previous,
    generatedAt: stamp.measuredAt,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: { node: process.version, cpus: cpus().length, totalMemGiB: round(totalmem() / 1024 ** 3, 1) },
    ...Object.fromEntries(
      Object.entries(results).map(([name, value]) => [name, { ...stamp, ...(value as object) }]),
    ),
  };
  const summarized = { ...report, engineEventLoop: engineEventLoop(report) };
  await writeFile(out, `${JSON.stringify(summarized, null, 2)}\n`);
  console.log(JSON.stringify(summarized, null, 2));
  console.log(`written to ${out}`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
