// The benchmark's tus and S3 scenarios, quick, inside the test run: so the bench cannot rot between the
// times someone measures with it. Nothing here asserts a speed (the machine is shared); only that every
// contender ran in every round and the report is what the README's table is read from.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.ts';

const benchDir = resolve(import.meta.dirname, '../bench');
const committedReport = join(benchDir, 'report.json');

interface Row {
  medianMs: number;
  minMs: number;
  maxMs: number;
  gcCountMedian: number | null;
  cpuMsMedian: number | null;
  peakRssMiBMax: number | null;
  eventLoopDelayP99MsMedian?: number;
  eventLoopDelayMaxMsMax?: number;
  partsPhaseMedianMs?: number;
  completeMedianMs?: number;
  serverPatchesMedian?: {
    patches: number;
    receivingMs: number;
    answeringMs: number;
    betweenPatchesMs: number;
  };
  serverCpuMsMedian?: number;
  runsMs: number[];
}

interface Scenario {
  quick: boolean;
  rounds: number;
  contenders: Record<string, Row>;
  vsFerry: Record<string, { ratio: number }>;
  skipped: Record<string, string>;
  fileBytes?: number;
  chunkBytes?: number;
}

describe('npm run bench -- --quick (tus and S3 against their peers)', () => {
  // Some twenty processes, each starting Node and uploading 24 MiB: ~20 s of CPU, longer while other
  // test files share the two cores.
  it(
    'runs every contender in every round and writes a valid report where it is told',
    { timeout: 300_000 },
    async () => {
      const out = join(tempDir('ferry-bench-test-'), 'report.json');
      const committedBefore = statSync(committedReport).mtimeMs;
      const child = spawn(
        process.execPath,
        [
          '--expose-gc',
          join(benchDir, 'run.ts'),
          '--quick',
          '--only',
          'tusThroughput',
          '--only',
          's3Throughput',
          '--out',
          out,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, stderr).toBe(0);

      const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Scenario>;
      expect(statSync(committedReport).mtimeMs).toBe(committedBefore);
      const tus = report.tusThroughput!;
      const s3 = report.s3Throughput!;
      expect(Object.keys(tus.contenders).sort()).toEqual([
        'ferry',
        'onePlainPatch',
        'sameChunksByHand',
        'tusJsClient',
      ]);
      // Every tus row says how its PATCHes spent their time on the server: chunked or one for the file.
      const chunks = Math.ceil(tus.fileBytes! / tus.chunkBytes!);
      for (const [name, row] of Object.entries(tus.contenders)) {
        expect(row.serverPatchesMedian?.patches, name).toBe(name === 'onePlainPatch' ? 1 : chunks);
        expect(row.serverPatchesMedian?.receivingMs, name).toBeGreaterThan(0);
      }
      // rclone is measured where it is installed and named as skipped elsewhere: never silently absent.
      const rclone = 'rclone' in s3.contenders ? ['rclone'] : [];
      if (rclone.length === 0) expect(s3.skipped.rclone).toMatch(/not installed/);
      expect(Object.keys(s3.contenders).sort()).toEqual(
        ['ferry', 'libStorage', 'onePlainPutObject', ...rclone].sort(),
      );
      for (const scenario of [tus, s3]) {
        expect(scenario.quick).toBe(true);
        expect(scenario.rounds).toBe(3);
        for (const [name, row] of Object.entries(scenario.contenders)) {
          expect(row.runsMs, name).toHaveLength(3);
          expect(row.minMs, name).toBeGreaterThan(0);
          expect(row.minMs, name).toBeLessThanOrEqual(row.medianMs);
          expect(row.medianMs, name).toBeLessThanOrEqual(row.maxMs);
          expect(row.peakRssMiBMax, name).toBeGreaterThan(0);
          // The servers run in a process of their own, whose CPU time is measured for every run.
          expect(row.serverCpuMsMedian, name).toBeGreaterThan(0);
          // Every Node contender counts its collections, its CPU time and its event loop's lateness;
          // rclone (Go) has none of these to report but its CPU time, when GNU time is installed.
          if (name === 'rclone') continue;
          expect(row.gcCountMedian, name).toEqual(expect.any(Number));
          expect(row.cpuMsMedian, name).toBeGreaterThan(0);
          expect(row.eventLoopDelayP99MsMedian, name).toBeGreaterThanOrEqual(0);
          expect(row.eventLoopDelayMaxMsMax, name).toBeGreaterThanOrEqual(row.eventLoopDelayP99MsMedian!);
        }
        expect(Object.keys(scenario.vsFerry).sort()).toEqual(
          Object.keys(scenario.contenders)
            .filter((name) => name !== 'ferry')
            .sort(),
        );
      }
      // Multipart contenders wait for the server's Complete; one PutObject has none.
      for (const name of ['ferry', 'libStorage', ...rclone])
        expect(s3.contenders[name]!.completeMedianMs, name).toBeGreaterThan(0);
      expect(s3.contenders.onePlainPutObject!.completeMedianMs).toBe(0);
      // The responsiveness goal is summarized from Ferry's own rows of the scenarios that ran.
      const loop = report.engineEventLoop as unknown as Record<string, { p99Ms: number; maxMs: number }>;
      expect(loop.tus1GiB).toMatchObject({
        p99Ms: tus.contenders.ferry!.eventLoopDelayP99MsMedian,
        maxMs: tus.contenders.ferry!.eventLoopDelayMaxMsMax,
      });
      expect(loop.s3_1GiB).toMatchObject({ p99Ms: s3.contenders.ferry!.eventLoopDelayP99MsMedian });
      expect(loop).not.toHaveProperty('smallFiles2000');
    },
  );
});
