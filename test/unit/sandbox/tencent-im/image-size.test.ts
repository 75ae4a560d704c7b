import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageSize } from '../../../../main/sandbox/tencent-im/image-size.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-image-size-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sizeOf(bytes: Buffer): Promise<{ width: number; height: number }> {
  const path = join(dir, randomBytes(6).toString('hex'));
  await writeFile(path, bytes);
  return readImageSize(path);
}

function u16be(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

describe('readImageSize', () => {
  it('reads a PNG IHDR', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR', 'latin1'),
      Buffer.from([0, 0, 0x03, 0xd8, 0, 0, 0x01, 0x71]),
    ]);
    expect(await sizeOf(png)).toEqual({ width: 984, height: 369 });
  });

  it('reads a GIF logical screen', async () => {
    const gif = Buffer.concat([
      Buffer.from('GIF89a', 'latin1'),
      Buffer.from([144, 0, 145, 0]),
      randomBytes(20),
    ]);
    expect(await sizeOf(gif)).toEqual({ width: 144, height: 145 });
  });

  it('walks JPEG segments past metadata to the start of frame', async () => {
    const exif = Buffer.concat([Buffer.from([0xff, 0xe1]), u16be(2 + 5000), randomBytes(5000)]);
    const table = Buffer.concat([Buffer.from([0xff, 0xc4]), u16be(2 + 10), randomBytes(10)]);
    const frame = Buffer.concat([
      Buffer.from([0xff, 0xc2]),
      u16be(17),
      Buffer.from([8]),
      u16be(1080),
      u16be(1920),
      randomBytes(10),
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), exif, table, frame, randomBytes(100)]);
    expect(await sizeOf(jpeg)).toEqual({ width: 1920, height: 1080 });
  });

  it('gives 0 x 0 for anything else or a truncated header', async () => {
    expect(await sizeOf(randomBytes(100).fill(0, 0, 4))).toEqual({ width: 0, height: 0 });
    expect(await sizeOf(Buffer.alloc(0))).toEqual({ width: 0, height: 0 });
    expect(await sizeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x40]))).toEqual({ width: 0, height: 0 });
  });
});
