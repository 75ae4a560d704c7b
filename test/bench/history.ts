// History at scale: fill 100,000 entries into a temporary database, then time searches and filtered
// first/next pages (p50/p95 over random queries). Goal: p95 < 20 ms, so the history screen feels instant.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckedDatabase, openDatabase } from '../../main/store/database.ts';
import { HistoryStore, mediaKinds, type HistoryQuery } from '../../main/store/history-store.ts';
import type { HistoryEntryView, LinkView } from '../../shared/models.ts';
import { tempDir } from '../support/temp.ts';

export interface HistoryBenchOptions {
  entries?: number;
  queries?: number;
  seed?: number;
}

export interface LatencyStats {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface HistoryBenchResult {
  entries: number;
  insertPerSecond: number;
  openWithQuickCheckMs: number;
  search: LatencyStats;
  searchNextPage: LatencyStats;
  filteredFirstPage: LatencyStats;
  filteredNextPage: LatencyStats;
  searchWithFilters: LatencyStats;
}

/** Deterministic (mulberry32), so two runs query the same things. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const accounts = ['acc-main', 'acc-test', 'acc-ops', 'acc-old', 'acc-sandbox'];
const providers = ['tencent-im', 'easemob', 's3', 'tus', 'im-file-api'];
const cjkWords = ['报告', '截图', '会议纪要', '合同扫描件', '产品原型', '照片', '发票', '设计稿'];
const mimeTypes = [
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['video/mp4', 'mp4'],
  ['audio/mpeg', 'mp3'],
  ['application/pdf', 'pdf'],
  ['application/zip', 'zip'],
] as const;

function makeEntry(
  next: () => number,
  i: number,
  total: number,
  start: number,
  span: number,
): HistoryEntryView {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const [mimeType, ext] = pick(mimeTypes);
  // Uploads arrive over time, a few at the same moment: roughly ascending, as a real history grows.
  const createdAt = start + Math.floor((i / total) * span + next() * 5000);
  const date = new Date(createdAt).toISOString().slice(0, 10);
  const shape = next();
  const name =
    shape < 0.4
      ? `IMG_${date}_${String(i).padStart(6, '0')}.${ext}`
      : shape < 0.7
        ? `${pick(cjkWords)}-${date}-${i}.${ext}`
        : `export ${pick(['final', 'draft', 'v2', 'review'])} (${i}).${ext}`;
  const remoteId = `${Math.floor(next() * 1e7)}_${randomUUID().replaceAll('-', '').toUpperCase()}`;
  const base = `https://files.example.com/${pick(accounts)}/${remoteId}`;
  const links: LinkView[] = [{ kind: 'original', url: `${base}/${encodeURIComponent(name)}` }];
  if (mimeType.startsWith('image/')) {
    links.push({ kind: 'small', url: `${base}/small.jpg`, width: 198, height: 198 });
    links.push({ kind: 'large', url: `${base}/large.jpg`, width: 720, height: 720 });
  }
  return {
    id: randomUUID(),
    accountId: pick(accounts),
    providerId: pick(providers),
    name,
    size: Math.floor(next() * 50_000_000),
    mimeType,
    sha256: randomUUID().replaceAll('-', '').repeat(2),
    remoteId,
    links,
    details: next() < 0.2 ? { shareSecret: randomUUID(), width: 640, height: 480 } : {},
    createdAt,
  };
}

const end = Date.UTC(2025, 0, 1);
const span = 2 * 365 * 24 * 3600 * 1000;

/** Insert `total` entries over two years in batches (one transaction each); returns ~2,000 of them. */
export function fillHistory(history: HistoryStore, total: number, next: () => number): HistoryEntryView[] {
  const sample: HistoryEntryView[] = [];
  const batch = 1000;
  for (let i = 0; i < total; i += batch) {
    const entries = Array.from({ length: Math.min(batch, total - i) }, (_, j) =>
      makeEntry(next, i + j, total, end - span, span),
    );
    history.insertMissing(entries);
    for (const entry of entries) if (next() < 2000 / total) sample.push(entry);
  }
  return sample;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return { count: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) };
}

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
}

export async function benchHistory(options: HistoryBenchOptions = {}): Promise<HistoryBenchResult> {
  const total = options.entries ?? 100_000;
  const queryCount = Math.max(200, options.queries ?? 300);
  const next = random(options.seed ?? 42);
  const dir = tempDir('ferry-bench-history-');
  const file = join(dir, 'ferry.db');
  try {
    const db = openDatabase(file);
    const insertStart = performance.now();
    const sample = fillHistory(new HistoryStore(db), total, next);
    const insertPerSecond = Math.round(total / ((performance.now() - insertStart) / 1000));
    db.close();

    // Reopen the way the app does at start, so the integrity check's cost at this size is on record.
    const [reopened, openWithQuickCheckMs] = timed(() => openCheckedDatabase(file).db);
    const store = new HistoryStore(reopened);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const substring = (text: string): string => {
      const chars = [...text];
      const length = 3 + Math.floor(next() * 6);
      const start = Math.floor(next() * Math.max(1, chars.length - length));
      return chars.slice(start, start + length).join('');
    };
    const randomSearch = (): string => {
      const entry = pick(sample);
      const source = next();
      if (source < 0.6) return substring(entry.name);
      if (source < 0.8) return substring(entry.links[0]!.url);
      return substring(entry.remoteId);
    };
    const randomFilter = (): HistoryQuery => {
      const filter: HistoryQuery = {};
      if (next() < 0.5) filter.accountId = pick(accounts);
      if (next() < 0.4) filter.providerId = pick(providers);
      if (next() < 0.5) filter.type = pick(mediaKinds);
      if (next() < 0.4) {
        filter.from = end - span + Math.floor(next() * span);
        filter.to = filter.from + Math.floor(next() * 60) * 24 * 3600 * 1000;
      }
      return filter;
    };

    const search: number[] = [];
    const searchNext: number[] = [];
    const filteredFirst: number[] = [];
    const filteredNext: number[] = [];
    const searchFiltered: number[] = [];
    for (let i = 0; i < queryCount; i++) {
      const text = randomSearch();
      const [first, ms] = timed(() => store.query({ search: text, limit: 100 }));
      search.push(ms);
      if (first.nextCursor !== null) {
        searchNext.push(timed(() => store.query({ search: text, cursor: first.nextCursor!, limit: 100 }))[1]);
      }
      const filter = randomFilter();
      const [page, filterMs] = timed(() => store.query({ ...filter, limit: 100 }));
      filteredFirst.push(filterMs);
      if (page.nextCursor !== null) {
        filteredNext.push(timed(() => store.query({ ...filter, cursor: page.nextCursor!, limit: 100 }))[1]);
      }
      searchFiltered.push(
        timed(() => store.query({ ...randomFilter(), search: randomSearch(), limit: 100 }))[1],
      );
    }
    reopened.close();
    return {
      entries: total,
      insertPerSecond,
      openWithQuickCheckMs: Number(openWithQuickCheckMs.toFixed(1)),
      search: stats(search),
      searchNextPage: stats(searchNext),
      filteredFirstPage: stats(filteredFirst),
      filteredNextPage: stats(filteredNext),
      searchWithFilters: stats(searchFiltered),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
