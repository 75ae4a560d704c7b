import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute } from 'node:path';
import got from 'got';
import type { FerryEvent } from '../shared/contract.ts';
import type { AccountView } from '../shared/models.ts';
import { CommandError, dispatchCommand, type CommandHandlers } from './contract-dispatch.ts';
import { UploadEngine, type ResolvedAccount } from './engine/upload-engine.ts';
import { UploadError } from './engine/upload-error.ts';
import type { Provider } from './providers/provider.ts';
import { providerRegistry } from './providers/registry.ts';
import { startSandbox } from './sandbox/sandbox.ts';
import type { PicUpEmulator } from './sandbox/tencent-im/pic-up-emulator.ts';
import { AccountStore, type AccountRecord } from './store/account-store.ts';
import { openDatabase, type SqliteDatabase } from './store/database.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import type { RetryPolicy } from './engine/retry-policy.ts';
import { createKeyFileCipher } from './vault/key-file-cipher.ts';
import type { SecretCipher } from './vault/secret-cipher.ts';
import { Vault, VaultUnreadableError } from './vault/vault.ts';
import { providerCatalog } from '../shared/catalog.ts';
import { HistoryStore } from './store/history-store.ts';
import { TaskJournal } from './store/task-journal.ts';

/** The composition root's face: what every transport (Electron IPC, web shell, CLI) talks to. */
export interface FerryService {
  /** Validate and run one contract command; throws CommandError for a refused call. */
  dispatch(name: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
  /** Where the web shell stages the bytes of files dropped into a browser. */
  readonly stagingDir: string;
  /** Resolves when no upload is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  dataDir: string;
  /**
   * The emulator behind the "Sandbox" account. By default the service runs its own in-process
   * emulator; tests pass one they control (to inject faults), possibly from another process.
   */
  sandboxEmulator?: Pick<PicUpEmulator, 'baseUrl' | 'credentials'>;
  /** How secrets are encrypted at rest: safeStorage in Electron; a 0600 key file by default. */
  cipher?: SecretCipher;
  concurrency?: number;
  retryPolicy?: RetryPolicy;
  stallTimeoutMs?: number;
}

export const sandboxAccountId = 'sandbox';
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Build Ferry's services in one readable order (Motrix style): storage, the sandbox, the engine, then
 * the contract handlers over them.
 */
export async function createService(options: ServiceOptions): Promise<FerryService> {
  mkdirSync(options.dataDir, { recursive: true });
  const lock = lockDataDir(options.dataDir);
  let db: SqliteDatabase;
  try {
    db = openDatabase(join(options.dataDir, 'ferry.db'));
  } catch (error) {
    lock.release();
    throw error;
  }
  const journal = new TaskJournal(db);
  const history = new HistoryStore(db);
  const accounts = new AccountStore(db);
  const vault = new Vault(db, options.cipher ?? createKeyFileCipher(join(options.dataDir, 'vault.key')));
  const stagingDir = join(options.dataDir, 'staging');
  mkdirSync(stagingDir, { recursive: true });

  // The embedded sandbox keeps its port and objects in the data folder, so links in the history keep
  // working across restarts. Its credentials are its own, random, and protect only a loopback server.
  const embedded = options.sandboxEmulator
    ? undefined
    : await startSandbox({ dataDir: join(options.dataDir, 'sandbox') });
  const sandbox = options.sandboxEmulator ?? embedded!.tencentIm;
  accounts.ensure({
    id: sandboxAccountId,
    providerId: 'tencent-im',
    name: 'Sandbox',
    fields: { fromAccount: 'ferry-user', toAccount: 'ferry-sandbox' },
    isSandbox: true,
  });

  const listeners = new Set<(event: FerryEvent) => void>();
  const emit = (event: FerryEvent): void => {
    for (const listener of listeners) listener(event);
  };

  // The sandbox account's endpoint and credentials belong to the running emulator, so they are
  // filled in at use time and never stored.
  const effectiveFields = (account: AccountRecord): Record<string, string> =>
    account.isSandbox
      ? {
          ...account.fields,
          baseUrl: sandbox.baseUrl,
          sdkAppId: sandbox.credentials.sdkAppId,
          identifier: sandbox.credentials.identifier,
        }
      : account.fields;

  const resolveAccount = (accountId: string): ResolvedAccount => {
    const account = accounts.get(accountId);
    if (!account)
      throw new UploadError({ code: 'account-not-found', message: `No account with id "${accountId}".` });
    const provider = providerRegistry[account.providerId] as Provider<unknown, unknown> | undefined;
    if (!provider) {
      throw new UploadError({
        code: 'account-not-found',
        message: `This Ferry has no provider "${account.providerId}".`,
      });
    }
    let secrets: Record<string, string>;
    try {
      secrets = account.isSandbox ? { userSig: sandbox.credentials.userSig } : vault.read(account.id);
    } catch (error) {
      if (!(error instanceof VaultUnreadableError)) throw error;
      throw new UploadError({
        code: 'credentials-unreadable',
        message: `Account "${account.name}": ${error.message}`,
      });
    }
    return {
      id: account.id,
      providerId: account.providerId,
      provider,
      config: provider.parseConfig(effectiveFields(account)),
      secrets,
    };
  };

  const http = got.extend({
    retry: { limit: 0 }, // the engine owns retries: a consumed body stream cannot be replayed
    timeout: { lookup: 10_000, connect: 10_000, secureConnect: 10_000, response: 60_000 },
    headers: { 'user-agent': 'Ferry/0.1' },
  });

  const engine = new UploadEngine({
    journal,
    history,
    http,
    resolveAccount,
    concurrency: options.concurrency ?? 3,
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    onTasksChanged: (tasks) => emit({ name: 'tasks.changed', payload: { tasks } }),
    onHistoryAdded: (entry) => emit({ name: 'history.added', payload: { entry } }),
    onTaskDone: (task) => {
      // Bytes staged by the web shell were a copy made for this upload; the history keeps the links.
      if (isInside(stagingDir, task.path)) void rm(dirname(task.path), { recursive: true, force: true });
    },
  });

  const toAccountView = (account: AccountRecord): AccountView => ({
    id: account.id,
    providerId: account.providerId,
    name: account.name,
    isSandbox: account.isSandbox,
    fields: account.fields,
    secretsSet: secretsSetFor(account),
  });

  function secretsSetFor(account: AccountRecord): Record<string, boolean> {
    const entry = providerCatalog.find((provider) => provider.id === account.providerId);
    const set = new Set(account.isSandbox ? entry?.fields.map((field) => field.key) : vault.keys(account.id));
    return Object.fromEntries(
      (entry?.fields ?? []).filter((field) => field.secret).map((field) => [field.key, set.has(field.key)]),
    );
  }

  /** Check a new account against its catalog entry and its adapter, then store it: fields in SQLite, secrets in the vault. */
  function addAccount(request: {
    providerId: string;
    name: string;
    fields: Record<string, string>;
    secrets: Record<string, string>;
  }): AccountView {
    const entry = providerCatalog.find((provider) => provider.id === request.providerId);
    const provider = providerRegistry[request.providerId] as Provider<unknown, unknown> | undefined;
    const invalid = (message: string): never => {
      throw new CommandError({ code: 'account-invalid', message });
    };
    if (!entry || !provider) return invalid(`Unknown provider "${request.providerId}".`);
    if (accounts.byName(request.name)) return invalid(`An account named "${request.name}" exists already.`);
    for (const field of entry.fields) {
      const given = field.secret ? request.secrets[field.key] : request.fields[field.key];
      if (field.required && !given) return invalid(`${field.label} is required.`);
    }
    const known = new Map<string, boolean>(entry.fields.map((field) => [field.key, field.secret]));
    for (const key of Object.keys(request.fields)) {
      if (known.get(key) !== false) return invalid(`"${key}" is not a setting of ${entry.name}.`);
    }
    for (const key of Object.keys(request.secrets)) {
      if (known.get(key) !== true) return invalid(`"${key}" is not a secret of ${entry.name}.`);
    }
    try {
      provider.parseConfig(request.fields);
    } catch (error) {
      return invalid(error instanceof UploadError ? error.view.message : String(error));
    }
    const account = db.transaction(() => {
      const added = accounts.add({
        id: randomUUID(),
        providerId: request.providerId,
        name: request.name,
        fields: request.fields,
      });
      vault.set(added.id, request.secrets);
      return added;
    })();
    return toAccountView(account);
  }

  const handlers: CommandHandlers = {
    'accounts.list': async () => accounts.list().map(toAccountView),
    'accounts.add': async (request) => addAccount(request),
    'uploads.add': async ({ paths, accountId }) => {
      try {
        return { taskIds: await engine.add(paths, accountId) };
      } catch (error) {
        if (error instanceof UploadError) throw new CommandError(error.view);
        throw error;
      }
    },
    'uploads.list': async () => engine.list().filter((task) => task.state !== 'done'),
    'uploads.pause': async ({ taskIds }) => ({ taskIds: engine.pause(taskIds) }),
    'uploads.resume': async ({ taskIds }) => ({ taskIds: engine.resume(taskIds) }),
    'uploads.cancel': async ({ taskIds }) => ({ taskIds: await engine.cancel(taskIds) }),
    'uploads.retry': async ({ taskIds }) => ({ taskIds: await engine.retry(taskIds) }),
    'uploads.pauseAll': async () => ({ taskIds: engine.pauseAll() }),
    'uploads.resumeAll': async () => ({ taskIds: engine.resumeAll() }),
    'history.list': async ({ cursor, limit, search }) => history.page(limit, cursor, search),
  };

  engine.resumeUnfinished();

  return {
    stagingDir,
    dispatch: (name, request) => dispatchCommand(handlers, name, request),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => engine.idle(),
    async close() {
      await engine.close();
      listeners.clear();
      await embedded?.close();
      db.close();
      lock.release();
    },
  };
}
