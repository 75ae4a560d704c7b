import { isAbsolute, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCommand, UsageError, type CliCommand } from '../../../main/cli/args.ts';
import { awkwardStrings } from '../../support/schema-arbitrary.ts';

// The CLI's argument parser fed generated command lines: any words, the CLI's own words and flags in
// any order, and valid command lines with one word changed, dropped, duplicated or added. Every
// answer is a command of the documented shape (numbers in range, absolute data folder, at least one
// path) or a UsageError naming a help topic; nothing else is ever thrown. Pure, so many cases.

const runs = 5000;
const env = { XDG_CONFIG_HOME: '/cfg', HOME: '/home/ferry' };
const ran: Record<string, number> = {};
const answers: Record<string, number> = {};

afterAll(() => {
  console.log(`CLI argument fuzz, cases run: ${JSON.stringify(ran)}, answers: ${JSON.stringify(answers)}`);
});

const helpTopics = [
  'main',
  'accounts',
  'accounts add',
  'accounts list',
  'accounts test',
  'accounts remove',
  'upload',
  'resume',
  'history',
] as const;

const dataDir = z.string().refine(isAbsolute, 'an absolute data folder');
const commandSchema: z.ZodType<CliCommand> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('help'), topic: z.enum(helpTopics) }).strict(),
  z.object({ kind: z.literal('version') }).strict(),
  z
    .object({
      kind: z.literal('accounts add'),
      dataDir,
      providerId: z.string(),
      name: z.string().refine((name) => name.trim() !== ''),
      fields: z.array(z.tuple([z.string().min(1), z.string()])),
      json: z.boolean(),
    })
    .strict(),
  z.object({ kind: z.literal('accounts list'), dataDir, json: z.boolean() }).strict(),
  z
    .object({
      kind: z.enum(['accounts test', 'accounts remove']),
      dataDir,
      account: z.string(),
      json: z.boolean(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('upload'),
      dataDir,
      paths: z.array(z.string()).min(1),
      account: z.string(),
      json: z.boolean(),
      concurrency: z.number().int().min(1).max(64).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('resume'), dataDir, json: z.boolean() }).strict(),
  z
    .object({
      kind: z.literal('history'),
      dataDir,
      search: z.string().optional(),
      limit: z.number().int().min(1).max(100_000),
      json: z.boolean(),
    })
    .strict(),
]) as z.ZodType<CliCommand>;

const words = fc.constantFrom(
  'accounts',
  'add',
  'list',
  'test',
  'remove',
  'upload',
  'resume',
  'history',
  'help',
  'version',
  '--help',
  '-h',
  '--version',
  '-v',
  '--data-dir',
  '--json',
  '--name',
  '--field',
  '--account',
  '-a',
  '--concurrency',
  '--search',
  '-s',
  '--limit',
  '-n',
  '--',
  '-',
  '-ah',
  '--json=true',
  '--no-json',
  '--data-dir=',
  '--limit=0',
  '--concurrency=65',
  '--field=key=value',
  '--field==x',
);
const numbers = fc.constantFrom(
  '0',
  '1',
  '4',
  '64',
  '65',
  '100000',
  '100001',
  '-1',
  '1e3',
  ' 1',
  '0x10',
  '１',
  '007',
  '99999999999999999999',
);
const anyWord = fc.oneof(
  { arbitrary: words, weight: 6 },
  { arbitrary: numbers, weight: 2 },
  { arbitrary: fc.constantFrom(...awkwardStrings), weight: 2 },
  { arbitrary: fc.string(), weight: 2 },
);

/** Command lines the CLI documents, before one of their words is changed. */
const validLines: fc.Arbitrary<string[]> = fc.oneof(
  fc
    .tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }))
    .map(([path, account]) => ['upload', path, '--account', account]),
  fc
    .tuple(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 64 }))
    .map(([path, n]) => ['upload', path, '-a', 'prod', '--concurrency', String(n), '--json']),
  fc.string({ minLength: 1 }).map((name) => ['accounts', 'add', 's3', '--name', name, '--field', 'bucket=b']),
  fc.constantFrom<string[]>(
    ['accounts', 'list'],
    ['accounts', 'test', 'prod'],
    ['accounts', 'remove', 'prod'],
    ['resume', '--json'],
  ),
  fc
    .tuple(fc.string(), fc.integer({ min: 1, max: 100_000 }))
    .map(([search, limit]) => ['history', '--search', search, '--limit', String(limit)]),
  fc.string().map((dir) => ['history', '--data-dir', dir]),
);

const nearValidLines = fc
  .tuple(validLines, fc.nat(), fc.constantFrom('change', 'drop', 'duplicate', 'add'), anyWord)
  .map(([line, at, how, word]) => {
    const copy = [...line];
    const index = at % copy.length;
    if (how === 'change') copy[index] = word;
    else if (how === 'drop') copy.splice(index, 1);
    else if (how === 'duplicate') copy.splice(index, 0, copy[index]!);
    else copy.splice(index, 0, word);
    return copy;
  });

const commandLines = fc.oneof(
  { arbitrary: fc.array(anyWord, { maxLength: 8 }), weight: 2 },
  { arbitrary: validLines, weight: 1 },
  { arbitrary: nearValidLines, weight: 3 },
);

/** The data folder a command line names, when it names one (the last --data-dir wins). */
function givenDataDir(argv: readonly string[]): string | undefined {
  let given: string | undefined;
  argv.forEach((word, index) => {
    if (word === '--') return;
    if (word === '--data-dir' && index + 1 < argv.length) given = argv[index + 1];
    else if (word.startsWith('--data-dir=')) given = word.slice('--data-dir='.length);
  });
  return given;
}

function judge(argv: string[]): string[] {
  let command: CliCommand;
  try {
    command = parseCommand(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) return [`threw ${String(error)}, not a UsageError`];
    answers[`usage: ${error.topic}`] = (answers[`usage: ${error.topic}`] ?? 0) + 1;
    if (!(helpTopics as readonly string[]).includes(error.topic))
      return [`unknown help topic ${error.topic}`];
    return error.message.trim() === '' ? ['a usage error without a message'] : [];
  }
  answers[command.kind] = (answers[command.kind] ?? 0) + 1;
  const parsed = commandSchema.safeParse(command);
  if (!parsed.success) return [`a command outside its shape: ${z.prettifyError(parsed.error)}`];
  const given = givenDataDir(argv);
  if ('dataDir' in command && given !== undefined && !argv.includes('--')) {
    // A folder given empty would be the current folder: Ferry's database and key file land wherever
    // the shell happens to be.
    if (given.trim() === '') return ['an empty --data-dir was taken as the current folder'];
    if (command.dataDir !== resolve(given)) return [`--data-dir ${given} became ${command.dataDir}`];
  }
  return [];
}

// Found by the fuzz below (seed 126660110): `--data-dir ""` (an unset shell variable) was resolved to
// the current folder, where Ferry would then create its database and key file.
describe('regressions found by the CLI argument fuzz', () => {
  it.each([
    [['history', '--data-dir', '']],
    [['upload', 'a.png', '-a', 'prod', '--data-dir=']],
    [['accounts', 'list', '--data-dir', '  ']],
  ])('%j is a usage error, not the current folder', (argv) => {
    expect(() => parseCommand(argv, env)).toThrow(UsageError);
    expect(() => parseCommand(argv, env)).toThrow(/--data-dir/);
  });
});

describe('the CLI argument parser under generated command lines', () => {
  it(`${runs} command lines: a command of the documented shape, or a UsageError`, () => {
    const details = fc.check(
      fc.property(commandLines, (argv) => {
        const problems = judge(argv);
        if (problems.length > 0) throw new Error(problems.join('; '));
        // Pure: the same line gives the same answer.
        let first: unknown;
        let second: unknown;
        try {
          first = parseCommand(argv, env);
        } catch (error) {
          first = (error as Error).message;
        }
        try {
          second = parseCommand(argv, env);
        } catch (error) {
          second = (error as Error).message;
        }
        expect(second).toEqual(first);
      }),
      { numRuns: runs, plugins: [fc.interruptAfterTimeLimit(30_000)] },
    );
    ran.lines = details.numRuns;
    if (details.failed)
      throw new Error(
        `${String(details.errorInstance)}\n(seed ${details.seed}, path ${details.counterexamplePath}) ${fc.stringify(details.counterexample)}`,
      );
    expect(details.numRuns).toBeGreaterThanOrEqual(2000);
  });
});
