import { describe, expect, it } from 'vitest';
import {
  finishedLine,
  fit,
  formatBytes,
  formatEta,
  historyLine,
  progressLine,
  toFileResult,
} from '../../../main/cli/format.ts';
import type { HistoryEntryView, TaskView } from '../../../shared/models.ts';

function task(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: 't1',
    accountId: 'acc',
    path: '/files/movie.mp4',
    name: 'movie.mp4',
    size: 10 * 1024 * 1024,
    state: 'uploading',
    transferredBytes: 5 * 1024 * 1024,
    bytesPerSecond: 1024 * 1024,
    etaSeconds: 5,
    error: null,
    historyId: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

const entry: HistoryEntryView = {
  id: 'h1',
  accountId: 'acc',
  providerId: 'tencent-im',
  name: 'movie.mp4',
  size: 10 * 1024 * 1024,
  mimeType: 'video/mp4',
  sha256: 'ab'.repeat(32),
  remoteId: 'uuid-1',
  links: [
    { kind: 'small', url: 'http://x/small' },
    { kind: 'original', url: 'http://x/original' },
  ],
  details: {},
  createdAt: 0,
};

describe('formatting', () => {
  it('formats sizes in binary units and ETAs as clock times', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(30 * 1024 * 1024)).toBe('30.0 MiB');
    expect(formatEta(null)).toBe('--:--');
    expect(formatEta(4.2)).toBe('0:05');
    expect(formatEta(3725)).toBe('1:02:05');
  });

  it('draws a progress line with name, percent, bytes, speed and ETA within the width', () => {
    const line = progressLine(task(), 100);
    expect(line).toMatch(/^movie\.mp4 +\[#{8}-{8}\] {2}50% {2}5\.0 MiB\/10\.0 MiB +1\.0 MiB\/s +ETA 0:05$/);
    expect([...progressLine(task({ name: 'x'.repeat(200) }), 60)].length).toBeLessThanOrEqual(60);
    expect(progressLine(task({ state: 'hashing', transferredBytes: 0 }), 100)).toMatch(/ {2}0% {2}hashing$/);
    expect(fit('abcdef', 4)).toBe('abc…');
  });

  it('turns a done task and its history entry into the JSON result, original link first', () => {
    const result = toFileResult(task({ state: 'done', historyId: 'h1' }), entry);
    expect(result).toEqual({
      path: '/files/movie.mp4',
      status: 'done',
      name: 'movie.mp4',
      size: 10 * 1024 * 1024,
      links: entry.links,
      remoteId: 'uuid-1',
      sha256: entry.sha256,
      error: null,
    });
    expect(finishedLine(result)).toBe('done      movie.mp4 (10.0 MiB)  http://x/original');
  });

  it('keeps the provider’s own words in a failed result and line', () => {
    const failed = toFileResult(
      task({
        state: 'failed',
        error: {
          code: 'provider-rejected',
          message: 'Tencent refused the slice.',
          providerMessage: 'slice rejected',
          providerCode: '-8',
        },
      }),
      undefined,
    );
    expect(failed).toMatchObject({
      status: 'failed',
      links: [],
      remoteId: null,
      sha256: null,
      error: {
        code: 'provider-rejected',
        message: 'Tencent refused the slice.',
        providerMessage: 'slice rejected',
      },
    });
    expect(failed.error).not.toHaveProperty('providerCode');
    expect(finishedLine(failed)).toBe(
      'failed    movie.mp4 (10.0 MiB)  Tencent refused the slice. (slice rejected) [provider-rejected]',
    );
  });

  it('writes hidden characters of names, and of what a provider said, as escapes a terminal cannot act on', () => {
    const name = 'photo\u202Egnp.exe';
    const shown = 'photo\\u202Egnp.exe';
    expect(progressLine(task({ name }), 120)).toContain(shown);
    expect(historyLine({ ...entry, name })).toContain(`  ${shown}  `);
    const done = toFileResult(task({ name, state: 'done' }), { ...entry, name });
    expect(finishedLine(done)).toMatch(/^done {6}photo\\u202Egnp\.exe \(/);
    // ESC [ 2 J would clear the screen; a provider's words are not trusted more than a name.
    const failed = toFileResult(
      task({
        name: 'a\u001b[2J.txt',
        state: 'failed',
        error: { code: 'provider-rejected', message: 'refused', providerMessage: 'bad\u001b]0;pwned\u0007' },
      }),
      undefined,
    );
    const line = finishedLine(failed);
    expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(line).toContain('a\\u001B[2J.txt');
    expect(line).toContain('bad\\u001B]0;pwned\\u0007');
  });
});
