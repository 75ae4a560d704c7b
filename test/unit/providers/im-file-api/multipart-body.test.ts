import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { openRange } from '../../../../main/engine/local-file.ts';
import { multipartBody } from '../../../../main/providers/im-file-api/multipart-body.ts';
import { tempDir } from '../../../support/temp.ts';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('multipartBody', () => {
  it('is parsed back by busboy: fields in order, the file last and intact, the length exact', async () => {
    const content = Buffer.from('hello\r\n--not-a-boundary\r\nworld');
    const body = multipartBody({
      fields: [
        ['OSSAccessKeyId', 'LTAI'],
        ['policy', 'eyJ9'],
        ['key', 'chat/1/a b'],
      ],
      fileFieldName: 'file',
      fileName: 'say "hi"\n.txt',
      fileContentType: 'text/plain',
      fileSize: content.length,
      openFile: () => Readable.from([content]),
    });
    const bytes = await collect(body.open());
    expect(bytes.length).toBe(body.contentLength);

    const seen: Array<[string, string]> = [];
    const parser = busboy({ headers: { 'content-type': body.contentType } });
    parser.on('field', (name, value) => seen.push([name, value]));
    let file: Promise<void> | undefined;
    parser.on('file', (name, stream, info) => {
      file = collect(stream).then((data) => {
        seen.push([`${name}:${info.filename}`, data.toString()]);
      });
    });
    await new Promise((resolve, reject) => {
      parser.on('close', resolve);
      parser.on('error', reject);
      parser.end(bytes);
    });
    await file;
    expect(seen).toEqual([
      ['OSSAccessKeyId', 'LTAI'],
      ['policy', 'eyJ9'],
      ['key', 'chat/1/a b'],
      ['file:say %22hi%22%0A.txt', content.toString()],
    ]);
    // A second attempt gets a fresh, complete stream.
    expect((await collect(body.open())).equals(bytes)).toBe(true);
  });

  it('streams a 1 GiB file with flat memory', async () => {
    const path = join(tempDir(), 'sparse.bin');
    const size = 1024 ** 3;
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size); // sparse: no disk space, reads as zeros
    closeSync(fd);
    const body = multipartBody({
      fields: [['key', 'k']],
      fileFieldName: 'file',
      fileName: 'big.bin',
      fileContentType: 'application/octet-stream',
      fileSize: size,
      openFile: () => openRange(path, 0, size),
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    let total = 0;
    await pipeline(
      body.open(),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          total += chunk.length;
          if ((total & 0xffffff) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss);
          done();
        },
      }),
    );
    expect(total).toBe(body.contentLength);
    expect(peak - before).toBeLessThan(128 * 1024 * 1024);
  });
});
