import { processingPatchFromFields, type ProcessingSettings } from '../../shared/processing.ts';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { defaultDataDir } from '../app-paths.ts';

export type HelpTopic =
  | 'main'
  | 'accounts'
  | 'accounts add'
  | 'accounts set'
  | 'accounts list'
  | 'accounts test'
  | 'accounts remove'
  | 'upload'
  | 'resume'
  | 'history';

export type CliCommand =
  | { kind: 'help'; topic: HelpTopic }
  | { kind: 'version' }
  | {
      kind: 'accounts add';
      dataDir: string;
      providerId: string;
      name: string;
      /** In the order given; split into settings and secrets later, against the provider's catalog entry. */
      fields: Array<[key: string, value: string]>;
      json: boolean;
    }
  | {
      kind: 'accounts set';
      dataDir: string;
      account: string;
      /** In the order given; an empty value removes the account's own setting. */
      fields: Array<[key: string, value: string]>;
      json: boolean;
    }
  | { kind: 'accounts list'; dataDir: string; json: boolean }
  | { kind: 'accounts test' | 'accounts remove'; dataDir: string; account: string; json: boolean }
  | {
      kind: 'upload';
      dataDir: string;
      paths: string[];
      account: string;
      json: boolean;
      concurrency?: number;
      /** false: --no-process. */
      process?: boolean;
      force?: boolean;
      /** The processing flags, over the account's settings for this run. */
      processing?: Partial<ProcessingSettings>;
    }
  | { kind: 'resume'; dataDir: string; json: boolean }
  | { kind: 'history'; dataDir: string; search?: string; limit: number; json: boolean };

/** A command line Ferry cannot run as written: exit code 2, with the help topic that explains it. */
export class UsageError extends Error {
  readonly topic: HelpTopic;
  constructor(message: string, topic: HelpTopic) {
    super(message);
    this.name = 'UsageError';
    this.topic = topic;
  }
}

const common = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export const defaultHistoryLimit = 20;

function parse<O extends ParseArgsOptionsConfig>(args: readonly string[], options: O, topic: HelpTopic) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...common, ...options },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, topic);
  }
  // An empty value (an unset shell variable) would resolve to the current folder, where Ferry would
  // then create its database and key file.
  const dataDir = (parsed.values as { 'data-dir'?: string })['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '')
    throw new UsageError('--data-dir needs a folder; it was given empty.', topic);
  return parsed;
}

/** Repeated `--field key=value`, split at the first "=" only (a value may hold "="). */
function fieldPairs(pairs: readonly string[] | undefined, topic: HelpTopic): Array<[string, string]> {
  return (pairs ?? []).map((pair): [string, string] => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--field takes key=value, got "${pair}".`, topic);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

function positiveInt(raw: string, flag: string, max: number, topic: HelpTopic): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${raw}".`, topic);
  }
  return value;
}

/**
 * Turn argv (without node and the script) into one command. Pure apart from the environment it is
 * given (for the default data folder), so every usage rule is unit-tested.
 */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { kind: 'help', topic: 'main' };
  }
  if (first === '--version' || first === '-v' || first === 'version') return { kind: 'version' };
  const dataDirOf = (value: string | undefined): string => resolve(value ?? defaultDataDir(env));

  switch (first) {
    case 'accounts': {
      const [sub, ...args] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h') return { kind: 'help', topic: 'accounts' };
      if (sub === 'add') {
        const { values, positionals } = parse(
          args,
          { name: { type: 'string' }, field: { type: 'string', multiple: true }, json: { type: 'boolean' } },
          'accounts add',
        );
        if (values.help) return { kind: 'help', topic: 'accounts add' };
        if (positionals.length !== 1) {
          throw new UsageError(
            'Give exactly one provider, e.g. `ferry accounts add tencent-im`.',
            'accounts add',
          );
        }
        if (values.name === undefined || values.name.trim() === '') {
          throw new UsageError('--name <name> is required.', 'accounts add');
        }
        return {
          kind: 'accounts add',
          dataDir: dataDirOf(values['data-dir']),
          providerId: positionals[0]!,
          name: values.name,
          fields: fieldPairs(values.field, 'accounts add'),
          json: values.json ?? false,
        };
      }
      if (sub === 'set') {
        const { values, positionals } = parse(
          args,
          { field: { type: 'string', multiple: true }, json: { type: 'boolean' } },
          'accounts set',
        );
        if (values.help) return { kind: 'help', topic: 'accounts set' };
        if (positionals.length !== 1) {
          throw new UsageError(
            'Give exactly one account name or id, e.g. `ferry accounts set prod --field process.format=webp`.',
            'accounts set',
          );
        }
        const fields = fieldPairs(values.field, 'accounts set');
        if (fields.length === 0) throw new UsageError('Give at least one --field key=value.', 'accounts set');
        return {
          kind: 'accounts set',
          dataDir: dataDirOf(values['data-dir']),
          account: positionals[0]!,
          fields,
          json: values.json ?? false,
        };
      }
      if (sub === 'list') {
        const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 'accounts list');
        if (values.help) return { kind: 'help', topic: 'accounts list' };
        if (positionals.length > 0)
          throw new UsageError(`Unexpected argument "${positionals[0]}".`, 'accounts list');
        return { kind: 'accounts list', dataDir: dataDirOf(values['data-dir']), json: values.json ?? false };
      }
      if (sub === 'test' || sub === 'remove') {
        const topic = sub === 'test' ? 'accounts test' : 'accounts remove';
        const { values, positionals } = parse(args, { json: { type: 'boolean' } }, topic);
        if (values.help) return { kind: 'help', topic };
        if (positionals.length !== 1) {
          throw new UsageError(`Give exactly one account name or id, e.g. \`ferry ${topic} prod\`.`, topic);
        }
        return {
          kind: topic,
          dataDir: dataDirOf(values['data-dir']),
          account: positionals[0]!,
          json: values.json ?? false,
        };
      }
      throw new UsageError(`Unknown accounts command "${sub}".`, 'accounts');
    }
    case 'upload': {
      const { values, positionals } = parse(
        rest,
        {
          account: { type: 'string', short: 'a' },
          json: { type: 'boolean' },
          concurrency: { type: 'string' },
          convert: { type: 'string' },
          quality: { type: 'string' },
          'max-size': { type: 'string' },
          'strip-metadata': { type: 'string' },
          'watermark-text': { type: 'string' },
          rename: { type: 'string' },
          'no-process': { type: 'boolean' },
          force: { type: 'boolean' },
        },
        'upload',
      );
      if (values.help) return { kind: 'help', topic: 'upload' };
      if (positionals.length === 0) throw new UsageError('Give at least one file to upload.', 'upload');
      if (values.account === undefined) throw new UsageError('--account <name> is required.', 'upload');
      return {
        kind: 'upload',
        dataDir: dataDirOf(values['data-dir']),
        paths: positionals,
        account: values.account,
        json: values.json ?? false,
        ...(values.concurrency === undefined
          ? {}
          : { concurrency: positiveInt(values.concurrency, '--concurrency', 64, 'upload') }),
        ...(values['no-process'] ? { process: false } : {}),
        ...(values.force ? { force: true } : {}),
        ...processingFlags(values),
      };
    }
    case 'resume': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } }, 'resume');
      if (values.help) return { kind: 'help', topic: 'resume' };
      if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`, 'resume');
      return { kind: 'resume', dataDir: dataDirOf(values['data-dir']), json: values.json ?? false };
    }
    case 'history': {
      const { values, positionals } = parse(
        rest,
        {
          search: { type: 'string', short: 's' },
          limit: { type: 'string', short: 'n' },
          json: { type: 'boolean' },
        },
        'history',
      );
      if (values.help) return { kind: 'help', topic: 'history' };
      if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`, 'history');
      return {
        kind: 'history',
        dataDir: dataDirOf(values['data-dir']),
        ...(values.search === undefined ? {} : { search: values.search }),
        limit:
          values.limit === undefined
            ? defaultHistoryLimit
            : positiveInt(values.limit, '--limit', 100_000, 'history'),
        json: values.json ?? false,
      };
    }
    default:
      throw new UsageError(`Unknown command "${first}".`, 'main');
  }
}

/** The upload command's processing flags as a settings patch; a bad value is a usage error naming the flag. */
function processingFlags(values: Record<string, string | boolean | undefined>): {
  processing?: Partial<ProcessingSettings>;
} {
  const byField: Array<[flag: string, field: string]> = [
    ['convert', 'format'],
    ['quality', 'quality'],
    ['max-size', 'maxSize'],
    ['strip-metadata', 'stripMetadata'],
    ['watermark-text', 'watermarkText'],
    ['rename', 'rename'],
  ];
  const fields: Record<string, string> = {};
  for (const [flag, field] of byField) {
    const value = values[flag];
    if (typeof value === 'string') fields[field] = value;
  }
  if (Object.keys(fields).length === 0) return {};
  try {
    return { processing: processingPatchFromFields(fields) };
  } catch (error) {
    throw new UsageError((error as Error).message, 'upload');
  }
}
