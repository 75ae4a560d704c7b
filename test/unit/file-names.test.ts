import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../main/file-names.ts';

describe('safeFileName', () => {
  it('keeps only the last segment of a POSIX or Windows path', () => {
    expect(safeFileName('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('notes/')).toBe('file');
  });

  it('gives "file" for names that mean a folder or nothing', () => {
    for (const name of ['', '.', '..', '   ', 'a/..']) expect(safeFileName(name)).toBe('file');
  });

  it('replaces control characters and characters Windows refuses', () => {
    expect(safeFileName('evil\u0001\u007f.txt')).toBe('evil__.txt');
    expect(safeFileName('a<b>c:d"e|f?g*.png')).toBe('a_b_c_d_e_f_g_.png');
  });

  it('keeps a name at most 200 characters long', () => {
    expect(safeFileName(`${'x'.repeat(300)}.jpg`)).toHaveLength(200);
    expect(safeFileName('照片 2026.heic')).toBe('照片 2026.heic');
  });
});
