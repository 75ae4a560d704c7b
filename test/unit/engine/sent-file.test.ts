import { appendFileSync, readFileSync, renameSync, statSync, truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SentFile } from '../../../main/engine/sent-file.ts';
import { UploadError } from '../../../main/net/upload-error.ts';
import { rewriteInPlace, touchMetadata, wholeSecondTimes } from '../../support/file-edits.ts';
import { randomFile, sha256, tempDir } from '../../support/temp.ts';

const MiB = 1024 * 1024;

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A random file with whole-second times (so that an edit can put them back exactly). */
async function fileOf(size: number, options: Parameters<typeof SentFile.open>[1] = {}) {
  const { path, sha256: digest } = randomFile(tempDir('ferry-sent-'), 'f.bin', size);
  wholeSecondTimes(path);
  return { path, digest, file: await SentFile.open(path, options) };
}

async function failureOf(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UploadError);
  return error as UploadError;
}

describe('the SHA-256 of what was sent', () => {
  it('is taken from the ranges as they are read, in order: nothing is read twice', async () => {
    const { digest, file } = await fileOf(10 * MiB + 3);
    for (let start = 0; start < file.size; start += 4 * MiB)
      await collect(file.openRange(start, Math.min(file.size, start + 4 * MiB)));
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesReadBack).toBe(0);
  });

  it('takes ranges sent out of order (parallel parts) from memory, not from disk again', async () => {
    const { digest, file } = await fileOf(24 * MiB);
    const part = (n: number) => file.openRange(n * 8 * MiB, (n + 1) * 8 * MiB);
    // Three parts open side by side; parts 2 and 3 finish before part 1; a retry sends part 3 again.
    const [first, second, third] = [part(0), part(1), part(2)];
    await collect(second);
    await collect(third);
    await collect(first);
    await collect(part(2));
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesReadBack).toBe(0);
  });

  it('hashes the parts kept ahead at most 2 MiB per turn of the event loop once the prefix reaches them', async () => {
    const { digest, file } = await fileOf(24 * MiB);
    // Part 1 under way (so nothing before the later parts is read back), then parts 2 and 3 overtake
    // it: 16 MiB kept ahead. The prefix reaches them as part 1's last chunk is handed over.
    const first = file.readChunks(0, 8 * MiB, MiB);
    await first.next();
    await collect(file.readChunks(8 * MiB, 24 * MiB, MiB));
    for (let chunk = 1; chunk < 8; chunk++) await first.next();
    expect(file.bytesHashed).toBe(8 * MiB);
    const perTurn: number[] = [];
    for (let last = file.bytesHashed; last < 24 * MiB; last = file.bytesHashed) {
      await new Promise((resolve) => setImmediate(resolve));
      perTurn.push(file.bytesHashed - last);
    }
    // Hashed in one go, the 16 MiB would have held the loop for the whole of it.
    expect(perTurn.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(2 * MiB);
    expect((await first.next()).done).toBe(true);
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesReadBack).toBe(0);
  });

  it('reads back, once, what an earlier run sent and what overflowed the memory kept for later parts', async () => {
    const resumed = await fileOf(12 * MiB, { resumed: true });
    await collect(resumed.file.openRange(5 * MiB, 12 * MiB));
    expect(await resumed.file.sentSha256()).toBe(resumed.digest);
    expect(resumed.file.bytesReadBack).toBe(5 * MiB);

    const wide = await fileOf(48 * MiB);
    await collect(wide.file.openRange(8 * MiB, 48 * MiB)); // 40 MiB ahead: more than is kept
    await collect(wide.file.openRange(0, 8 * MiB));
    expect(await wide.file.sentSha256()).toBe(wide.digest);
    expect(wide.file.bytesReadBack).toBeGreaterThan(0);
    expect(wide.file.bytesReadBack).toBeLessThanOrEqual(40 * MiB - 32 * MiB + MiB);
  });

  it('copies chunks of a reused buffer that it keeps for later', async () => {
    const { digest, file } = await fileOf(3 * MiB);
    const first = file.readChunks(0, MiB, 48 * 1024)[Symbol.asyncIterator]();
    const head = Buffer.from((await first.next()).value as Buffer); // the first slice is under way
    await collect(file.readChunks(MiB, 3 * MiB, 48 * 1024)); // the second one overtakes it
    const rest = await collect({ [Symbol.asyncIterator]: () => first });
    expect(head.length + rest.length).toBe(MiB);
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesReadBack).toBe(0);
  });

  it('leaves out what is only read for another digest (Content-MD5)', async () => {
    const { path, digest, file } = await fileOf(2 * MiB);
    const md5 = await file.digestRange(0, file.size, 'md5');
    expect(md5.toString('hex')).toBe(
      (await import('node:crypto')).createHash('md5').update(readFileSync(path)).digest('hex'),
    );
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesReadBack).toBe(2 * MiB); // none of it was sent, so all of it is read for the hash
  });
});

describe('a file that changes while it is sent', () => {
  it('fails the check when bytes already sent were rewritten with size and mtime put back', async () => {
    const { path, file } = await fileOf(4 * MiB);
    await collect(file.openRange(0, 2 * MiB));
    rewriteInPlace(path, 1000, 10);
    const failure = await failureOf(file.checkIdentity());
    expect(failure.view.code).toBe('file-changed');
    expect(failure.view.message).toMatch(/changed during its upload: the bytes sent are no longer/);
  });

  it('goes on when only bytes not sent yet changed, and hashes them as they are sent', async () => {
    const { path, file } = await fileOf(4 * MiB);
    await collect(file.openRange(0, 2 * MiB));
    const now = rewriteInPlace(path, 3 * MiB, 10);
    await file.checkIdentity();
    await collect(file.openRange(2 * MiB, 4 * MiB));
    expect(await file.sentSha256()).toBe(now);
  });

  it('goes on after a change of metadata only', async () => {
    const { path, digest, file } = await fileOf(MiB);
    await collect(file.openRange(0, MiB / 2));
    touchMetadata(path);
    await file.checkIdentity();
    await collect(file.openRange(MiB / 2, MiB));
    expect(await file.sentSha256()).toBe(digest);
  });

  it('cannot forgive a change once bytes an earlier run sent are involved', async () => {
    const { path, file } = await fileOf(MiB, { resumed: true });
    touchMetadata(path);
    expect((await failureOf(file.checkIdentity())).view.message).toMatch(/cannot be compared/);
  });

  it('says "modified" when the size or the mtime changed', async () => {
    const { path, file } = await fileOf(MiB);
    appendFileSync(path, 'x');
    expect((await failureOf(file.checkIdentity())).view.message).toMatch(/modified after it was added/);
  });

  it('holds the last bytes of a request that completes the upload until the file is checked', async () => {
    const { path, file } = await fileOf(8 * MiB);
    const received: Buffer[] = [];
    const stream = file.openRange(0, file.size, { completesUpload: true });
    let edited = false;
    const failure = await failureOf(
      (async () => {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          received.push(chunk);
          if (!edited) {
            rewriteInPlace(path, 0, 10); // the first chunk is out already
            edited = true;
          }
        }
      })(),
    );
    expect(failure.view.code).toBe('file-changed');
    expect(Buffer.concat(received).length).toBeLessThan(file.size);
  });

  it('compares what was sent with the digest taken before sending', async () => {
    const { path, digest, file } = await fileOf(2 * MiB);
    file.expectDigests({ md5: null, sha256: digest });
    await collect(file.openRange(0, MiB));
    // Only the bytes not sent yet change, so the bytes sent still match the file; the digest does not.
    rewriteInPlace(path, MiB + 5, 10);
    const chunks = file.readChunks(MiB, 2 * MiB, 64 * 1024, { completesUpload: true });
    expect((await failureOf(collect(chunks))).view.message).toMatch(/digest taken before sending/);
  });

  it('hashes the bytes once when digests were taken up front and the file kept its identity', async () => {
    const { digest, file } = await fileOf(3 * MiB + 1);
    file.expectDigests({ md5: null, sha256: digest });
    await collect(file.readChunks(0, 2 * MiB, 64 * 1024));
    await collect(file.readChunks(2 * MiB, file.size, 64 * 1024, { completesUpload: true }));
    expect(await file.sentSha256()).toBe(digest);
    expect(file.bytesHashed).toBe(0);
    expect(file.bytesReadBack).toBe(0);
  });

  it('reads the file back whole for the comparison once its change time moved under upfront digests', async () => {
    const metadata = await fileOf(2 * MiB);
    metadata.file.expectDigests({ md5: null, sha256: metadata.digest });
    await collect(metadata.file.readChunks(0, MiB, 64 * 1024));
    touchMetadata(metadata.path);
    await metadata.file.checkIdentity();
    await collect(metadata.file.readChunks(MiB, 2 * MiB, 64 * 1024, { completesUpload: true }));
    expect(await metadata.file.sentSha256()).toBe(metadata.digest);
    expect(metadata.file.bytesReadBack).toBe(2 * MiB);

    // Bytes already sent rewritten with the times put back: the file no longer has the digest.
    const edited = await fileOf(2 * MiB);
    edited.file.expectDigests({ md5: null, sha256: edited.digest });
    await collect(edited.file.readChunks(0, MiB, 64 * 1024));
    rewriteInPlace(edited.path, 1000, 10);
    const last = edited.file.readChunks(MiB, 2 * MiB, 64 * 1024, { completesUpload: true });
    expect((await failureOf(collect(last))).view.message).toMatch(/digest taken before sending/);
  });

  it('sends a file read whole from memory, and still checks the file on disk before the last bytes', async () => {
    const { path, digest, file: opened } = await fileOf(300 * 1024);
    const contents = readFileSync(path);
    const options = {
      path,
      identity: { size: opened.size, mtimeMs: opened.mtimeMs, ctimeMs: statSync(path).ctimeMs },
      upfront: { md5: null, sha256: digest },
      contents,
    };
    const file = new SentFile(options);
    // Moved away, the file cannot be what the first chunks are read from.
    renameSync(path, `${path}.away`);
    expect(
      (await collect(file.readChunks(0, 200 * 1024, 64 * 1024))).equals(contents.subarray(0, 200 * 1024)),
    ).toBe(true);
    expect((await collect(file.openRange(0, 1000))).equals(contents.subarray(0, 1000))).toBe(true);
    renameSync(`${path}.away`, path);
    // Rewritten with its times put back: the bytes in memory are no longer the file's.
    rewriteInPlace(path, 10, 10);
    const last = file.readChunks(200 * 1024, file.size, 64 * 1024, { completesUpload: true });
    expect((await failureOf(collect(last))).view.message).toMatch(/digest taken before sending/);

    // A run that ends lets the bytes go: the next reads the disk.
    const released = new SentFile({
      ...options,
      identity: { ...options.identity, ctimeMs: statSync(path).ctimeMs },
    });
    released.release();
    const onDisk = readFileSync(path);
    expect((await collect(released.readChunks(0, released.size, 64 * 1024))).equals(onDisk)).toBe(true);
  });

  it('fails a range of a file that got shorter with file-changed', async () => {
    const { path, file } = await fileOf(MiB);
    truncateSync(path, 1000);
    expect((await failureOf(collect(file.openRange(0, MiB)))).view.code).toBe('file-changed');
  });
});

describe('nothing is lost on the way', () => {
  it('sends every byte of a range unchanged, with or without the hold on the last chunk', async () => {
    const { path, file } = await fileOf(5 * MiB + 7);
    const bytes = readFileSync(path);
    expect((await collect(file.openRange(3, 4 * MiB))).equals(bytes.subarray(3, 4 * MiB))).toBe(true);
    const whole = await collect(file.openRange(0, file.size, { completesUpload: true }));
    expect(sha256(whole)).toBe(sha256(bytes));
    expect((await collect(file.openRange(0, 0, { completesUpload: true }))).length).toBe(0);
  });
});
