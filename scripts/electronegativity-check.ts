/**
 * `npm test` step: runs electronegativity (Doyensec's Electron security linter) on the built app and
 * fails on any HIGH or MEDIUM finding that docs/security.md does not justify. Electronegativity exits 0
 * whatever it finds, so its CSV report is parsed here.
 *
 * What is scanned: out/ (the electron-vite build) and main/electron/ (the sources of the Electron
 * layer). The sources are needed because electronegativity 1.10.3's parser rejects class private
 * fields (`#field`), which the bundles are full of: without them the Electron API checks would see
 * nothing and the global checks would report navigation and permission handlers as missing.
 * Runs offline: scripts/electronegativity-offline.cjs keeps it from fetching anything.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, matchesGlob, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  /** Relative to the scanned folder (out/..., main/electron/...), or N/A for global checks. */
  file: string;
  location: string;
  description: string;
}

export interface Justification {
  check: string;
  /** A path or glob (`*`) relative to the scanned folder, or N/A. */
  file: string;
  reason: string;
}

/** The severities that fail the build unless justified. */
export const blockingSeverities: ReadonlySet<string> = new Set(['HIGH', 'MEDIUM']);

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
      description: row[6]!,
    };
  });
}

/**
 * The justification table of docs/security.md: the rows after the heading "Electronegativity findings",
 * `| CHECK_ID | file or glob | reason |`. A row with an empty reason justifies nothing.
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
          .split('|')
          .map((cell) => cell.trim())
      : [];
    if (cells.length < 3) continue;
    // Markdown escapes (`\*`, `\_`) and code spans are how the cells are written, not part of the value.
    const [check, file, ...reasonParts] = cells.map((cell) =>
      cell.replace(/^`(.*)`$/, '$1').replace(/\\([*_`])/g, '$1'),
    );
    const reason = reasonParts.join('|').trim();
    if (!/^[A-Z0-9_]+$/.test(check!) || reason === '') continue; // header, separator, or unjustified
    justifications.push({ check: check!, file: file!, reason });
  }
  return justifications;
}

function justifies(justification: Justification, finding: Finding): boolean {
  if (justification.check.toUpperCase() !== finding.check.toUpperCase()) return false;
  if (justification.file === finding.file) return true;
  return (
    finding.file !== 'N/A' &&
    justification.file.includes('*') &&
    matchesGlob(finding.file, justification.file)
  );
}

/** HIGH and MEDIUM findings that no justification covers. */
export function unjustifiedFindings(
  findings: readonly Finding[],
  justifications: readonly Justification[],
): Finding[] {
  return findings.filter(
    (finding) =>
      blockingSeverities.has(finding.severity) &&
      !justifications.some((justification) => justifies(justification, finding)),
  );
}

const root = resolve(import.meta.dirname, '..');

async function scan(): Promise<Finding[]> {
  const staging = await mkdtemp(join(tmpdir(), 'ferry-electronegativity-'));
  try {
    const input = join(staging, 'ferry');
    await cp(join(root, 'out'), join(input, 'out'), { recursive: true });
    await cp(join(root, 'main', 'electron'), join(input, 'main', 'electron'), { recursive: true });
    const report = join(staging, 'report.csv');
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
      { cwd: root, env: { ...process.env, LANG: 'en-US' }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return parseElectronegativityCsv(await readFile(report, 'utf8'));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    await stat(join(root, 'out', 'main', 'index.js'));
  } catch {
    console.error('electronegativity check: out/ is missing, run `npm run build` first.');
    process.exit(1);
  }
  // Electronegativity skips what it cannot parse without a word; Node must at least parse the bundles
  // (a duplicate top-level `require` once made out/main/index.js a SyntaxError that only Electron saw).
  for (const bundle of ['out/main/index.js', 'out/preload/index.cjs']) {
    try {
      await promisify(execFile)(process.execPath, ['--check', join(root, bundle)]);
    } catch (error) {
      console.error(
        `electronegativity check: ${bundle} does not parse:\n${(error as { stderr?: string }).stderr ?? error}`,
      );
      process.exit(1);
    }
  }
  const findings = await scan();
  const justifications = parseJustifications(await readFile(join(root, 'docs', 'security.md'), 'utf8'));
  const failing = unjustifiedFindings(findings, justifications);
  const blocking = findings.filter((finding) => blockingSeverities.has(finding.severity));
  console.log(
    `electronegativity: ${findings.length} finding(s), ${blocking.length} HIGH/MEDIUM, ` +
      `${blocking.length - failing.length} justified in docs/security.md.`,
  );
  if (failing.length > 0) {
    for (const finding of failing)
      console.error(
        `  ${finding.severity} ${finding.check} ${finding.file}:${finding.location} — ${finding.description}`,
      );
    console.error(
      'Fix these, or justify each in docs/security.md ("Electronegativity findings": check | file | why).',
    );
    process.exit(1);
  }
}

if (import.meta.main) await main();
