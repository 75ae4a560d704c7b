import { closeSync, constants, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { z } from 'zod';
import {
  historyEntryViewSchema,
  linkKinds,
  secretDetailKeys,
  type HistoryDetails,
  type HistoryEntryView,
  type LinkView,
} from '../../shared/models.ts';
import { csvRecord, csvRows, spreadsheetSafe, spreadsheetUnsafe } from './csv.ts';
import { isStorableCreatedAt, type HistoryFilter, type HistoryStore } from './history-store.ts';
import { makePrivate } from './private-files.ts';

export type HistoryFileFormat = 'json' | 'csv';

export interface HistoryExportOptions {
  format: HistoryFileFormat;
  /** Only entries matching this filter (search, account, provider, type, dates). */
  filter?: HistoryFilter;
  /** Keep details listed in `secretDetailKeys` (share secrets). Off by default: exports get shared. */
  includeShareSecrets?: boolean;
  /**
   * CSV only, on by default: prefix cells that a spreadsheet would run as a formula (= + - @) with an
   * apostrophe. Ferry's import removes the prefix again.
   */
  spreadsheetSafe?: boolean;
}

export interface HistoryImportReport {
  /** Valid rows that were not in the history yet. */
  added: number;
  /** Valid rows whose id was already there: importing the same file twice changes nothing. */
  alreadyPresent: number;
  /** Rows that were not imported, by row number (CSV: the header is row 1; JSON: the array position, from 1). */
  rejected: { row: number; message: string }[];
}

/** Many rejected rows usually mean the wrong file: report the first ones, count the rest. */
const maxReportedRejections = 1000;
const batchSize = 500;

function withoutSecrets(entry: HistoryEntryView, includeShareSecrets: boolean): HistoryEntryView {
  if (includeShareSecrets) return entry;
  const details: HistoryDetails = {};
  for (const [key, value] of Object.entries(entry.details))
    if (!secretDetailKeys.includes(key)) details[key] = value;
  return { ...entry, details };
}

/** Write respecting backpressure, so a slow disk never makes the export buffer the whole history. */
async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function closeStream(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'close');
}

// ---- CSV columns --------------------------------------------------------------------------------

const baseColumns = [
  'id',
  'createdAt',
  'accountId',
  'providerId',
  'name',
  'size',
  'mimeType',
  'sha256',
  'remoteId',
  'thumbnailKey',
] as const;
const linkFacts = ['Url', 'Width', 'Height', 'Size'] as const;
const linkColumns = linkKinds.flatMap((kind) => linkFacts.map((fact) => `${kind}${fact}`));

type DetailType = 'string' | 'number' | 'boolean' | 'json';
const detailPrefix = 'details.';

/** A details column's header: `details.key`, or `details.key:number` etc. so import restores the type. */
function detailColumn(key: string, type: DetailType): string {
  return type === 'string' ? `${detailPrefix}${key}` : `${detailPrefix}${key}:${type}`;
}

function parseDetailColumn(header: string): { key: string; type: DetailType } | null {
  if (!header.startsWith(detailPrefix)) return null;
  const match = /^(.*):(number|boolean|json)$/s.exec(header.slice(detailPrefix.length));
  return match
    ? { key: match[1]!, type: match[2] as DetailType }
    : { key: header.slice(detailPrefix.length), type: 'string' };
}

function detailTypeOf(sqliteTypes: Set<string>): DetailType {
  const kinds = new Set(
    [...sqliteTypes].map((type) =>
      type === 'text'
        ? 'string'
        : type === 'integer' || type === 'real'
          ? 'number'
          : type === 'true' || type === 'false'
            ? 'boolean'
            : 'json',
    ),
  );
  // Mixed types in one key keep their JSON spelling, so nothing changes type on the way back.
  return kinds.size === 1 ? ([...kinds][0] as DetailType) : 'json';
}

function detailCell(value: string | number | boolean | undefined, type: DetailType): string {
  if (value === undefined) return '';
  return type === 'json' ? JSON.stringify(value) : String(value);
}

function csvCells(entry: HistoryEntryView, details: { key: string; type: DetailType }[]): string[] {
  const cells = [
    entry.id,
    new Date(entry.createdAt).toISOString(),
    entry.accountId,
    entry.providerId,
    entry.name,
    String(entry.size),
    entry.mimeType,
    entry.sha256,
    entry.remoteId,
    entry.thumbnailKey ?? '',
  ];
  for (const kind of linkKinds) {
    // One link per kind is what providers return; a second one of a kind would not fit the columns.
    const link = entry.links.find((candidate) => candidate.kind === kind);
    cells.push(
      link?.url ?? '',
      String(link?.width ?? ''),
      String(link?.height ?? ''),
      String(link?.size ?? ''),
    );
  }
  for (const { key, type } of details) cells.push(detailCell(entry.details[key], type));
  return cells;
}

// ---- export -------------------------------------------------------------------------------------

/**
 * Stream the history (or the filtered part of it) to `path`, a page at a time: at most one page of
 * entries is in memory whatever the history's size. Written to a temporary file and renamed at the
 * end, so a failed export never leaves a truncated file under the chosen name. Account secrets are not
 * in the history at all; share secrets (details in `secretDetailKeys`) only with `includeShareSecrets`.
 */
export async function exportHistory(
  history: HistoryStore,
  path: string,
  options: HistoryExportOptions,
): Promise<{ exported: number }> {
  const includeShareSecrets = options.includeShareSecrets ?? false;
  const partial = `${path}.partial`;
  // The history lists the user's files and links: readable by the user only (chmod below: umask-proof).
  const out = createWriteStream(partial, { encoding: 'utf8', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let exported = 0;
  try {
    const run = async (): Promise<void> => {
      if (options.format === 'json') {
        // One entry per line: readable, diffable, and what import streams line by line.
        await write(out, '[\n');
        for (const entry of history.scan(options.filter)) {
          await write(
            out,
            `${exported === 0 ? '' : ',\n'}${JSON.stringify(withoutSecrets(entry, includeShareSecrets))}`,
          );
          exported += 1;
        }
        await write(out, exported === 0 ? ']\n' : '\n]\n');
      } else {
        const safe = options.spreadsheetSafe ?? true;
        const details = [...history.detailKeyTypes()]
          .filter(([key]) => includeShareSecrets || !secretDetailKeys.includes(key))
          .map(([key, types]) => ({ key, type: detailTypeOf(types) }))
          .sort((a, b) => a.key.localeCompare(b.key));
        const header = [
          ...baseColumns,
          ...linkColumns,
          ...details.map(({ key, type }) => detailColumn(key, type)),
        ];
        const record = (cells: string[]): string => csvRecord(safe ? cells.map(spreadsheetSafe) : cells);
        await write(out, record(header));
        for (const entry of history.scan(options.filter)) {
          await write(out, record(csvCells(entry, details)));
          exported += 1;
        }
      }
      await closeStream(out);
    };
    await Promise.race([run(), failed]);
    makePrivate(partial);
    await rename(partial, path);
    return { exported };
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * A new export's file in `dir`, named by its time to the second (`ferry-history-<UTC time>.csv`), with
 * -2, -3, … when that name is taken: created empty (0600) and exclusively, so two exports in the same
 * second, even at once, never share a file. `exportHistory` then replaces it.
 */
export function claimExportPath(dir: string, format: HistoryFileFormat, now = new Date()): string {
  const stem = `ferry-history-${now.toISOString().replaceAll(':', '-').replace(/\..*$/, '')}`;
  const extension = format === 'json' ? 'jsonl' : 'csv';
  for (let n = 1; ; n++) {
    const path = join(dir, `${stem}${n === 1 ? '' : `-${n}`}.${extension}`);
    try {
      closeSync(openSync(path, 'wx', 0o600));
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

// ---- import -------------------------------------------------------------------------------------

/**
 * A JSON.parse failure in Ferry's words. V8's own message quotes the text it stopped at, and the file
 * may be anything the user picked (a key, a .env): errors describe a file, they never quote it.
 */
function notJson(error: unknown): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 'not valid JSON' : `not valid JSON (at character ${Number(position) + 1})`;
}

/** JSON.parse whose failure says where, never what (V8's error is dropped, not kept as a cause). */
function parseJson(text: string): { value: unknown } | { failure: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { failure: notJson(error) };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

class ImportBatch {
  readonly report: HistoryImportReport = { added: 0, alreadyPresent: 0, rejected: [] };
  #pending: HistoryEntryView[] = [];
  #rejectedCount = 0;
  readonly #history: HistoryStore;

  constructor(history: HistoryStore) {
    this.#history = history;
  }

  accept(row: number, candidate: unknown): void {
    const parsed = historyEntryViewSchema.safeParse(candidate);
    if (!parsed.success) {
      this.reject(row, describeIssues(parsed.error));
      return;
    }
    if (!isStorableCreatedAt(parsed.data.createdAt)) {
      this.reject(row, `createdAt: ${parsed.data.createdAt} is not a time the history can hold.`);
      return;
    }
    this.#pending.push(parsed.data);
    if (this.#pending.length >= batchSize) this.flush();
  }

  reject(row: number, message: string): void {
    this.#rejectedCount += 1;
    if (this.report.rejected.length < maxReportedRejections) this.report.rejected.push({ row, message });
  }

  /** Valid rows are kept even when others are rejected: one transaction per batch. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const added = this.#history.insertMissing(this.#pending);
    this.report.added += added;
    this.report.alreadyPresent += this.#pending.length - added;
    this.#pending = [];
  }

  finish(): HistoryImportReport {
    this.flush();
    const hidden = this.#rejectedCount - this.report.rejected.length;
    if (hidden > 0) this.report.rejected.push({ row: 0, message: `…and ${hidden} more rejected rows.` });
    return this.report;
  }
}

function numberCell(text: string): number | undefined | string {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  // Left as text so zod names the column in its message instead of a silent NaN.
  return Number.isFinite(value) ? value : text;
}

function detailValue(text: string, type: DetailType): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'number':
      return numberCell(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'json': {
      const parsed = parseJson(text);
      if ('failure' in parsed) throw new Error(parsed.failure);
      return parsed.value;
    }
  }
}

function createdAtCell(text: string): number | string {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : ms;
}

/** Map one CSV record (by header) back to the shape of a history entry, for zod to validate. */
function entryFromCsv(header: string[], fields: string[]): unknown {
  const cell = (name: string): string | undefined => {
    const index = header.indexOf(name);
    return index === -1 ? undefined : spreadsheetUnsafe(fields[index] ?? '');
  };
  const links: Partial<LinkView>[] = [];
  for (const kind of linkKinds) {
    const url = cell(`${kind}Url`);
    if (url === undefined || url === '') continue;
    const link: Record<string, unknown> = { kind, url };
    for (const fact of ['Width', 'Height', 'Size'] as const) {
      const value = numberCell(cell(`${kind}${fact}`) ?? '');
      if (value !== undefined) link[fact.toLowerCase()] = value;
    }
    links.push(link as Partial<LinkView>);
  }
  const details: Record<string, unknown> = {};
  header.forEach((name, index) => {
    const column = parseDetailColumn(name);
    const text = spreadsheetUnsafe(fields[index] ?? '');
    if (column === null || text === '') return;
    try {
      details[column.key] = detailValue(text, column.type);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
    }
  });
  const thumbnailKey = cell('thumbnailKey');
  return {
    id: cell('id'),
    createdAt: createdAtCell(cell('createdAt') ?? ''),
    accountId: cell('accountId'),
    providerId: cell('providerId'),
    name: cell('name'),
    size: numberCell(cell('size') ?? ''),
    mimeType: cell('mimeType'),
    sha256: cell('sha256'),
    remoteId: cell('remoteId'),
    ...(thumbnailKey !== undefined && thumbnailKey !== '' && { thumbnailKey }),
    links,
    details,
  };
}

async function importCsv(batch: ImportBatch, file: FileHandle): Promise<void> {
  let header: string[] | null = null;
  for await (const { row, fields } of csvRows(readFromStart(file))) {
    if (header === null) {
      header = fields.map(spreadsheetUnsafe);
      const missing = baseColumns.filter((name) => name !== 'thumbnailKey' && !header!.includes(name));
      if (missing.length > 0)
        throw new Error(`Not a Ferry history CSV: no column ${missing.join(', ')} in row 1.`);
      continue;
    }
    try {
      batch.accept(row, entryFromCsv(header, fields));
    } catch (error) {
      batch.reject(row, (error as Error).message);
    }
  }
}

/**
 * Ferry writes one entry per line between "[" and "]"; such files are read line by line (memory stays
 * flat). Any other JSON array (pretty-printed, one line) is parsed whole.
 */
async function importJson(batch: ImportBatch, file: FileHandle): Promise<void> {
  const input = Readable.from(readFromStart(file));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  let state: 'start' | 'entries' | 'done' | 'other' = 'start';
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (state === 'start') {
      state = line === '[' ? 'entries' : 'other';
      if (state === 'other') break;
      continue;
    }
    if (state === 'done') throw new Error('Unexpected text after the closing "]".');
    if (line === ']') {
      state = 'done';
      continue;
    }
    // Ferry's entries start at the first column; an indented one is a pretty-printed array's.
    if (row === 0 && !raw.startsWith('{')) {
      state = 'other';
      break;
    }
    row += 1;
    const text = line.endsWith(',') ? line.slice(0, -1) : line;
    const parsed = parseJson(text);
    if ('failure' in parsed) {
      if (row === 1) {
        // A pretty-printed entry spans lines: not Ferry's layout, so read the file as a whole.
        state = 'other';
        break;
      }
      batch.reject(row, `This row is ${parsed.failure}.`);
      continue;
    }
    batch.accept(row, parsed.value);
  }
  lines.close();
  input.destroy();
  if (state === 'entries') throw new Error('The JSON array is not closed: the file looks truncated.');
  if (state !== 'other') return;
  let text = '';
  for await (const chunk of readFromStart(file)) text += chunk;
  const parsed = parseJson(text);
  if ('failure' in parsed) throw new Error(`Not a Ferry history JSON file: it is ${parsed.failure}.`);
  const whole = parsed.value;
  if (!Array.isArray(whole)) throw new Error('Not a Ferry history JSON file: expected an array of entries.');
  whole.forEach((candidate, index) => batch.accept(index + 1, candidate));
}

/**
 * Import entries exported by Ferry (JSON or CSV). Every row is validated; bad rows are reported with
 * their row numbers and skipped, good rows are kept. Idempotent: an id already in the history is left
 * as it is. Throws only when the file as a whole is not a history export.
 */
export async function importHistory(
  history: HistoryStore,
  path: string,
  format: HistoryFileFormat,
): Promise<HistoryImportReport> {
  // Non-blocking, so that opening a FIFO returns (reading one would wait for a writer forever); the
  // file is then judged by what was opened, and read only through this handle.
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new NotARegularFileError(info.isDirectory());
    const batch = new ImportBatch(history);
    try {
      if (format === 'csv') await importCsv(batch, file);
      else await importJson(batch, file);
    } finally {
      // Rows validated before a fatal error stay imported, like the batches before them.
      batch.flush();
    }
    return batch.finish();
  } finally {
    await file.close();
  }
}

/** An import path that names a folder, a pipe, a socket or a device: nothing to import from. */
export class NotARegularFileError extends Error {
  readonly isDirectory: boolean;
  constructor(isDirectory: boolean) {
    super(isDirectory ? 'a folder, not a file' : 'not a regular file (a pipe, socket or device)');
    this.name = 'NotARegularFileError';
    this.isDirectory = isDirectory;
  }
}

/**
 * The file's text from byte 0, read by position through the handle, so that each pass sees all of it
 * and stopping early closes nothing (a file stream would close the handle when destroyed).
 */
async function* readFromStart(file: FileHandle): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    yield decoder.write(buffer.subarray(0, bytesRead));
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}
