import { describe, expect, it } from 'vitest';
import { UploadError } from '../../../../main/net/upload-error.ts';
import { maxKeyPrefixBytes, objectKey, s3Provider } from '../../../../main/providers/s3/s3-provider.ts';

const required = { endpoint: 'https://s3.example.com', bucket: 'my-bucket', accessKeyId: 'AKID' };

describe('s3Provider.parseConfig', () => {
  it('fills the documented defaults, also for fields left empty', () => {
    const expected = {
      region: 'us-east-1',
      keyPrefix: '',
      pathStyle: false,
      checksumMode: 'none',
      linkMode: 'presigned',
      linkExpirySeconds: 604_800,
      maxParts: 10_000,
      partConcurrency: 3,
    };
    expect(s3Provider.parseConfig(required)).toMatchObject(expected);
    expect(
      s3Provider.parseConfig({ ...required, region: '', pathStyle: '', maxParts: '', linkExpirySeconds: '' }),
    ).toMatchObject(expected);
    expect(
      s3Provider.parseConfig({
        ...required,
        pathStyle: 'true',
        maxParts: '1000',
        checksumMode: 'content-md5',
      }),
    ).toMatchObject({ pathStyle: true, maxParts: 1000, checksumMode: 'content-md5' });
  });

  it('takes its smallest part from the app’s part size, never under S3’s 5 MiB', () => {
    const MiB = 1024 * 1024;
    expect(s3Provider.parseConfig(required).minPartSize).toBe(8 * MiB);
    expect(s3Provider.parseConfig(required, {}).minPartSize).toBe(8 * MiB);
    expect(s3Provider.parseConfig(required, { partSize: 64 * MiB }).minPartSize).toBe(64 * MiB);
    expect(s3Provider.parseConfig(required, { partSize: 2 * MiB }).minPartSize).toBe(5 * MiB);
  });

  it.each([
    ['a presigned lifetime over 7 days', { linkExpirySeconds: '604801' }],
    ['public links without a base URL', { linkMode: 'public' }],
    ['virtual-host style on an IP address', { endpoint: 'http://127.0.0.1:9000' }],
    ['an endpoint with a path', { endpoint: 'https://s3.example.com/bucket' }],
    ['more than 10,000 parts', { maxParts: '10001' }],
    ['an unknown checksum mode', { checksumMode: 'crc32' }],
    ['an invalid bucket name', { bucket: 'My_Bucket' }],
  ])('refuses %s', (_label, fields) => {
    expect(() => s3Provider.parseConfig({ ...required, ...fields })).toThrow(UploadError);
  });
});

describe('objectKey', () => {
  it('is prefix + yyyy/mm/<unique>-<name>, with control characters and slashes replaced', () => {
    const unique = 'ab'.repeat(8);
    expect(objectKey('uploads/', { name: 'photo 1.jpg' }, new Date('2026-03-05T10:00:00Z'), unique)).toBe(
      `uploads/2026/03/${unique}-photo 1.jpg`,
    );
    expect(objectKey('', { name: 'a/b\\c\u0001.txt' }, new Date('2026-12-31T23:00:00Z'), unique)).toBe(
      `2026/12/${unique}-a_b_c_.txt`,
    );
  });

  it('shortens a long name so the last key segment stays within 200 bytes, keeping the extension', () => {
    const unique = 'ab'.repeat(8);
    const at = new Date('2026-03-05T10:00:00Z');
    for (const name of [`${'n'.repeat(251)}.jpg`, `${'照'.repeat(84)}.png`, `${'😀'.repeat(63)}.heic`]) {
      const key = objectKey('uploads/', { name }, at, unique);
      const last = key.split('/').pop()!;
      expect(Buffer.byteLength(last), name).toBeLessThanOrEqual(200);
      expect(Buffer.byteLength(last), name).toBeGreaterThan(190);
      expect(last.startsWith(`${unique}-`)).toBe(true);
      expect(name.startsWith(last.slice(17, last.lastIndexOf('.')))).toBe(true);
      expect(last.slice(last.lastIndexOf('.'))).toBe(name.slice(name.lastIndexOf('.')));
      expect(last).not.toMatch(/\p{Cs}/u);
    }
  });

  it('never lets the whole key pass 1024 bytes, even behind the longest prefix an account may have', () => {
    const prefix = `${'p'.repeat(200)}/`.repeat(5).slice(0, maxKeyPrefixBytes);
    expect(Buffer.byteLength(prefix)).toBe(816);
    const key = objectKey(prefix, { name: `${'照'.repeat(84)}.png` });
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
    expect(() => objectKey(`${prefix}x`, { name: 'a.png' })).toThrow(/Key prefix/);
  });

  it('turns a lone surrogate (possible in a Windows name) into U+FFFD instead of a key that cannot be encoded', () => {
    expect(objectKey('', { name: 'a\uD800b.txt' }, new Date('2026-01-01T00:00:00Z'), 'ab'.repeat(8))).toBe(
      `2026/01/${'ab'.repeat(8)}-a\uFFFDb.txt`,
    );
  });

  it('gives two uploads of the same name different keys', () => {
    expect(objectKey('', { name: 'a.txt' })).not.toBe(objectKey('', { name: 'a.txt' }));
  });
});

describe('s3Provider.parseSession', () => {
  it('marks a journaled session for a question to the server first (ListParts, HEAD)', () => {
    const journaled = {
      mode: 'multipart',
      key: 'k',
      uploadId: 'u',
      partSize: 8 * 1024 * 1024,
      parts: [{ partNumber: 1, etag: '"e"', size: 8 * 1024 * 1024 }],
      reconciled: true,
      restarts: 0,
    };
    expect(s3Provider.parseSession(JSON.parse(JSON.stringify(journaled)))).toEqual({
      ...journaled,
      reconciled: false,
    });
    // A single PutObject from the journal may have stored the object already: HEAD asks first.
    expect(s3Provider.parseSession({ mode: 'single', key: 'k', checked: true })).toEqual({
      mode: 'single',
      key: 'k',
      checked: false,
    });
    expect(s3Provider.parseSession({ mode: 'single', key: 'k' })).toEqual({
      mode: 'single',
      key: 'k',
      checked: false,
    });
    expect(() => s3Provider.parseSession({ mode: 'multipart', key: 'k' })).toThrow();
  });
});
