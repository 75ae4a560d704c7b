import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../shared/contract.ts';
import { NoticeFile } from '../../../main/store/notice-file.ts';
import { tempDir } from '../../support/temp.ts';

const notice = (id: string): Notice => ({ id, kind: 'database-reset', message: `m ${id}`, createdAt: 1 });

describe('NoticeFile', () => {
  it('keeps notices across instances until each is dismissed', () => {
    const file = join(tempDir(), 'notices.json');
    new NoticeFile(file).add(notice('a'));
    new NoticeFile(file).add(notice('b'));
    const reopened = new NoticeFile(file);
    expect(reopened.list()).toEqual([notice('a'), notice('b')]);
    expect(reopened.dismiss('a')).toBe(true);
    expect(reopened.dismiss('a')).toBe(false);
    expect(new NoticeFile(file).list()).toEqual([notice('b')]);
  });

  it('reads a missing or damaged file as no notices, and writes over a damaged one', () => {
    const file = join(tempDir(), 'notices.json');
    expect(new NoticeFile(file).list()).toEqual([]);
    for (const garbage of ['{not json', '[{"id": 1}]', '"text"']) {
      writeFileSync(file, garbage);
      const notices = new NoticeFile(file);
      expect(notices.list()).toEqual([]);
      notices.add(notice('c'));
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([notice('c')]);
    }
  });
});
