import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { startTusEmulator, type TusEmulator } from '../../main/sandbox/tus/tus-emulator.ts';
import { buildCli } from '../../scripts/build-cli.ts';
import { jsonLines, startCliHarness, type CliHarness } from '../support/cli-harness.ts';
import { randomFile, sha256, tempDir } from '../support/temp.ts';

// The `ferry` the app ships: main/cli.ts built into out/cli/ferry.mjs (scripts/build-cli.ts), which
// bundles zod, got, pino and the providers and leaves native addons and the emulators' packages in
// node_modules. Built afresh here, then run as users run it, through every path that loads code
// late: each provider's chunk, the Sandbox's emulator, sharp for thumbnails stays out of the CLI.

const root = resolve(import.meta.dirname, '../..');
const bundle = join(root, 'out/cli/ferry.mjs');

interface FileResult {
  path: string;
  status: string;
  sha256: string | null;
  links: Array<{ url: string }>;
  error: { code: string; message: string } | null;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

let cli: CliHarness;

beforeAll(async () => {
  await buildCli();
}, 60_000);

beforeEach(async () => {
  cli = await startCliHarness({ entry: bundle });
});

afterEach(() => cli.close());

describe('the built ferry (out/cli/ferry.mjs)', () => {
  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await cli.run(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `ferry ${pkg.version}\n` });
  });

  it('lists the accounts, the Sandbox first', async () => {
    const run = await cli.run(['accounts', 'list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Sandbox\s+tencent-im\s+sandbox/m);
  });

  it('uploads to a Tencent IM account and to the built-in Sandbox, and finds both in the history', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const file = randomFile(cli.filesDir, 'to-tencent.bin', 3 * 1024 * 1024 + 11);
    const toTencent = await cli.run(['upload', file.path, '--account', 't', '--json']);
    expect(toTencent).toMatchObject({ code: 0, stderr: '' });
    const [tencentLine] = jsonLines<FileResult>(toTencent.stdout);
    expect(tencentLine).toMatchObject({ status: 'done', sha256: file.sha256 });
    expect(sha256(await download(tencentLine!.links[0]!.url))).toBe(file.sha256);

    // The Sandbox's emulator is a chunk of its own, loaded only for this upload.
    const other = randomFile(cli.filesDir, 'to-sandbox.bin', 70_000);
    const toSandbox = await cli.run(['upload', other.path, '--account', 'Sandbox', '--json']);
    expect(toSandbox).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines<FileResult>(toSandbox.stdout)[0]).toMatchObject({
      status: 'done',
      sha256: other.sha256,
    });

    const history = await cli.run(['history', '--json']);
    expect(history.code).toBe(0);
    const names = jsonLines<{ name: string }>(history.stdout).map((entry) => entry.name);
    expect(names.sort()).toEqual(['to-sandbox.bin', 'to-tencent.bin']);
  });

  describe('against S3 and tus servers', () => {
    let servers: string;
    let s3: S3Emulator;
    let tus: TusEmulator;

    beforeAll(async () => {
      servers = tempDir('ferry-bundle-servers-');
      s3 = await startS3Emulator({ storageDir: join(servers, 's3') });
      tus = await startTusEmulator({ storageDir: join(servers, 'tus'), credentials: null });
    });

    afterAll(async () => {
      await Promise.all([s3?.close(), tus?.close()]);
      rmSync(servers, { recursive: true, force: true });
    });

    it('uploads a multipart object to S3 (signing, XML answers) and a file to tus, bytes intact', async () => {
      const added = await cli.run(
        [
          'accounts',
          'add',
          's3',
          '--name',
          'bucket',
          '--field',
          `endpoint=${s3.baseUrl}`,
          '--field',
          `bucket=${s3.bucket}`,
          '--field',
          'pathStyle=true',
          '--field',
          `accessKeyId=${s3.credentials.accessKeyId}`,
        ],
        { FERRY_SECRET_SECRETACCESSKEY: s3.credentials.secretAccessKey },
      );
      expect(added).toMatchObject({ code: 0 });
      const big = randomFile(cli.filesDir, 'multipart.bin', 20 * 1024 * 1024 + 5);
      const toS3 = await cli.run(['upload', big.path, '--account', 'bucket', '--json']);
      expect(toS3).toMatchObject({ code: 0, stderr: '' });
      expect(jsonLines<FileResult>(toS3.stdout)[0]).toMatchObject({ status: 'done', sha256: big.sha256 });
      const [stored] = await s3.listObjects();
      expect(stored!.size).toBe(20 * 1024 * 1024 + 5);
      expect(s3.stats().requestsByMethod['POST']).toBeGreaterThanOrEqual(2); // create + complete

      expect(
        (
          await cli.run([
            'accounts',
            'add',
            'tus',
            '--name',
            'resumable',
            '--field',
            `endpoint=${tus.endpoint}`,
          ])
        ).code,
      ).toBe(0);
      const small = randomFile(cli.filesDir, 'chunked.bin', 300_000);
      const toTus = await cli.run(['upload', small.path, '--account', 'resumable', '--json']);
      expect(toTus).toMatchObject({ code: 0, stderr: '' });
      expect(jsonLines<FileResult>(toTus.stdout)[0]).toMatchObject({ status: 'done', sha256: small.sha256 });
      expect(tus.stats().requests.PATCH).toBeGreaterThanOrEqual(1);
    });
  });
});
