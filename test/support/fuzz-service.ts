import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import sharp from 'sharp';
import { commandNames, isCommandName, type CommandName } from '../../shared/channels.ts';
import { providerCatalog, type ProviderCatalogEntry } from '../../shared/catalog.ts';
import { commandSchemas, eventSchemas, type FerryEvent } from '../../shared/contract.ts';
import { errorViewSchema } from '../../shared/models.ts';
import { CommandError } from '../../main/contract-dispatch.ts';
import { createLogger, type FerryLogger } from '../../main/log/logger.ts';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import { refuseNonLoopback } from './loopback-only.ts';
import type { Hints } from './schema-arbitrary.ts';
import { startServiceHarness } from './service-harness.ts';

/**
 * A real service in a temp data folder for fuzzing its doors, with what makes generated payloads
 * reach past "not found": pools of ids and paths that exist (filled as the fuzz creates tasks,
 * entries and exports), files of every kind (image, empty, folder, FIFO), and hints that mix those
 * into the schema-shaped arbitraries. Nothing leaves loopback: the sandbox account talks to a
 * loopback emulator, a stored account points at a closed loopback port, and every other connection
 * is refused (`refuseNonLoopback`).
 */
export interface FuzzService {
  service: FerryService;
  hints: Hints;
  /** Paths of every kind (image, text, empty, folder, FIFO, missing, relative). */
  paths: readonly string[];
  /** accounts.add requests the catalog accepts, pointing at loopback. */
  goodAccounts: fc.Arbitrary<unknown>;
  /** Every event the service emitted, to be checked against its schema. */
  events: readonly FerryEvent[];
  /** Lines the service logged at error level (an internal error leaves one). */
  errorLines: string[];
  /** Connections to other hosts that were refused: must stay empty. */
  refused: string[];
  dirs: { data: string; files: string };
  close(): Promise<void>;
}

/** Picks from a list that grows while the fuzz runs (ids it created), or a placeholder while empty. */
export function fromPool(pool: readonly string[], empty = 'none'): fc.Arbitrary<string> {
  return fc.nat({ max: 10_000 }).map((index) => (pool.length === 0 ? empty : pool[index % pool.length]!));
}

export async function startFuzzService(): Promise<FuzzService> {
  const guard = refuseNonLoopback();
  const errorLines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.includes('"level":"error"') || line.includes('"level":50')) errorLines.push(line);
      done();
    },
  });
  const logger: FerryLogger = await createLogger({ streams: [capture] });
  // No local API: its port would come from generated settings (the local API fuzz starts its own on port 0).
  const harness = await startServiceHarness({ service: { logger, concurrency: 2 } });
  const { service, events } = harness;
  const data = harness.dataDir;
  const files = harness.filesDir;

  // Files of every kind a path can name.
  await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .png()
    .toFile(join(files, 'picture.png'));
  writeFileSync(join(files, 'notes.txt'), 'Ferry fuzz\n');
  writeFileSync(join(files, 'empty.bin'), '');
  writeFileSync(join(files, 'not-an-export.jsonl'), '{"id": 1}\n[]\nnot json\n');
  writeFileSync(join(files, 'header-only.csv'), 'id,name\n');
  mkdirSync(join(files, 'a folder'));
  const fifo = join(files, 'a-fifo');
  execFileSync('mkfifo', [fifo]);

  // A stored account of a real provider, pointing at a loopback port nothing listens on.
  const closed = (await service.dispatch('accounts.add', {
    providerId: 'tus',
    name: 'Closed loopback',
    fields: { endpoint: 'http://127.0.0.1:9/files/' },
    secrets: {},
  })) as { id: string };

  const accountIds = [sandboxAccountId, closed.id];
  const historyIds: string[] = [];
  service.subscribe((event) => {
    if (event.name === 'history.added') historyIds.push(event.payload.entry.id);
  });
  // Two finished uploads, so that history commands meet entries from the first case on.
  await service.dispatch('uploads.add', {
    paths: [join(files, 'picture.png'), join(files, 'notes.txt')],
    accountId: sandboxAccountId,
  });
  await service.idle();
  const paths = [
    join(files, 'picture.png'),
    join(files, 'notes.txt'),
    join(files, 'empty.bin'),
    join(files, 'a folder'),
    fifo,
    join(files, 'missing.png'),
    join(files, 'a folder', '..', 'notes.txt'),
    'relative/missing.txt',
  ];
  const importPaths = [...paths, join(files, 'not-an-export.jsonl'), join(files, 'header-only.csv')];
  const taskIds: string[] = [];
  const cursors: string[] = ['s0', 's-1', 's9223372036854775807', 's99999999999999999999999'];
  service.subscribe((event) => {
    if (event.name === 'tasks.changed')
      for (const task of event.payload.tasks) if (!taskIds.includes(task.id)) taskIds.push(task.id);
  });
  // Answers feed the pools too: an export is something to import, a cursor something to page with.
  const dispatch = service.dispatch.bind(service);
  service.dispatch = async (name, request) => {
    const answer = await dispatch(name, request);
    const value = answer as Record<string, unknown> | null;
    if (name === 'history.export' && typeof value?.path === 'string') {
      // As the window would after the user picked that file to import.
      service.grantPaths([value.path]);
      importPaths.push(value.path);
    }
    if (name === 'history.list' && typeof value?.nextCursor === 'string') cursors.push(value.nextCursor);
    if (name === 'accounts.add' && typeof value?.id === 'string') accountIds.push(value.id);
    return answer;
  };

  // Not OPPO push: a failed OPPO upload keeps its derivative pictures in the shared temp folder for
  // a retry that may never come, which the run's leftover check reports (see docs/security.md).
  const catalog = (providerCatalog as readonly ProviderCatalogEntry[]).filter(
    (entry) => entry.id !== 'oppo-push',
  );
  const fieldKeys = [...new Set(providerCatalog.flatMap((entry) => entry.fields.map((field) => field.key)))];
  const fieldValues = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      'http://127.0.0.1:9/',
      'https://localhost:1/x',
      'true',
      'false',
      '0',
      '-1',
      'content-md5',
    ),
  );
  // Accounts the catalog would accept (loopback endpoints only), for accounts.add to get past "required".
  const goodAccounts = fc.constantFrom(...catalog).chain((entry) =>
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.tuple(...entry.fields.map(() => fieldValues)),
        fc.subarray(entry.fields.filter((field) => !field.required).map((field) => field.key)),
      )
      .map(([name, values, skipped]) => {
        const fields: Record<string, string> = {};
        const secrets: Record<string, string> = {};
        entry.fields.forEach((field, index) => {
          if (skipped.includes(field.key)) return;
          const value =
            field.kind === 'url'
              ? 'http://127.0.0.1:9/'
              : field.kind === 'select'
                ? field.options![index % field.options!.length]!
                : field.kind === 'boolean'
                  ? 'true'
                  : field.kind === 'number'
                    ? '1048576'
                    : values[index]! || 'x';
          (field.secret ? secrets : fields)[field.key] = value;
        });
        return { providerId: entry.id, name, fields, secrets };
      }),
  );
  const hints: Hints = {
    accountId: fromPool(accountIds),
    defaultAccountId: fromPool(accountIds),
    id: fc.oneof(fromPool(accountIds), fromPool(historyIds)),
    providerId: fc.constantFrom(...catalog.map((entry) => entry.id)),
    fields: fc.dictionary(fc.constantFrom(...fieldKeys), fieldValues, { maxKeys: 6 }),
    secrets: fc.dictionary(fc.constantFrom(...fieldKeys), fc.oneof(fieldValues, fc.constant(null)), {
      maxKeys: 4,
    }),
    paths: fc.array(fromPool(paths), { minLength: 1, maxLength: 4 }),
    path: fromPool(importPaths),
    taskIds: fc.array(fromPool(taskIds), { minLength: 1, maxLength: 4 }),
    ids: fc.array(fromPool(historyIds), { minLength: 1, maxLength: 4 }),
    cursor: fromPool(cursors),
    bytesBase64: fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  };

  return {
    service,
    hints,
    paths,
    goodAccounts,
    events,
    errorLines,
    refused: guard.refused,
    dirs: { data, files },
    async close() {
      // A reader stuck on the FIFO (history.import once opened one and waited forever) is let go.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waiting: nothing to release.
      }
      try {
        await harness.close();
      } finally {
        await logger.close();
        guard.restore();
      }
    },
  };
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export async function outcomeOf(answer: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await answer };
  } catch (error) {
    return { ok: false, error };
  }
}

/** What crosses a transport: JSON for the web shell, a structured clone for Electron IPC. */
function crossed(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * The contract's promise for one call, as a list of what is wrong with the answer (empty when it
 * keeps it): an unknown name is `unknown-command`; a request its schema refuses is `invalid-request`;
 * anything else is a response its schema accepts (also after crossing a transport) or an error view
 * with a known code that is not `internal`.
 */
export function contractBreaches(name: unknown, request: unknown, outcome: Outcome): string[] {
  const breaches: string[] = [];
  const errorView = (): { code: string } | null => {
    if (outcome.ok) return null;
    if (!(outcome.error instanceof CommandError)) {
      breaches.push(
        `threw ${String(outcome.error)} instead of a CommandError (the transport says "internal")`,
      );
      return null;
    }
    if (!errorViewSchema.safeParse(outcome.error.view).success)
      breaches.push(`error view outside its schema: ${JSON.stringify(outcome.error.view)}`);
    return outcome.error.view;
  };
  if (!isCommandName(name)) {
    if (outcome.ok) breaches.push('an unknown command answered');
    else if (errorView()?.code !== 'unknown-command')
      breaches.push('an unknown command is not unknown-command');
    return breaches;
  }
  const valid = commandSchemas[name].request.safeParse(request ?? {}).success;
  if (outcome.ok) {
    if (!valid) breaches.push('a request its schema refuses was answered');
    const schema = commandSchemas[name].response;
    if (!schema.safeParse(outcome.value).success)
      breaches.push(`response outside its schema: ${JSON.stringify(outcome.value)?.slice(0, 300)}`);
    else if (!schema.safeParse(crossed(outcome.value)).success)
      breaches.push('response breaks after crossing JSON');
    return breaches;
  }
  const view = errorView();
  if (view === null) return breaches;
  if (!valid && view.code !== 'invalid-request')
    breaches.push(`a refused request answered ${view.code}, not invalid-request`);
  if (valid && (view.code === 'internal' || view.code === 'unknown-command'))
    breaches.push(`a valid request answered ${view.code}: ${JSON.stringify(view)}`);
  return breaches;
}

/** Events the service emitted that their schema refuses, before or after crossing JSON. */
export function eventBreaches(events: readonly FerryEvent[]): string[] {
  return events.flatMap((event) => {
    const schema = eventSchemas[event.name];
    if (!schema.safeParse(event.payload).success) return [`${event.name} event outside its schema`];
    if (!schema.safeParse(crossed(event.payload)).success)
      return [`${event.name} event breaks after crossing JSON`];
    return [];
  });
}

/** Commands in the order the fuzz runs them: removing accounts last keeps the stored ones for the others. */
export const fuzzOrder: readonly CommandName[] = [
  ...commandNames.filter((name) => name !== 'accounts.remove'),
  'accounts.remove',
];
