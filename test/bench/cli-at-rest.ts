import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildCli } from '../../scripts/build-cli.ts';
import { tempDir } from '../support/temp.ts';

// `ferry accounts list` started cold (a new process each round, as a user runs it) against bare
// `node -e ''` started the same way: wall time from spawn to exit, and the peak RSS and CPU time the
// child reports itself at exit (CPU time is what a busy, shared machine inflates least). The `ferry`
// measured is the one the app ships, out/cli/ferry.mjs (built here first); the same command run from
// the sources (main/cli.ts, what `npx ferry` runs in a checkout) is reported beside it.

const cliPath = resolve(import.meta.dirname, '../../out/cli/ferry.mjs');
const sourcePath = resolve(import.meta.dirname, '../../main/cli.ts');
const MiB = 1024 * 1024;
const goals = { wallMs: 250, peakRssMiB: 80 };

/**
 * Preloaded into every child: at exit it writes its getrusage figures — peak RSS (KiB) and user +
 * system CPU time (µs) — to the file named by FERRY_BENCH_USAGE_FILE. Plain JavaScript in a data: URL,
 * so measuring adds no module that needs type stripping.
 */
const usagePreload = `data:text/javascript,${encodeURIComponent(
  "import { readFileSync, writeFileSync } from 'node:fs';" +
    // VmHWM, not resourceUsage's maxRSS, which Linux keeps across exec (see test/support/peak-rss.ts).
    "process.on('exit', () => { const u = process.resourceUsage(); const hwm = process.platform === 'linux' ? /^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8')) : null; writeFileSync(process.env.FERRY_BENCH_USAGE_FILE, `${hwm ? Number(hwm[1]) : u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`); });",
)}`;

interface Run {
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

async function runOnce(args: string[], env: NodeJS.ProcessEnv, usageFile: string): Promise<Run> {
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', usagePreload, ...args], {
    env: { ...env, FERRY_BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (exitCode) => done(exitCode));
  });
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${stderr}`);
  if ((args[0] === cliPath || args[0] === sourcePath) && !/^Sandbox\s/m.test(stdout))
    throw new Error(`ferry accounts list printed no Sandbox account: ${stdout}`);
  const [maxRssKiB, cpuMicros] = (await readFile(usageFile, 'utf8')).split(' ').map(Number);
  return { wallMs, cpuMs: cpuMicros! / 1000, peakRssMiB: (maxRssKiB! * 1024) / MiB };
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function summary(runs: readonly Run[]) {
  const of = (pick: (run: Run) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
  };
  return {
    wallMs: of((run) => run.wallMs),
    cpuMs: of((run) => run.cpuMs),
    peakRssMiB: of((run) => run.peakRssMiB),
  };
}

/**
 * Rounds alternate between the contenders, so a busy moment on the machine hits all of them. The data
 * folder and Node's compile cache (through TMPDIR: the CLI turns the cache on in the temp folder) are
 * the bench's own: the first run creates the database and fills the cache (reported apart, as
 * `firstRun`); the rounds after it are what a user sees every time. `fromSources` is the same command
 * run from main/cli.ts, which loads Node's TypeScript stripper and resolves every package file by file.
 */
export async function benchCliAtRest(options: { rounds?: number } = {}) {
  const rounds = Math.max(3, options.rounds ?? 7);
  await buildCli();
  const dir = tempDir('ferry-bench-cli-');
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: dir };
    delete env.NODE_COMPILE_CACHE;
    const usageFile = join(dir, 'usage');
    const command = ['accounts', 'list', '--data-dir', join(dir, 'data')];
    const ferryArgs = [cliPath, ...command];
    const sourceArgs = [sourcePath, ...command];
    const bareArgs = ['-e', ''];
    const firstRun = await runOnce(ferryArgs, env, usageFile);
    await runOnce(sourceArgs, env, usageFile); // fills the compile cache for the sources too
    const runs = { ferry: [] as Run[], fromSources: [] as Run[], bareNode: [] as Run[] };
    for (let index = 0; index < rounds; index++) {
      runs.bareNode.push(await runOnce(bareArgs, env, usageFile));
      runs.ferry.push(await runOnce(ferryArgs, env, usageFile));
      runs.fromSources.push(await runOnce(sourceArgs, env, usageFile));
    }
    const ferry = summary(runs.ferry);
    const bareNode = summary(runs.bareNode);
    return {
      command: 'node out/cli/ferry.mjs accounts list --data-dir <an existing data folder>',
      baseline: "node -e ''",
      goal: `median wall ≤ ${goals.wallMs} ms; peak RSS ≤ ${goals.peakRssMiB} MiB in every round`,
      rounds,
      ferry,
      bareNode,
      ferryOverBareNode: {
        wallMs: round(ferry.wallMs.median - bareNode.wallMs.median),
        cpuMs: round(ferry.cpuMs.median - bareNode.cpuMs.median),
        peakRssMiB: round(ferry.peakRssMiB.median - bareNode.peakRssMiB.median),
      },
      fromSources: summary(runs.fromSources),
      firstRun: {
        wallMs: round(firstRun.wallMs),
        cpuMs: round(firstRun.cpuMs),
        peakRssMiB: round(firstRun.peakRssMiB),
      },
      met: {
        wall: ferry.wallMs.median <= goals.wallMs,
        peakRss: ferry.peakRssMiB.max <= goals.peakRssMiB,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
