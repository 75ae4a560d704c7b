import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../../../main/contract-dispatch.ts';
import { commandNames } from '../../../shared/channels.ts';
import { commandSchemas, type CommandResponse } from '../../../shared/contract.ts';
import { historyEntryViewSchema } from '../../../shared/models.ts';
import {
  contractBreaches,
  eventBreaches,
  fuzzOrder,
  outcomeOf,
  startFuzzService,
  type FuzzService,
  type Outcome,
} from '../../support/fuzz-service.ts';
import {
  anyClonable,
  jsonSchemaOf,
  nearValid,
  payloads,
  schemaValues,
} from '../../support/schema-arbitrary.ts';

// The contract's one door (service.dispatch, which every transport calls) fed thousands of generated
// requests per command: schema-shaped, near-valid (one field broken) and anything a structured clone
// can carry. Every answer must keep the contract (see contractBreaches), every event emitted meanwhile
// its schema, and nothing may hang, escape as an unhandled rejection or leave loopback.

const runsPerCommand = 2000;
const runsOfNames = 2000;
const runsOfFiles = 500;
/** Far below the test's own timeout: fast-check stops generating, the runs so far count. */
const timeLimitMs = 45_000;
/** One call taking longer than this is a hang. */
const callTimeoutMs = 5_000;

let fuzz: FuzzService;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
/** Cases run per command, and how they were answered, printed at the end for the record. */
const ran: Record<string, number> = {};
const answers: Record<string, Record<string, number>> = {};

function tally(label: string, outcome: Outcome): void {
  const kind = outcome.ok ? 'ok' : outcome.error instanceof CommandError ? outcome.error.view.code : 'thrown';
  answers[label] ??= {};
  answers[label][kind] = (answers[label][kind] ?? 0) + 1;
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  fuzz = await startFuzzService();
}, 60_000);

afterAll(async () => {
  await fuzz?.close();
  process.off('unhandledRejection', onUnhandled);
  console.log(`contract dispatch fuzz, cases run: ${JSON.stringify(ran)}`);
  console.log(`contract dispatch fuzz, answers: ${JSON.stringify(answers)}`);
  const emitted: Record<string, number> = {};
  for (const event of fuzz?.events ?? []) emitted[event.name] = (emitted[event.name] ?? 0) + 1;
  console.log(`contract dispatch fuzz, events emitted: ${JSON.stringify(emitted)}`);
}, 60_000);

async function answerWithin(name: unknown, request: unknown) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${callTimeoutMs} ms`)), callTimeoutMs);
  });
  try {
    return await Promise.race([outcomeOf(fuzz.service.dispatch(name, request)), hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function fuzzDoor(label: string, property: fc.IAsyncProperty<[unknown, unknown]>, numRuns: number) {
  const details = await fc.check(property, {
    numRuns,
    plugins: [fc.interruptAfterTimeLimit(timeLimitMs)],
  });
  ran[label] = details.numRuns;
  if (details.failed)
    throw new Error(
      `${label}: ${String(details.errorInstance)}\n(seed ${details.seed}, path ${details.counterexamplePath}) counterexample ${fc.stringify(details.counterexample).slice(0, 2000)}`,
    );
  expect(details.numRuns).toBeGreaterThanOrEqual(100);
}

// Counterexamples the fuzz found, kept as named cases (with the seed that found each): each failed
// before its fix.
describe('regressions found by the contract fuzz', () => {
  async function expectContractKept(name: unknown, request: unknown) {
    const outcome = await answerWithin(name, request);
    expect(contractBreaches(name, request, outcome)).toEqual([]);
    return outcome;
  }

  it.each([
    [{ from: Number.MAX_SAFE_INTEGER }], // seed 1988351354: RangeError binding from × 2^20 past int64
    [{ to: Number.MAX_SAFE_INTEGER }],
    [{ cursor: 's99999999999999999999999' }],
    [{ cursor: 's-99999999999999999999999' }],
  ])('history.list with a bound past the 64-bit range (%o) answers a page, not internal', async (request) => {
    const outcome = await expectContractKept('history.list', request);
    expect(outcome.ok).toBe(true);
  });

  it('history.list searching for a term with a NUL answers a page (seed 596393082: FTS5 "unterminated string")', async () => {
    const outcome = await expectContractKept('history.list', { search: 'a\u0000b' });
    expect(outcome.ok).toBe(true);
  });

  it('history.export with a filter date past the 64-bit range answers an export (seed 311717672)', async () => {
    const outcome = await expectContractKept('history.export', {
      format: 'json',
      filter: { from: Number.MAX_SAFE_INTEGER },
    });
    expect(outcome).toMatchObject({ ok: true, value: { exported: 0 } });
  });

  it('history.import of a FIFO answers file-unreadable instead of waiting forever (seed -1648162671)', async () => {
    const outcome = await expectContractKept('history.import', {
      path: join(fuzz.dirs.files, 'a-fifo'),
      format: 'json',
    });
    expect(outcome.ok ? null : (outcome.error as CommandError).view.code).toBe('file-unreadable');
  });

  it('history.import of a folder answers folder-unsupported', async () => {
    const outcome = await expectContractKept('history.import', {
      path: join(fuzz.dirs.files, 'a folder'),
      format: 'csv',
    });
    expect(outcome.ok ? null : (outcome.error as CommandError).view.code).toBe('folder-unsupported');
  });

  it('history.import rejects the one entry dated past what the history can store, keeps the rest (seed 1564601766)', async () => {
    const entry = (id: string, createdAt: number) => ({
      id,
      accountId: 'a',
      providerId: 'p',
      name: `${id}.txt`,
      size: 1,
      mimeType: 'text/plain',
      sha256: 'ab',
      remoteId: id,
      links: [],
      details: {},
      createdAt,
    });
    const path = join(fuzz.dirs.files, 'far-future.json');
    await writeFile(
      path,
      JSON.stringify([entry('kept-1', 1_700_000_000_000), entry('far', 1e20), entry('kept-2', -5)]),
    );
    const outcome = await expectContractKept('history.import', { path, format: 'json' });
    expect(outcome.ok ? outcome.value : outcome.error).toEqual({
      added: 2,
      alreadyPresent: 0,
      rejected: [{ row: 2, message: expect.stringMatching(/createdAt/) }],
    });
  });

  it('history.import of a pretty-printed array whose first element fits on a line reads it whole (seed 154071706)', async () => {
    const path = join(fuzz.dirs.files, 'pretty-first-short.json');
    const entry = {
      id: 'pretty-1',
      accountId: 'a',
      providerId: 'p',
      name: 'pretty.txt',
      size: 1,
      mimeType: 'text/plain',
      sha256: 'ab',
      remoteId: 'r',
      links: [],
      details: {},
      createdAt: 1_700_000_000_000,
    };
    await writeFile(path, JSON.stringify([{}, entry], null, 2));
    const outcome = await expectContractKept('history.import', { path, format: 'json' });
    expect(outcome.ok ? outcome.value : outcome.error).toEqual({
      added: 1,
      alreadyPresent: 0,
      rejected: [{ row: 1, message: expect.any(String) }],
    });
  });

  it.each([
    [{ defaultAccountId: undefined }], // seed 707428507: a structured clone keeps undefined, the merge broke
    [{ theme: undefined, concurrency: 2 }],
    [{ localApi: { enabled: undefined } }],
  ])('settings.update with a key set to undefined (%o) leaves that setting as it was', async (patch) => {
    const before = (await fuzz.service.dispatch('settings.get', {})) as Record<string, unknown>;
    const outcome = await expectContractKept('settings.update', patch);
    expect(outcome.ok).toBe(true);
    const after = outcome.ok ? (outcome.value as Record<string, unknown>) : {};
    expect(after.defaultAccountId).toBe(before.defaultAccountId);
    expect(after.theme).toBe(before.theme);
    expect((after.localApi as { enabled: boolean }).enabled).toBe(
      (before.localApi as { enabled: boolean }).enabled,
    );
  });

  it.each([
    [Object.create(null) as unknown], // seed 1311422916: String() of it threw a TypeError
    [{ toString: () => 'accounts.list' }],
    [Symbol('accounts.list')],
    [10n],
  ])('a command name that is no string (%s) is unknown-command', async (name) => {
    const outcome = await expectContractKept(name, {});
    expect(outcome.ok ? null : (outcome.error as CommandError).view.code).toBe('unknown-command');
  });
});

describe('service.dispatch under generated requests', () => {
  it.each(fuzzOrder)(
    '%s: every answer is a valid response or a specific error',
    async (name) => {
      const eventsBefore = fuzz.events.length;
      const shaped = payloads(commandSchemas[name].request, { hints: fuzz.hints });
      const request = name === 'accounts.add' ? fc.oneof(shaped, fuzz.goodAccounts) : shaped;
      await fuzzDoor(
        name,
        fc.asyncProperty(fc.constant(name), request, async (command, generated) => {
          const outcome = await answerWithin(command, generated);
          tally(command, outcome);
          const breaches = contractBreaches(command, generated, outcome);
          if (breaches.length > 0) throw new Error(breaches.join('; '));
        }),
        runsPerCommand,
      );
      expect(eventBreaches(fuzz.events.slice(eventsBefore))).toEqual([]);
      expect(unhandled).toEqual([]);
      expect(fuzz.refused).toEqual([]);
    },
    90_000,
  );

  it('any name with anything: unknown names are unknown-command, known ones keep the contract', async () => {
    const names = fc.oneof(
      fc.constantFrom(...commandNames),
      fc.constantFrom(...commandNames).map((name) => name.toUpperCase()),
      fc.constantFrom(...commandNames).map((name) => ` ${name}`),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'toString',
        '',
        'accounts',
        'ferry:command:accounts.list',
      ),
      fc.string(),
      anyClonable,
    );
    await fuzzDoor(
      'any name',
      fc.asyncProperty(names, anyClonable, async (name, request) => {
        const outcome = await answerWithin(name, request);
        tally('any name', outcome);
        const breaches = contractBreaches(name, request, outcome);
        if (breaches.length > 0) throw new Error(breaches.join('; '));
      }),
      runsOfNames,
    );
    expect(unhandled).toEqual([]);
  }, 90_000);

  it('history.import of generated files: every row is added, already there, or rejected on its own', async () => {
    const entrySchema = jsonSchemaOf(historyEntryViewSchema, 'output');
    const rows = fc.array(
      fc.oneof(
        { arbitrary: schemaValues(entrySchema), weight: 3 },
        { arbitrary: nearValid(entrySchema), weight: 3 },
        { arbitrary: fc.jsonValue(), weight: 1 },
      ),
      { minLength: 1, maxLength: 6 },
    );
    let file = 0;
    await fuzzDoor(
      'history.import (file contents)',
      fc.asyncProperty(rows, fc.boolean(), async (generated, ferryLayout) => {
        const path = join(fuzz.dirs.files, `generated-${file++}.json`);
        // JSON drops what it cannot carry (undefined, NaN): the rows are what the file holds.
        const written = JSON.parse(JSON.stringify(generated)) as unknown[];
        await writeFile(
          path,
          ferryLayout
            ? `[\n${written.map((row) => JSON.stringify(row)).join(',\n')}\n]\n`
            : JSON.stringify(written, null, 2),
        );
        const request = { path, format: 'json' };
        const outcome = await answerWithin('history.import', request);
        tally('history.import (file contents)', outcome);
        const breaches = contractBreaches('history.import', request, outcome);
        if (!outcome.ok)
          breaches.push(`refused the whole file: ${JSON.stringify((outcome.error as CommandError).view)}`);
        else {
          const report = outcome.value as CommandResponse<'history.import'>;
          const counted = report.added + report.alreadyPresent + report.rejected.length;
          if (counted !== written.length) breaches.push(`${written.length} rows, ${counted} accounted for`);
        }
        if (breaches.length > 0) throw new Error(breaches.join('; '));
      }),
      runsOfFiles,
    );
  }, 90_000);

  it('emitted only events their schemas accept, and logged no internal error', async () => {
    // Not idle(): uploads to the generated loopback accounts are still retrying a closed port.
    await fuzz.service.dispatch('uploads.pauseAll', {});
    expect(eventBreaches(fuzz.events)).toEqual([]);
    expect(fuzz.events.length).toBeGreaterThan(0);
    expect(fuzz.errorLines).toEqual([]);
  });
});
