import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  csvRecord,
  parseCsv,
  spreadsheetSafe,
  spreadsheetUnsafe,
} from '../../../main/store/csv.ts';
import {
  exportHistory,
  importHistory,
  type HistoryFileFormat,
} from '../../../main/store/history-transfer.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { historyEntry, openHistory } from './history-fixtures.ts';

describe('CSV (RFC 4180)', () => {
  it('quotes only what needs it and parses its own output back, across any chunking', () => {
    const rows = [
      ['plain', 'with, comma', 'with "quotes"', 'line\r\nbreak', 'lf\nonly', '', '季度报告.pdf'],
      ['"', ',', '\r', 'end'],
    ];
    const text = rows.map(csvRecord).join('');
    expect(text.split('\r\n')[0]).toBe('plain,"with, comma","with ""quotes""","line');
    expect(parseCsv(text)).toEqual(rows);
    // One character at a time: quotes and CRLF split across chunks.
    const parser = new CsvParser();
    const records = [...text].flatMap((char) => parser.push(char)).concat(parser.end());
    expect(records.map((record) => record.fields)).toEqual(rows);
    expect(records.map((record) => record.row)).toEqual([1, 2]);
  });

  it('accepts LF line ends, a BOM, a last line without a break, and skips blank lines', () => {
    expect(parseCsv('\uFEFFa,b\n\n1,"2"\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reports a quoted field that never closes', () => {
    expect(() => parseCsv('a,"open\n')).toThrow(/never closed/);
  });

  it('defuses spreadsheet formulas and undoes it exactly', () => {
    for (const value of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', "'=already", "''+x", 'normal', "it's"]) {
      const safe = spreadsheetSafe(value);
      expect(/^[=+\-@]/.test(safe)).toBe(false);
      expect(spreadsheetUnsafe(safe)).toBe(value);
    }
    expect(spreadsheetSafe('=1+1')).toBe("'=1+1");
  });
});

const tricky: HistoryEntryView[] = [
  historyEntry({
    id: 'img-1',
    name: 'holiday, "best" shot\nsecond line 季度报告.png',
    mimeType: 'image/png',
    size: 123_456,
    links: [
      {
        kind: 'original',
        url: 'https://cdn.example.com/a,b/"q".png',
        width: 800,
        height: 600,
        size: 123_456,
      },
      { kind: 'small', url: 'https://cdn.example.com/s.png', width: 198, height: 148 },
      { kind: 'large', url: 'https://cdn.example.com/l.png', width: 720, height: 540 },
    ],
    details: { shareSecret: 'sekrit-123', fileName: '=cmd|calc', width: 800, flag: true, note: '-5' },
    thumbnailKey: 'c'.repeat(64),
    createdAt: 1_714_521_600_123,
  }),
  historyEntry({
    id: 'file-2',
    accountId: 'acc-b',
    providerId: 'easemob',
    name: '会议纪要.docx',
    links: [{ kind: 'download', url: 'https://dl.example.com/x?y=1&z=2' }],
    // Mixed types under one key survive the CSV round trip.
    details: { flag: 'yes', entityId: '00123' },
    createdAt: 1_714_521_700_000,
  }),
  historyEntry({ id: 'plain-3', details: {}, createdAt: 1_714_521_800_000 }),
];

function stripSecret(entry: HistoryEntryView): HistoryEntryView {
  const { shareSecret: _dropped, ...details } = entry.details;
  return { ...entry, details };
}

describe.each(['json', 'csv'] as HistoryFileFormat[])('history export/import (%s)', (format) => {
  it('round-trips every field (commas, quotes, newlines, CJK), without share secrets by default', async () => {
    const source = openHistory();
    source.history.insertMissing(tricky);
    const file = join(source.dir, `history.${format}`);
    expect(await exportHistory(source.history, file, { format })).toEqual({ exported: 3 });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('sekrit-123');
    if (format === 'csv') {
      expect(text).toContain("'=cmd|calc"); // defused for spreadsheets
      expect(text).toContain("'-5");
    }

    const target = openHistory();
    const report = await importHistory(target.history, file, format);
    expect(report).toEqual({ added: 3, alreadyPresent: 0, rejected: [] });
    for (const entry of tricky) expect(target.history.get(entry.id)).toEqual(stripSecret(entry));
    // Imported entries are searchable at once (the FTS triggers ran).
    expect(target.history.query({ search: '季度报告' }).entries.map((entry) => entry.id)).toEqual(['img-1']);
    expect(target.history.query({ search: 'z=2' }).entries.map((entry) => entry.id)).toEqual(['file-2']);

    // Idempotent by id.
    expect(await importHistory(target.history, file, format)).toEqual({
      added: 0,
      alreadyPresent: 3,
      rejected: [],
    });
    expect(target.history.count()).toBe(3);
  });

  it('keeps share secrets when asked, and exports only the filtered entries', async () => {
    const source = openHistory();
    source.history.insertMissing(tricky);
    const file = join(source.dir, `secrets.${format}`);
    await exportHistory(source.history, file, {
      format,
      includeShareSecrets: true,
      filter: { type: 'image' },
    });
    const target = openHistory();
    expect(await importHistory(target.history, file, format)).toMatchObject({ added: 1 });
    expect(target.history.get('img-1')?.details.shareSecret).toBe('sekrit-123');
  });
});

describe('history import of damaged files', () => {
  it('JSON: keeps the good rows and reports the bad ones by position', async () => {
    const { history, dir } = openHistory();
    const file = join(dir, 'bad.json');
    const good = (id: string): string => JSON.stringify(historyEntry({ id }));
    writeFileSync(
      file,
      [
        '[',
        `${good('ok-1')},`,
        '{"id": "broken",',
        `${JSON.stringify({ ...historyEntry({ id: 'neg' }), size: -1 })},`,
        `${good('ok-2')}`,
        ']',
      ].join('\n'),
    );
    const report = await importHistory(history, file, 'json');
    expect(report.added).toBe(2);
    expect(report.rejected.map((rejection) => rejection.row)).toEqual([2, 3]);
    expect(report.rejected[0]!.message).toMatch(/JSON/);
    expect(report.rejected[1]!.message).toMatch(/size/);
    expect(history.get('ok-2')).toBeDefined();
  });

  it('JSON: a pretty-printed array is accepted too', async () => {
    const { history, dir } = openHistory();
    const file = join(dir, 'pretty.json');
    writeFileSync(file, JSON.stringify([historyEntry({ id: 'p1' }), { id: 'p2' }], null, 2));
    const report = await importHistory(history, file, 'json');
    expect(report.added).toBe(1);
    expect(report.rejected.map((rejection) => rejection.row)).toEqual([2]);
  });

  it('CSV: reports rows by spreadsheet row number (header = 1) and keeps the rest', async () => {
    const source = openHistory();
    source.history.insertMissing(tricky);
    const file = join(source.dir, 'h.csv');
    await exportHistory(source.history, file, { format: 'csv' });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    // Row 2 is the newest entry (plain-3): break its size and its date.
    const header = parseCsv(`${lines[0]!}\r\n`)[0]!;
    const fields = parseCsv(`${lines[1]!}\r\n`)[0]!;
    fields[header.indexOf('size')] = 'big';
    fields[header.indexOf('createdAt')] = 'yesterday';
    writeFileSync(file, [lines[0]!, csvRecord(fields).trimEnd(), ...lines.slice(2)].join('\r\n'));
    const target = openHistory();
    const report = await importHistory(target.history, file, 'csv');
    expect(report.added).toBe(2);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.row).toBe(2);
    expect(report.rejected[0]!.message).toMatch(/size/);
    expect(report.rejected[0]!.message).toMatch(/createdAt/);
  });

  // Errors describe the file, they never quote it: a user who picks the wrong file (a key, a .env)
  // must not see, or pass on in a bug report, what it holds.
  const secret = 'sk_live_51HxQvTq8ZkVrB2nYpLm0cR9a';
  it.each([
    ['json', 'the whole file', `${secret}\n`],
    ['json', 'a pretty-printed array', `[\n  "${secret}"\n`],
    [
      'json',
      'a row that is not JSON',
      `[\n${JSON.stringify(historyEntry({ id: 'ok' }))},\n{"id": ${secret}}\n]\n`,
    ],
    [
      'json',
      'a key of a row',
      `[\n${JSON.stringify({ ...historyEntry({ id: 'k' }), size: 'x', [secret]: 1 })}\n]\n`,
    ],
    ['json', 'a value of a row', `[\n${JSON.stringify({ ...historyEntry({ id: 'v' }), size: secret })}\n]\n`],
    ['csv', 'the whole file', `${secret}\r\n`],
    ['csv', 'an unclosed quote', `"${secret}`],
  ] as const)(
    '%s: %s that is not a history export is described, not quoted',
    async (format, _what, content) => {
      const { history, dir } = openHistory();
      const file = join(dir, `wrong.${format}`);
      writeFileSync(file, content);
      const outcome = await importHistory(history, file, format).then(
        (report) => JSON.stringify(report),
        (error: unknown) => (error as Error).message,
      );
      expect(outcome.length).toBeGreaterThan(0);
      expect(outcome).not.toContain(secret.slice(0, 8));
    },
  );

  it('CSV: a details cell that is not JSON is described, not quoted', async () => {
    const source = openHistory();
    source.history.insertMissing([historyEntry({ id: 'd1' })]);
    const file = join(source.dir, 'h.csv');
    await exportHistory(source.history, file, { format: 'csv' });
    // A JSON-typed details column, as an export writes for values of mixed types, holding no JSON.
    const [header, row] = readFileSync(file, 'utf8').split('\r\n');
    writeFileSync(file, `${header!},details.extra:json\r\n${row!},"{""k"": ${secret}}"\r\n`);
    const report = await importHistory(openHistory().history, file, 'csv');
    expect(report.rejected).toHaveLength(1);
    expect(JSON.stringify(report)).not.toContain(secret.slice(0, 8));
  });

  it('refuses a CSV that is not a history export', async () => {
    const { history, dir } = openHistory();
    const file = join(dir, 'other.csv');
    writeFileSync(file, 'a,b\r\n1,2\r\n');
    await expect(importHistory(history, file, 'csv')).rejects.toThrow(/Not a Ferry history CSV/);
  });
});
