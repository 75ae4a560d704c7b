/**
 * `npm test` step: checks the built app (out/, or the folder given as the first argument) and fails on
 * anything not proven safe:
 * 1. Node must parse the main and preload bundles.
 * 2. scripts/web-preferences-check.ts: every window's webPreferences, key by key.
 * 3. electronegativity (Doyensec's Electron security linter) over the whole build, offline
 *    (scripts/electronegativity-offline.cjs): every file it should read must have been read and walked
 *    without error, and every finding, whatever its severity, must be justified in docs/security.md by
 *    its check, its file and the code it points at. A justification covers one finding: a second
 *    finding of the same code fails, and so does a justification whose finding is gone.
 * Electronegativity exits 0 whatever it finds and, with `-o`, says nothing about files it skipped, so
 * its CSV report and the shim's scan log are read here.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, matchesGlob, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { checkBuildWebPreferences } from './web-preferences-check.ts';

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  /** Relative to the scanned folder (out/...), or N/A for global checks. */
  file: string;
  location: string;
  /** The flagged line of code, trimmed; N/A for global checks. */
  sample: string;
  description: string;
}

export interface Justification {
  check: string;
  /** A path or glob (`*`, for the hashed names of chunks) relative to the scanned folder, or N/A. */
  file: string;
  /** A piece of the flagged line (the finding's sample), whitespace collapsed; N/A for global checks. */
  code: string;
  reason: string;
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('Malformed electronegativity CSV: a quoted field never ends.');
  row.push(field);
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}

const expectedHeader = [
  'issue',
  'severity',
  'confidence',
  'filename',
  'location',
  'sample',
  'description',
  'url',
];
const knownSeverities = new Set(['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']);

/** electronegativity's `-o report.csv`; refuses anything else rather than passing on a garbled report. */
export function parseElectronegativityCsv(text: string): Finding[] {
  const [header, ...rows] = parseCsvRows(text);
  if (header === undefined || header.map((name) => name.trim()).join() !== expectedHeader.join())
    throw new Error(`Unexpected electronegativity CSV header: ${JSON.stringify(header)}`);
  return rows.map((row) => {
    if (row.length !== expectedHeader.length || !knownSeverities.has(row[1]!))
      throw new Error(`Malformed electronegativity CSV row: ${JSON.stringify(row)}`);
    return {
      check: row[0]!,
      severity: row[1]!,
      confidence: row[2]!,
      file: row[3]!.replaceAll('\\', '/'),
      location: row[4]!,
      sample: row[5]!,
      description: row[6]!,
    };
  });
}

/**
 * The justification table of docs/security.md: the rows after the heading "Electronegativity findings",
 * `| CHECK_ID | file or glob | code | reason |`. A row with an empty reason justifies nothing.
 */
export function parseJustifications(markdown: string): Justification[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#+\s+Electronegativity findings\b/i.test(line));
  if (start === -1) return [];
  const justifications: Justification[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+\s/.test(line)) break;
    const cells = line.trim().startsWith('|')
      ? line
          .trim()
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim())
      : [];
    if (cells.length < 4) continue;
    // Markdown escapes (`\*`, `\_`, `\|`) and code spans are how the cells are written, not part of the value.
    const [check, file, code, ...reasonParts] = cells.map((cell) =>
      cell.replace(/^`(.*)`$/, '$1').replace(/\\([*_`|])/g, '$1'),
    );
    const reason = reasonParts.join('|').trim();
    if (!/^[A-Z0-9_]+$/.test(check!) || reason === '' || code === '') continue; // header, separator, or unjustified
    justifications.push({ check: check!, file: file!, code: code!, reason });
  }
  return justifications;
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

function covers(justification: Justification, finding: Finding): boolean {
  if (justification.check.toUpperCase() !== finding.check.toUpperCase()) return false;
  const sameFile =
    justification.file === finding.file ||
    (finding.file !== 'N/A' &&
      justification.file.includes('*') &&
      matchesGlob(finding.file, justification.file));
  return sameFile && collapse(finding.sample).includes(collapse(justification.code));
}

export interface Review {
  /** Findings no justification covers, of any severity. */
  unjustified: Finding[];
  /** Justifications that cover no finding: the code changed, or the problem is gone. */
  stale: Justification[];
}

/**
 * A justification covers exactly one finding: the one of its check, in its file, whose line holds its
 * code. If its code matches several findings it covers none of them (say which, with more of the line).
 */
export function reviewFindings(
  findings: readonly Finding[],
  justifications: readonly Justification[],
): Review {
  const covered = new Set<Finding>();
  const stale: Justification[] = [];
  for (const justification of justifications) {
    const matches = findings.filter((finding) => covers(justification, finding));
    if (matches.length === 0) stale.push(justification);
    if (matches.length === 1) covered.add(matches[0]!);
  }
  return { unjustified: findings.filter((finding) => !covered.has(finding)), stale };
}

/** What scripts/electronegativity-offline.cjs writes: the files electronegativity read, and its errors. */
export interface ScanLog {
  scanned: string[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
}

/** Every file electronegativity could not walk, and every expected file it did not read. */
export function scanProblems(log: ScanLog, expected: readonly string[]): string[] {
  const scanned = new Set(log.scanned);
  return [
    ...log.errors.map((error) => `${error.file}: ${error.message}`),
    ...expected.filter((file) => !scanned.has(file)).map((file) => `${file}: not scanned`),
  ];
}

const root = resolve(import.meta.dirname, '..');
/** Electronegativity reads files by extension and knows no `.cjs`/`.mjs`: staged as `name.cjs.js`. */
const unreadExtension = /\.[cm]js$/;
const scannedExtension = /\.(js|html?)$/;

/** The build's files electronegativity must read, as `out/...`. */
async function expectedFiles(outDir: string): Promise<string[]> {
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isFile() && (scannedExtension.test(entry.name) || unreadExtension.test(entry.name)),
    )
    .map((entry) => join('out', relative(outDir, join(entry.parentPath, entry.name))).replaceAll('\\', '/'))
    .sort();
}

async function scan(outDir: string): Promise<{ findings: Finding[]; log: ScanLog }> {
  const staging = await mkdtemp(join(tmpdir(), 'ferry-electronegativity-'));
  try {
    const input = join(staging, 'ferry');
    await cp(outDir, join(input, 'out'), { recursive: true });
    const aliases = new Map<string, string>();
    for (const file of await expectedFiles(outDir)) {
      if (!unreadExtension.test(file)) continue;
      await rename(join(input, file), join(input, `${file}.js`));
      aliases.set(`${file}.js`, file);
    }
    const original = (file: string): string => aliases.get(file) ?? file;
    const report = join(staging, 'report.csv');
    const scanLog = join(staging, 'scan.json');
    const electron = JSON.parse(await readFile(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    };
    const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
    await promisify(execFile)(
      process.execPath,
      [
        '--require',
        join(root, 'scripts/electronegativity-offline.cjs'),
        cli,
        ...['-i', input, '-o', report, '-r'],
        // The version of Electron we ship, instead of guessing it from a lockfile it cannot see.
        ...['-e', electron.version],
        // Asks GitHub for Electron's release notes: needs the network, and the version is pinned anyway.
        ...['-x', 'AvailableSecurityFixesGlobalCheck'],
      ],
      {
        cwd: root,
        env: { ...process.env, LANG: 'en-US', FERRY_ELECTRONEGATIVITY_SCAN_LOG: scanLog },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const findings = parseElectronegativityCsv(await readFile(report, 'utf8')).map((finding) => ({
      ...finding,
      file: original(finding.file),
    }));
    let raw: ScanLog;
    try {
      raw = JSON.parse(await readFile(scanLog, 'utf8')) as ScanLog;
    } catch {
      throw new Error(
        'electronegativity wrote no scan log: scripts/electronegativity-offline.cjs did not run',
      );
    }
    const inInput = (file: string) => original(relative(input, file).replaceAll('\\', '/'));
    const log: ScanLog = {
      scanned: raw.scanned.map(inInput),
      errors: raw.errors.map((error) => ({ ...error, file: inInput(error.file) })),
    };
    return { findings, log };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function fail(lines: readonly string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

async function main(outDir: string): Promise<void> {
  try {
    await stat(join(outDir, 'main', 'index.js'));
  } catch {
    fail([`electronegativity check: ${outDir}/main/index.js is missing, run \`npm run build\` first.`]);
  }
  // Node must at least parse the bundles (a duplicate top-level `require` once made
  // out/main/index.js a SyntaxError that only Electron saw).
  for (const bundle of ['main/index.js', 'preload/index.cjs']) {
    try {
      await promisify(execFile)(process.execPath, ['--check', join(outDir, bundle)]);
    } catch (error) {
      fail([
        `electronegativity check: out/${bundle} does not parse:`,
        `${(error as { stderr?: string }).stderr ?? error}`,
      ]);
    }
  }

  const preferences = await checkBuildWebPreferences(outDir);
  if (preferences.problems.length > 0)
    fail([
      `webPreferences check: ${preferences.problems.length} problem(s) in ${preferences.windows} window(s):`,
      ...preferences.problems.map((problem) => `  ${problem.file}:${problem.line} ${problem.message}`),
      'Every window takes secureWebPreferences() (main/electron/main-window.ts) unchanged.',
    ]);

  const expected = await expectedFiles(outDir);
  const { findings, log } = await scan(outDir);
  const skipped = scanProblems(log, expected);
  if (skipped.length > 0)
    fail([
      `electronegativity did not scan ${skipped.length} file(s) of the build; its checks saw nothing there:`,
      ...skipped.map((line) => `  ${line}`),
    ]);
  const justifications = parseJustifications(await readFile(join(root, 'docs', 'security.md'), 'utf8'));
  const { unjustified, stale } = reviewFindings(findings, justifications);
  console.log(
    `webPreferences: ${preferences.windows} window(s), every key as required.\n` +
      `electronegativity: scanned ${log.scanned.length} files (${log.scanned.join(', ')}); ` +
      `${findings.length} finding(s), ${findings.length - unjustified.length} justified in docs/security.md.`,
  );
  if (unjustified.length > 0 || stale.length > 0)
    fail([
      ...unjustified.map(
        (finding) =>
          `  ${finding.severity} ${finding.check} ${finding.file}:${finding.location} — ${finding.description}\n      ${finding.sample.slice(0, 200)}`,
      ),
      ...stale.map(
        (justification) =>
          `  stale justification: ${justification.check} ${justification.file} \`${justification.code}\` matches no finding`,
      ),
      'Fix these, or justify each in docs/security.md ("Electronegativity findings": check | file | code | why);',
      'the code is a piece of the flagged line that no other finding of that check in that file contains.',
    ]);
}

if (import.meta.main) await main(resolve(process.argv[2] ?? join(root, 'out')));
