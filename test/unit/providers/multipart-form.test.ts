import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import busboy from 'busboy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentFile } from '../../../main/engine/sent-file.ts';
import { UploadError } from '../../../main/net/upload-error.ts';
import { multipartFileForm } from '../../../main/providers/multipart-form.ts';
import { tempDir } from '../../support/temp.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir('ferry-multipart-');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function diskFile(name: string, content: Buffer, mimeType = 'application/octet-stream') {
  const path = join(dir, 'file.bin');
  writeFileSync(path, content);
  return fileAt(path, name, content.length, mimeType);
}

/** The file as the engine hands it to a provider (its reads hashed, its end checked), claiming `size` bytes. */
function fileAt(path: string, name: string, size: number, mimeType = 'application/octet-stream') {
  const { mtimeMs, ctimeMs } = statSync(path);
  return new SentFile({ path, name, mimeType, identity: { size, mtimeMs, ctimeMs } });
}

async function collect(stream: Readable): Promise<Buffer> {
  return Buffer.concat(await stream.toArray());
}

/** A form body's bytes: each chunk is copied, since its buffer is read into again after the next is asked for. */
async function collectBody(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every part busboy sees, in order: fields as [name, value], the file as [name, filename, type, bytes]. */
async function parseBack(contentType: string, bytes: Buffer): Promise<unknown[]> {
  const parts: Array<unknown[] | Promise<unknown[]>> = [];
  const parser = busboy({ headers: { 'content-type': contentType } });
  parser.on('field', (name, value) => parts.push([name, value]));
  parser.on('file', (name, stream, info) => {
    parts.push(collect(stream).then((data) => [name, info.filename, info.mimeType, data]));
  });
  await new Promise((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
    parser.end(bytes);
  });
  return Promise.all(parts);
}

describe('multipartFileForm', () => {
  it('is parsed back by busboy: fields in their order, the file last with its exact bytes', async () => {
    // Line breaks and something boundary-like inside the file must survive untouched.
    const content = Buffer.concat([
      randomBytes(200_000),
      Buffer.from('\r\n--form-data-encoder-\r\n'),
      randomBytes(1000),
    ]);
    const file = diskFile('say "hi"\n.txt', content, 'text/plain');
    const form = multipartFileForm({
      fields: [
        ['OSSAccessKeyId', 'LTAI'],
        ['policy', 'eyJ9'],
        ['key', 'chat/1/a b ü'],
      ],
      fileField: 'file',
      file,
    });
    const bytes = await collectBody(form.body);
    expect(form.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(form.headers['content-length'])).toBe(bytes.length);
    expect(await parseBack(form.headers['content-type'], bytes)).toEqual([
      ['OSSAccessKeyId', 'LTAI'],
      ['policy', 'eyJ9'],
      ['key', 'chat/1/a b ü'],
      // Quotes and line breaks in the name are percent-encoded, as browsers send them.
      ['file', 'say %22hi%22%0A.txt', 'text/plain', content],
    ]);

    // Progress counts file bytes: the framing before the file counts for nothing, the tail is clamped.
    const fileStart = bytes.indexOf(content);
    expect(fileStart).toBeGreaterThan(0);
    expect(form.fileBytes(fileStart)).toBe(0);
    expect(form.fileBytes(fileStart + 1234)).toBe(1234);
    expect(form.fileBytes(bytes.length)).toBe(content.length);
  });

  it('encodes a 0-byte file and a form with no other field (Easemob)', async () => {
    const form = multipartFileForm({
      fields: [],
      fileField: 'file',
      file: diskFile('empty', Buffer.alloc(0)),
    });
    const bytes = await collectBody(form.body);
    expect(Number(form.headers['content-length'])).toBe(bytes.length);
    expect(await parseBack(form.headers['content-type'], bytes)).toEqual([
      ['file', 'empty', 'application/octet-stream', Buffer.alloc(0)],
    ]);
  });

  it('fails the body with file-changed when the file is shorter than its size', async () => {
    const path = diskFile('short', Buffer.from('abc')).path;
    const file = fileAt(path, 'short', 10);
    const form = multipartFileForm({ fields: [], fileField: 'file', file });
    const failure = await collectBody(form.body).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UploadError);
    expect((failure as UploadError).view.code).toBe('file-changed');
  });

  it('holds a few reads of a 64 MiB file in memory, never the file', async () => {
    const size = 64 * 1024 * 1024;
    // Written a MiB at a time, so that no 64 MiB buffer exists before the measure starts.
    const path = join(dir, 'big.bin');
    for (let written = 0; written < size; written += 1024 * 1024)
      appendFileSync(path, randomBytes(1024 * 1024));
    const file = fileAt(path, 'big.bin', size);
    // jest's leak detector does the same: a collection on demand makes the measure exact, not lucky.
    setFlagsFromString('--expose-gc');
    // Freed ArrayBuffers swept by gc() itself, not later on a background thread: the measure counts what
    // the form holds, not what is waiting to be swept (it read 34 MB once in four runs on a busy machine).
    setFlagsFromString('--no-concurrent-array-buffer-sweeping');
    const gc = runInNewContext('gc') as () => void;
    const held = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const form = multipartFileForm({ fields: [['key', 'k']], fileField: 'file', file });
    const before = held();
    let total = 0;
    let halfway: number | undefined;
    await pipeline(
      form.body,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          total += chunk.length;
          if (halfway === undefined && total >= size / 2) halfway = held() - before;
          done();
        },
      }),
    );
    expect(total).toBe(Number(form.headers['content-length']));
    // Half the file sent: holding it (or what was sent) would be 32 MiB or more; a few reads are
    // well under a MiB, and the rest of the margin is the test runner's own allocations.
    expect(halfway).toBeLessThan(16 * 1024 * 1024);
  });

  it.runIf(process.platform === 'linux')(
    'closes the file as soon as a body is abandoned mid-file (counts /proc/self/fd)',
    async () => {
      const file = diskFile('abandoned.bin', randomBytes(4 * 1024 * 1024));
      const openFiles = () => readdirSync('/proc/self/fd').length;
      const before = openFiles();
      for (let attempt = 0; attempt < 5; attempt++) {
        const form = multipartFileForm({ fields: [], fileField: 'file', file });
        let chunks = 0;
        for await (const _chunk of form.body) if (++chunks === 4) break;
      }
      // The close is asynchronous; a handful of turns is plenty.
      for (let turn = 0; turn < 50 && openFiles() > before; turn++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(openFiles()).toBe(before);
    },
  );
});
