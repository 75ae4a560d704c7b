import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseCsvRows,
  parseElectronegativityCsv,
  parseJustifications,
  reviewFindings,
  scanProblems,
  type Finding,
  type Justification,
} from '../../../scripts/electronegativity-check.ts';

const header = 'issue, severity, confidence, filename, location, sample, description, url\n';
// Rows as electronegativity 1.10.3 writes them (util/file.js: escapeCsv quotes all but id and url).
const csv =
  header +
  'CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"No CSP has been detected in the target application",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK\n' +
  'CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/electron/main-window.ts","40:17","const window = new BrowserWindow({","Review the use of the contextIsolation option",https://github.com/doyensec/electronegativity/wiki/CONTEXT_ISOLATION_JS_CHECK\n' +
  'DANGEROUS_FUNCTIONS_JS_CHECK,"MEDIUM","CERTAIN","out/main/chunks/s3-emulator-Do6kF70X.js","11328:21","var f = eval(""(function ("" + args + "") {\\n"")","Do not use eval, with, commas",https://x\n' +
  'HTTP_RESOURCES_JS_CHECK,"LOW","FIRM","out/main/index.js","1:1",N/A,"http",https://x\n';

const finding = (check: string, file: string, severity = 'HIGH', sample = 'N/A'): Finding => ({
  check,
  file,
  severity,
  confidence: 'FIRM',
  location: '1:1',
  sample,
  description: '',
});

describe('parseElectronegativityCsv', () => {
  it('reads every row, quoted commas, doubled quotes and all', () => {
    const findings = parseElectronegativityCsv(csv);
    expect(findings.map((f) => [f.check, f.severity, f.file, f.location])).toEqual([
      ['CSP_GLOBAL_CHECK', 'MEDIUM', 'N/A', '0:0'],
      ['CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main/electron/main-window.ts', '40:17'],
      ['DANGEROUS_FUNCTIONS_JS_CHECK', 'MEDIUM', 'out/main/chunks/s3-emulator-Do6kF70X.js', '11328:21'],
      ['HTTP_RESOURCES_JS_CHECK', 'LOW', 'out/main/index.js', '1:1'],
    ]);
    expect(findings[2]!.description).toBe('Do not use eval, with, commas');
    expect(findings[2]!.sample).toBe('var f = eval("(function (" + args + ") {\\n")');
    expect(findings[1]!.sample).toBe('const window = new BrowserWindow({');
  });

  it('reads a report without findings as none', () => {
    expect(parseElectronegativityCsv(header)).toEqual([]);
  });

  it('refuses a report whose header was overwritten (its concurrent writes raced)', () => {
    expect(() => parseElectronegativityCsv('ted in the target application",https://x\n')).toThrow(
      /Unexpected electronegativity CSV header|Malformed/,
    );
  });

  it('refuses a row it does not understand rather than passing it', () => {
    expect(() => parseElectronegativityCsv(`${header}X,"SEVERE","FIRM","a","1:1",N/A,"d",u\n`)).toThrow(
      /row/,
    );
    expect(() => parseElectronegativityCsv(`${header}X,"HIGH","FIRM"\n`)).toThrow(/row/);
    expect(() => parseCsvRows('a,"b\n')).toThrow(/quoted/);
  });
});

describe('parseJustifications', () => {
  const markdown = [
    '# Security',
    '| check | file | code | why |',
    '| --- | --- | --- | --- |',
    '| NOT_THIS_TABLE | N/A | N/A | a table before the heading does not count |',
    '### Electronegativity findings',
    '',
    '| check | file | code | why it is not a problem |',
    '| ----- | ---- | ---- | ----------------------- |',
    '| CSP_GLOBAL_CHECK | N/A | N/A | header, not meta |',
    '| `SANDBOX_JS_CHECK` | `out/main/index.js` | `const window = new BrowserWindow({` | set by a helper |',
    '| DANGEROUS_FUNCTIONS_JS_CHECK | out/main/chunks/s3-emulator-\\*.js | `var f = eval(` | depd |',
    '| PIPES_JS_CHECK | out/main/index.js | `a \\| b` | a pipe in the code |',
    '| AUXCLICK_JS_CHECK | out/main/index.js | `new BrowserWindow` |  |',
    '| OLD_STYLE_CHECK | out/main/index.js | without a code cell |',
    '## Next section',
    '| LATER_CHECK | N/A | N/A | after the table |',
  ].join('\n');

  it('reads the rows under the heading only, unescaping markdown, skipping rows without a reason', () => {
    expect(parseJustifications(markdown)).toEqual([
      { check: 'CSP_GLOBAL_CHECK', file: 'N/A', code: 'N/A', reason: 'header, not meta' },
      {
        check: 'SANDBOX_JS_CHECK',
        file: 'out/main/index.js',
        code: 'const window = new BrowserWindow({',
        reason: 'set by a helper',
      },
      {
        check: 'DANGEROUS_FUNCTIONS_JS_CHECK',
        file: 'out/main/chunks/s3-emulator-*.js',
        code: 'var f = eval(',
        reason: 'depd',
      },
      { check: 'PIPES_JS_CHECK', file: 'out/main/index.js', code: 'a | b', reason: 'a pipe in the code' },
    ]);
  });

  it('finds nothing without the heading', () => {
    expect(parseJustifications('| CSP_GLOBAL_CHECK | N/A | N/A | reason |')).toEqual([]);
  });
});

describe('reviewFindings', () => {
  const justifications: Justification[] = [
    { check: 'CSP_GLOBAL_CHECK', file: 'N/A', code: 'N/A', reason: 'r' },
    {
      check: 'SANDBOX_JS_CHECK',
      file: 'out/main/index.js',
      code: 'const window = new BrowserWindow({',
      reason: 'r',
    },
    {
      check: 'DANGEROUS_FUNCTIONS_JS_CHECK',
      file: 'out/main/chunks/s3-emulator-*.js',
      code: 'eval(',
      reason: 'r',
    },
  ];
  const justified = [
    finding('CSP_GLOBAL_CHECK', 'N/A', 'MEDIUM', 'N/A'),
    finding('sandbox_js_check', 'out/main/index.js', 'MEDIUM', 'const window = new BrowserWindow({'),
    finding(
      'DANGEROUS_FUNCTIONS_JS_CHECK',
      'out/main/chunks/s3-emulator-Ab12.js',
      'MEDIUM',
      'var f = eval(x);',
    ),
  ];

  it('passes findings each justified by check, file (exactly or by glob) and code', () => {
    expect(reviewFindings(justified, justifications)).toEqual({ unjustified: [], stale: [] });
  });

  it('fails a justified check in another file, a justified file for another check, other code', () => {
    const failing = [
      finding('SANDBOX_JS_CHECK', 'out/main/chunks/src-1.js', 'HIGH', 'const window = new BrowserWindow({'),
      finding('DANGEROUS_FUNCTIONS_JS_CHECK', 'out/main/index.js', 'MEDIUM', 'eval(x)'),
      finding('NODE_INTEGRATION_JS_CHECK', 'out/main/index.js', 'HIGH', 'const window = new BrowserWindow({'),
      finding('SANDBOX_JS_CHECK', 'out/main/index.js', 'MEDIUM', 'const other = new BrowserWindow({'),
      // A glob justifies files only, never a global finding (N/A).
      finding('DANGEROUS_FUNCTIONS_JS_CHECK', 'N/A', 'MEDIUM', 'eval('),
    ];
    expect(reviewFindings([...justified, ...failing], justifications).unjustified).toEqual(failing);
  });

  it('does not let one justification cover a second finding of its check in its file', () => {
    const twin = finding(
      'SANDBOX_JS_CHECK',
      'out/main/index.js',
      'MEDIUM',
      'const window = new BrowserWindow({',
    );
    const { unjustified } = reviewFindings([...justified, { ...twin, location: '900:2' }], justifications);
    expect(unjustified.map((f) => f.location)).toEqual(['1:1', '900:2']);
  });

  it('fails LOW and INFORMATIONAL findings too until they are justified', () => {
    const low = [finding('X', 'a.js', 'LOW'), finding('Y', 'b.js', 'INFORMATIONAL')];
    expect(reviewFindings([...justified, ...low], justifications).unjustified).toEqual(low);
  });

  it('reports a justification whose finding is gone as stale', () => {
    expect(reviewFindings(justified.slice(1), justifications)).toEqual({
      unjustified: [],
      stale: [justifications[0]],
    });
  });
});

describe('scanProblems', () => {
  const expected = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

  it('accepts a scan that read every expected file without errors', () => {
    expect(scanProblems({ scanned: [...expected, 'out/extra.js'], errors: [] }, expected)).toEqual([]);
  });

  it('names each file that was skipped or could not be walked', () => {
    const problems = scanProblems(
      {
        scanned: ['out/main/index.js', 'out/renderer/index.html'],
        errors: [
          { file: 'out/main/index.js', message: 'Unknown node type ClassPrivateProperty.', tolerable: false },
        ],
      },
      expected,
    );
    expect(problems).toEqual([
      'out/main/index.js: Unknown node type ClassPrivateProperty.',
      'out/preload/index.cjs: not scanned',
    ]);
  });
});

describe('docs/security.md', () => {
  it('justifies with code and a reason every row of its findings table', async () => {
    const markdown = await readFile(
      join(resolve(import.meta.dirname, '../../..'), 'docs', 'security.md'),
      'utf8',
    );
    const rows = parseJustifications(markdown);
    expect(rows.map((j) => `${j.check} ${j.file}`)).toContain('CSP_GLOBAL_CHECK N/A');
    expect(rows.map((j) => `${j.check} ${j.file}`)).toContain('CONTEXT_ISOLATION_JS_CHECK out/main/index.js');
    expect(rows.every((j) => j.code !== '')).toBe(true);
  });
});
