import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../shared/models.ts';
import type { LocalItem } from '../../../renderer/models/local-item.ts';
import {
  doneHistoryIds,
  queueItems,
  queueSections,
  sectionCounts,
  type Batch,
} from '../../../renderer/models/queue-sections.ts';

const task = (id: string, createdAt: number, state: TaskView['state'] = 'queued'): TaskView => ({
  id,
  accountId: 'a',
  path: `/x/${id}`,
  name: `${id}.txt`,
  size: 10,
  state,
  transferredBytes: 0,
  bytesPerSecond: null,
  etaSeconds: null,
  error: null,
  historyId: state === 'done' ? `h-${id}` : null,
  createdAt,
  updatedAt: createdAt,
});

const staging = (id: string): LocalItem => ({
  id,
  name: `${id}.txt`,
  size: 1,
  state: 'staging',
  error: null,
  reason: null,
});

const batch = (id: string, createdAt: number, slots: string[], open = false): Batch => ({
  id,
  createdAt,
  slots,
  open,
});

describe('queue sections', () => {
  it('puts the newest batch first and keeps each batch in input order', () => {
    const tasks = { t1: task('t1', 1_000), t2: task('t2', 1_000), t3: task('t3', 5_000) };
    const sections = queueSections(
      [batch('b1', 1_000, ['t2', 't1']), batch('b2', 5_000, ['t3', 'l1'])],
      ['t1', 't2', 't3'],
      tasks,
      [staging('l1')],
    );
    expect(sections.map((section) => [section.id, section.keys])).toEqual([
      ['b2', ['t3', 'l1']],
      ['b1', ['t2', 't1']],
    ]);
    expect(queueItems(sections, [staging('l1')]).map((item) => `${item.kind}:${item.key}`)).toEqual([
      'header:header-b2',
      'task:t3',
      'local:l1',
      'header:header-b1',
      'task:t2',
      'task:t1',
    ]);
  });

  it('groups tasks no batch of this window knows by when they were created', () => {
    const tasks = { a: task('a', 1_000), b: task('b', 1_500), c: task('c', 60_000) };
    const sections = queueSections([], ['a', 'b', 'c'], tasks, []);
    expect(sections.map((section) => section.keys)).toEqual([['c'], ['a', 'b']]);
  });

  it('holds back tasks newer than an open batch until the batch has claimed its own', () => {
    const tasks = { old: task('old', 1_000), fresh: task('fresh', 10_000) };
    const open = queueSections([batch('b', 10_000, ['l1', 'l2'], true)], ['old', 'fresh'], tasks, [
      staging('l1'),
      staging('l2'),
    ]);
    expect(open.map((section) => section.keys)).toEqual([['l1', 'l2'], ['old']]);
    const claimed = queueSections([batch('b', 10_000, ['fresh', 'l2'], false)], ['old', 'fresh'], tasks, [
      staging('l2'),
    ]);
    expect(claimed.map((section) => section.keys)).toEqual([['fresh', 'l2'], ['old']]);
  });

  it('counts files being handed over, and copies only the finished rows, in order', () => {
    const tasks = { t1: task('t1', 1, 'done'), t2: task('t2', 1, 'failed'), t3: task('t3', 1, 'done') };
    const [section] = queueSections([batch('b', 1, ['t3', 't2', 'l1', 't1'])], ['t1', 't2', 't3'], tasks, [
      staging('l1'),
    ]);
    expect(sectionCounts(section!, tasks, [staging('l1')])).toEqual({
      total: 4,
      done: 2,
      failed: 1,
      handingOver: 1,
    });
    expect(doneHistoryIds(section!.keys, tasks)).toEqual(['h-t3', 'h-t1']);
  });
});
