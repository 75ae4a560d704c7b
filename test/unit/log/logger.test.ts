import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger.ts';
import { tempDir } from '../../support/temp.ts';

function capture(): { lines: string[]; stream: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('logger', () => {
  it('writes JSON lines to its file and extra streams with every registered secret redacted', async () => {
    const dir = tempDir();
    const { lines, stream } = capture();
    const logger = await createLogger({ file: { dir }, streams: [stream] });
    const secret = 'eJyr-distinctive-\\"sig';
    logger.redactor.register(secret);
    logger.info(`message quoting ${secret}`, {
      url: `https://x/v4?usersig=${encodeURIComponent(secret)}`,
      nested: { deeper: [secret] },
      err: new Error(`failed with ${secret}`, { cause: new Error(secret) }),
    });
    logger.warn('keyed', { userSig: 'never-registered-1', headers: { authorization: 'Bearer t0k3n' } });
    await logger.close();

    expect(lines).toHaveLength(2);
    const files = readdirSync(dir);
    expect(files).toEqual(['ferry.1.log']);
    const onDisk = readFileSync(join(dir, files[0]!), 'utf8');
    expect(onDisk).toBe(lines.join(''));
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    for (const text of [onDisk, ...lines]) {
      expect(text).not.toContain('distinctive');
      expect(text).not.toContain('never-registered-1');
      expect(text).not.toContain('t0k3n');
    }
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      level: 30,
      msg: 'message quoting [redacted]',
      nested: { deeper: ['[redacted]'] },
      err: { type: 'Error', message: 'failed with [redacted]', cause: { message: '[redacted]' } },
    });
    expect(first.url).toBe('https://x/v4?usersig=[redacted]');
    expect(JSON.parse(lines[1]!)).toMatchObject({
      userSig: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
  });

  it('rotates at the size cap and keeps a bounded number of files', async () => {
    const dir = tempDir();
    const logger = await createLogger({ file: { dir, maxFileBytes: 4096, maxFiles: 3 } });
    const filler = 'x'.repeat(200);
    for (let i = 0; i < 400; i++) {
      logger.info('line', { i, filler });
      if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await logger.flush();
    await logger.close();
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThan(4096 + 2 * 300);
    // The newest lines survive; the oldest were rotated away.
    const all = files.map((file) => readFileSync(join(dir, file), 'utf8')).join('');
    expect(all).toContain('"i":399');
    expect(all).not.toContain('"i":0,');
  });

  it('a logger with only a stream needs no file, and lines after close are dropped', async () => {
    const { lines, stream } = capture();
    const logger = await createLogger({ streams: [stream] });
    logger.error('one');
    await logger.close();
    logger.error('two');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['one']);
  });
});
