import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { candidatePaths, existingPaths, leadingArgCount } from '../../../main/electron/launch-paths.ts';
import { tempDir } from '../../support/temp.ts';

describe('launch paths (plain logic over a real temporary folder)', () => {
  it('skips the executable (and the app folder in development) and every switch', () => {
    expect(leadingArgCount(undefined)).toBe(1);
    expect(leadingArgCount(true)).toBe(2);
    expect(
      candidatePaths(
        ['/opt/Ferry/ferry', '--allow-file-access-from-files', 'a.png', '-psn_0_1234', '', 'dir/b.mov'],
        1,
      ),
    ).toEqual(['a.png', 'dir/b.mov']);
    expect(candidatePaths(['/usr/bin/electron', '.', 'a.png'], leadingArgCount(true))).toEqual(['a.png']);
  });

  it('reads file:// URLs as paths and ignores other URLs', () => {
    const file = pathToFileURL('/home/user/my photo.png').href;
    expect(candidatePaths(['ferry', file, 'https://evil.example/x.png', 'ferry://open'], 1)).toEqual([
      '/home/user/my photo.png',
    ]);
  });

  it('keeps only existing regular files and folders, absolute and without duplicates', async () => {
    const dir = tempDir('ferry-launch-');
    writeFileSync(join(dir, 'a.png'), 'a');
    mkdirSync(join(dir, 'folder'));
    symlinkSync(join(dir, 'a.png'), join(dir, 'link.png'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    const paths = await existingPaths(
      ['a.png', join(dir, 'a.png'), 'folder', 'link.png', 'dangling', 'nope.txt', '/dev/null'],
      dir,
    );
    expect(paths).toEqual([join(dir, 'a.png'), join(dir, 'folder'), join(dir, 'link.png')]);
  });
});
