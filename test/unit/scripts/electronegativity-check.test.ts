import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseCsvRows,
  parseElectronegativityCsv,
  parseJustifications,
  unjustifiedFindings,
  type Finding,
} from '../../../scripts/electronegativity-check.ts';

const header = 'issue, severity, confidence, filename, location, sample, description, url\n';
// Rows as electronegativity 1.10.3 writes them (util/file.js: escapeCsv quotes all but id and url).
const csv =
  header +
  'CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"No CSP has been detected in the target application",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK\n' +
  'CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/electron/main-window.ts","40:17","const window = new BrowserWindow({","Review the use of the contextIsolation option",https://github.com/doyensec/electronegativity/wiki/CONTEXT_ISOLATION_JS_CHECK\n' +
  'DANGEROUS_FUNCTIONS_JS_CHECK,"MEDIUM","CERTAIN","out/main/chunks/s3-emulator-Do6kF70X.js","11328:21","var f = eval(""(function ("" + args + "") {\\n"")","Do not use eval, with, commas",https://x\n' +
  'HTTP_RESOURCES_JS_CHECK,"LOW","FIRM","out/main/index.js","1:1",N/A,"http",https://x\n';

const finding = (check: string, file: string, severity = 'HIGH'): Finding => ({
  check,
  file,
  severity,
  confidence: 'FIRM',
  location: '1:1',
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
    '| check | file | why |',
    '| --- | --- | --- |',
    '| NOT_THIS_TABLE | N/A | a table before the heading does not count |',
    '### Electronegativity findings',
    '',
    '| check | file | why it is not a problem |',
    '| ----- | ---- | ----------------------- |',
    '| CSP_GLOBAL_CHECK | N/A | header, not meta |',
    '| `SANDBOX_JS_CHECK` | `main/electron/main-window.ts` | set by a helper |',
    '| DANGEROUS_FUNCTIONS_JS_CHECK | out/main/chunks/s3-emulator-\\*.js | depd |',
    '| AUXCLICK_JS_CHECK | main/electron/main-window.ts |  |',
    '## Next section',
    '| LATER_CHECK | N/A | after the table |',
  ].join('\n');

  it('reads the rows under the heading only, unescaping markdown, skipping rows without a reason', () => {
    expect(parseJustifications(markdown)).toEqual([
      { check: 'CSP_GLOBAL_CHECK', file: 'N/A', reason: 'header, not meta' },
      { check: 'SANDBOX_JS_CHECK', file: 'main/electron/main-window.ts', reason: 'set by a helper' },
      { check: 'DANGEROUS_FUNCTIONS_JS_CHECK', file: 'out/main/chunks/s3-emulator-*.js', reason: 'depd' },
    ]);
  });

  it('finds nothing without the heading', () => {
    expect(parseJustifications('| CSP_GLOBAL_CHECK | N/A | reason |')).toEqual([]);
  });
});

describe('unjustifiedFindings', () => {
  const justifications = [
    { check: 'CSP_GLOBAL_CHECK', file: 'N/A', reason: 'r' },
    { check: 'SANDBOX_JS_CHECK', file: 'main/electron/main-window.ts', reason: 'r' },
    { check: 'DANGEROUS_FUNCTIONS_JS_CHECK', file: 'out/main/chunks/s3-emulator-*.js', reason: 'r' },
  ];

  it('passes findings justified by check and file, exactly or by glob', () => {
    expect(
      unjustifiedFindings(
        [
          finding('CSP_GLOBAL_CHECK', 'N/A', 'MEDIUM'),
          finding('sandbox_js_check', 'main/electron/main-window.ts', 'MEDIUM'),
          finding('DANGEROUS_FUNCTIONS_JS_CHECK', 'out/main/chunks/s3-emulator-Ab12.js', 'MEDIUM'),
        ],
        justifications,
      ),
    ).toEqual([]);
  });

  it('fails a justified check in another file, and a justified file for another check', () => {
    const failing = [
      finding('SANDBOX_JS_CHECK', 'main/electron/application.ts'),
      finding('DANGEROUS_FUNCTIONS_JS_CHECK', 'out/main/index.js', 'MEDIUM'),
      finding('NODE_INTEGRATION_JS_CHECK', 'main/electron/main-window.ts'),
      // A glob justifies files only, never a global finding (N/A).
      finding('DANGEROUS_FUNCTIONS_JS_CHECK', 'N/A', 'MEDIUM'),
    ];
    expect(unjustifiedFindings(failing, justifications)).toEqual(failing);
  });

  it('lets LOW and INFORMATIONAL findings through unjustified', () => {
    expect(
      unjustifiedFindings(
        [finding('X', 'a.js', 'LOW'), finding('Y', 'b.js', 'INFORMATIONAL')],
        justifications,
      ),
    ).toEqual([]);
  });
});

describe('docs/security.md', () => {
  it('justifies with a reason every row of its findings table', async () => {
    const markdown = await readFile(
      join(resolve(import.meta.dirname, '../../..'), 'docs', 'security.md'),
      'utf8',
    );
    const justified = parseJustifications(markdown).map((j) => `${j.check} ${j.file}`);
    expect(justified).toContain('CSP_GLOBAL_CHECK N/A');
    expect(justified).toContain('CONTEXT_ISOLATION_JS_CHECK main/electron/main-window.ts');
    expect(justified).toContain('DANGEROUS_FUNCTIONS_JS_CHECK out/main/chunks/s3-emulator-*.js');
  });
});
