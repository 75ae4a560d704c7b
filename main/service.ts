import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute } from 'node:path';
import type { Got } from 'got';
import { maxStagedBytes, type CommandResponse, type FerryEvent } from '../shared/contract.ts';
import type { ErrorView } from '../shared/errors.ts';
import type { AccountView, TaskState } from '../shared/models.ts';
import type { Settings } from '../shared/settings.ts';
import { CommandError, dispatchCommand, type CommandHandlers } from './contract-dispatch.ts';
import { UploadEngine, type ResolvedAccount } from './engine/upload-engine.ts';
import { UploadError } from './engine/upload-error.ts';
import type { ProviderPreferences } from './providers/provider.ts';
import { loadProvider } from './providers/registry.ts';
import { EmbeddedSandbox, type SandboxEndpoint } from './service/embedded-sandbox.ts';
import { AccountStore, type AccountRecord } from './store/account-store.ts';
import { openCheckedDatabase, type DatabaseRecovery, type SqliteDatabase } from './store/database.ts';
import { SettingsStore } from './store/settings-store.ts';
import { createThumbnailer } from './thumbnails/thumbnailer.ts';
import { Library } from './library.ts';
import { safeFileName } from './web/staging.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import type { RetryPolicy } from './engine/retry-policy.ts';
import { createKeyFileCipher } from './vault/key-file-cipher.ts';
import type { SecretCipher } from './vault/secret-cipher.ts';
import { Vault, VaultUnreadableError } from './vault/vault.ts';
import { providerCatalog } from '../shared/catalog.ts';
import { HistoryStore } from './store/history-store.ts';
import { TaskJournal } from './store/task-journal.ts';
import { createLogger, logDirOf, type FerryLogger } from './log/logger.ts';
import { scrubErrorView, secretScrubbingProvider } from './log/secret-scrub.ts';
import { LocalApiController } from './local-api/local-api-controller.ts';

/** The composition root's face: what every transport (Electron IPC, web shell, CLI) talks to. */
export interface FerryService {
  /** Validate and run one contract command; throws CommandError for a refused call. */
  dispatch(name: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
  /** Where the web shell stages the bytes of files dropped into a browser. */
  readonly stagingDir: string;
  /** Resolves when no upload is queued or running. */
  idle(): Promise<void>;
  /** The cached thumbnail file behind a history entry's `thumbnailKey`, for transports to serve; null for a malformed key. */
  thumbnailPath(key: string): string | null;
  /** The current settings, for main-side consumers (tray, notifications, the local API). */
  settings(): Settings;
  close(): Promise<void>;
}

export interface ServiceOptions {
  dataDir: string;
  /**
   * The emulator behind the "Sandbox" account. By default the service runs its own in-process
   * emulator; tests pass one they control (to inject faults), possibly from another process.
   */
  sandboxEmulator?: SandboxEndpoint;
  /**
   * When the in-process emulator starts: with the service (the default: the app's history links to
   * it must work as soon as the app opens), or when the Sandbox account is first used (a one-shot
   * CLI command, whose links die with the process anyway).
   */
  sandboxStart?: 'with-service' | 'on-first-use';
  /** How secrets are encrypted at rest: safeStorage in Electron; a 0600 key file by default. */
  cipher?: SecretCipher;
  /**
   * Where the service logs (redacted JSON lines). By default a rotating file in the data folder's
   * logs/, closed with the service; a logger passed in stays open (its owner closes it).
   */
  logger?: FerryLogger;
  /** Uploads at once; overrides the saved setting (tests, benchmarks). */
  concurrency?: number;
  /** "Show the local file" in the OS file manager: Electron's shell.showItemInFolder, in the app only. */
  showItemInFolder?: (path: string) => void;
  /** Where history exports go; the app passes the user's downloads folder. Default: <dataDir>/exports. */
  exportDir?: string;
  retryPolicy?: RetryPolicy;
  stallTimeoutMs?: number;
  /**
   * Run the PicGo-compatible local API when the settings enable it (default true). A one-shot CLI run
   * passes false: an editor must not catch a server that vanishes with the command.
   */
  serveLocalApi?: boolean;
}

export const sandboxAccountId = 'sandbox';
/** A connection test that hears nothing for this long reports a network failure. */
const testConnectionTimeoutMs = 30_000;
/** An account with tasks in these states cannot be removed: they would fail with nowhere to go. */
const unfinishedStates: readonly TaskState[] = ['queued', 'hashing', 'uploading', 'paused'];

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
  let recovery: DatabaseRecovery | null;
  try {
    // Checked at every start: a damaged file is moved aside and the last good backup restored.
    ({ db, recovery } = openCheckedDatabase(join(options.dataDir, 'ferry.db'), {
      backupsDir: join(options.dataDir, 'backups'),
    }));
  } catch (error) {
    lock.release();
    throw error;
  }
  let logger: FerryLogger;
  try {
    logger = options.logger ?? (await createLogger({ file: { dir: logDirOf(options.dataDir) } }));
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
  const ownsLogger = options.logger === undefined;
  const redactor = logger.redactor;
  const journal = new TaskJournal(db);
  const history = new HistoryStore(db);
  const accounts = new AccountStore(db);
  let vault: Vault;
  let cipher: SecretCipher;
  try {
    cipher = options.cipher ?? createKeyFileCipher(join(options.dataDir, 'vault.key'));
    vault = new Vault(db, cipher, {
      // Every plaintext the vault sees is removed from every log line and error message from then on.
      onSecret: (value) => redactor.register(value),
    });
  } catch (error) {
    if (ownsLogger) await logger.close();
    db.close();
    lock.release();
    throw error;
  }
  const stagingDir = join(options.dataDir, 'staging');
  mkdirSync(stagingDir, { recursive: true });
  const settings = new SettingsStore(db, cipher);
  if (settings.get().localApi.secret) redactor.register(settings.get().localApi.secret);

  const sandbox = new EmbeddedSandbox({
    dataDir: join(options.dataDir, 'sandbox'),
    given: options.sandboxEmulator,
    onReady: (endpoint) => redactor.register(endpoint.credentials.userSig),
  });
  if (options.sandboxStart !== 'on-first-use') await sandbox.endpoint();
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
  const library = new Library({
    db,
    history,
    thumbnailer: createThumbnailer({ cacheDir: join(options.dataDir, 'thumbnails') }),
    backupsDir: join(options.dataDir, 'backups'),
    exportDir: options.exportDir ?? join(options.dataDir, 'exports'),
    recovery,
    logger,
    emit,
    showItemInFolder: options.showItemInFolder,
    isStagedCopy: (path) => isInside(stagingDir, path),
  });

  // The sandbox account's endpoint and credentials belong to the running emulator, so they are
  // filled in at use time and never stored.
  const effectiveFields = (account: AccountRecord, endpoint: SandboxEndpoint | undefined) =>
    endpoint
      ? {
          ...account.fields,
          baseUrl: endpoint.baseUrl,
          sdkAppId: endpoint.credentials.sdkAppId,
          identifier: endpoint.credentials.identifier,
        }
      : account.fields;

  // The settings that providers read, as of each resolve: a changed part size applies to the next
  // upload (an S3 upload keeps the part size journaled with its session).
  const preferences = (): ProviderPreferences => {
    const { partSizeMiB } = settings.get();
    return partSizeMiB > 0 ? { partSize: partSizeMiB * 1024 * 1024 } : {};
  };

  const resolveAccount = async (accountId: string): Promise<ResolvedAccount> => {
    const account = accounts.get(accountId);
    if (!account)
      throw new UploadError({ code: 'account-not-found', message: `No account with id "${accountId}".` });
    const provider = await loadProvider(account.providerId);
    if (!provider) {
      throw new UploadError({
        code: 'account-not-found',
        message: `This Ferry has no provider "${account.providerId}".`,
      });
    }
    const endpoint = account.isSandbox ? await sandbox.endpoint() : undefined;
    let secrets: Record<string, string>;
    try {
      secrets = endpoint ? { userSig: endpoint.credentials.userSig } : vault.read(account.id);
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
      // Whatever the provider throws or returns passes the redactor before the engine journals it.
      provider: secretScrubbingProvider(provider, redactor),
      config: provider.parseConfig(effectiveFields(account, endpoint), preferences()),
      secrets,
    };
  };

  // got and its dependencies (about 20 MiB) are loaded for the first request, so a command that
  // sends none (`ferry accounts list`) does not pay for them.
  let httpClient: Promise<Got> | undefined;
  const http = (): Promise<Got> =>
    (httpClient ??= import('got').then(({ default: got }) =>
      got.extend({
        retry: { limit: 0 }, // the engine owns retries: a consumed body stream cannot be replayed
        timeout: { lookup: 10_000, connect: 10_000, secureConnect: 10_000, response: 60_000 },
        headers: { 'user-agent': 'Ferry/0.1' },
      }),
    ));

  const engine = new UploadEngine({
    journal,
    history,
    http,
    resolveAccount,
    concurrency: options.concurrency ?? settings.get().concurrency,
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    onTasksChanged: (tasks) => {
      for (const task of tasks) {
        // One line per failure (a task is reported again while other tasks progress).
        if (task.state !== 'failed' || loggedFailures.get(task.id) === task.updatedAt) continue;
        loggedFailures.set(task.id, task.updatedAt);
        logger.warn('upload failed', {
          taskId: task.id,
          accountId: task.accountId,
          name: task.name,
          size: task.size,
          error: task.error,
        });
      }
      emit({ name: 'tasks.changed', payload: { tasks } });
    },
    onHistoryAdded: (entry) => {
      logger.info('upload finished', {
        historyId: entry.id,
        accountId: entry.accountId,
        providerId: entry.providerId,
        name: entry.name,
        size: entry.size,
        remoteId: entry.remoteId,
      });
      emit({ name: 'history.added', payload: { entry } });
    },
    onTaskDone: (task) => {
      // Bytes staged by the web shell were a copy made for this upload; the history keeps the links.
      // They go once the thumbnail (which reads them) is made.
      const removeStaged = () => {
        if (isInside(stagingDir, task.path)) void rm(dirname(task.path), { recursive: true, force: true });
      };
      const entry = task.historyId ? history.get(task.historyId) : undefined;
      if (entry) library.uploaded(entry, task.path, removeStaged);
      else removeStaged();
    },
  });

  const loggedFailures = new Map<string, number>();
  const loggedUnreadable = new Set<string>();

  const toAccountView = (account: AccountRecord): AccountView => {
    const unreadable = account.isSandbox ? [] : vault.unreadableKeys(account.id);
    if (unreadable.length > 0 && !loggedUnreadable.has(account.id)) {
      loggedUnreadable.add(account.id);
      logger.warn('account needs its secrets entered again', {
        accountId: account.id,
        name: account.name,
        unreadable,
      });
    }
    if (unreadable.length === 0) loggedUnreadable.delete(account.id);
    return {
      id: account.id,
      providerId: account.providerId,
      name: account.name,
      isSandbox: account.isSandbox,
      fields: account.fields,
      secretsSet: secretsSetFor(account),
      needsReentry: unreadable.length > 0,
    };
  };

  function secretsSetFor(account: AccountRecord): Record<string, boolean> {
    const entry = providerCatalog.find((provider) => provider.id === account.providerId);
    const set = new Set(account.isSandbox ? entry?.fields.map((field) => field.key) : vault.keys(account.id));
    return Object.fromEntries(
      (entry?.fields ?? []).filter((field) => field.secret).map((field) => [field.key, set.has(field.key)]),
    );
  }

  /** Check a new account against its catalog entry and its adapter, then store it: fields in SQLite, secrets in the vault. */
  async function addAccount(request: {
    providerId: string;
    name: string;
    fields: Record<string, string>;
    secrets: Record<string, string>;
  }): Promise<AccountView> {
    const entry = providerCatalog.find((provider) => provider.id === request.providerId);
    const provider = await loadProvider(request.providerId);
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
    logger.info('account added', {
      accountId: account.id,
      providerId: account.providerId,
      name: account.name,
    });
    return toAccountView(account);
  }

  const invalid = (message: string): never => {
    throw new CommandError({ code: 'account-invalid', message });
  };

  /** A stored, editable account with its catalog entry; the Sandbox is built in and refused. */
  async function editableAccount(id: string, verb: string) {
    const account = accounts.get(id);
    if (!account)
      throw new CommandError({ code: 'account-not-found', message: `No account with id "${id}".` });
    if (account.isSandbox)
      return invalid(
        `The Sandbox account is built in: it cannot be ${verb}. Add an account of your own instead.`,
      );
    const entry = providerCatalog.find((provider) => provider.id === account.providerId);
    const provider = await loadProvider(account.providerId);
    if (!entry || !provider) return invalid(`This Ferry has no provider "${account.providerId}".`);
    return { account, entry, provider };
  }

  /**
   * Rename, patch settings, replace or clear secrets, checked like a new account. Replacing the
   * secrets that no longer decrypt is how an account leaves "needs re-entry".
   */
  async function updateAccount(request: {
    id: string;
    name?: string | undefined;
    fields?: Record<string, string> | undefined;
    secrets?: Record<string, string | null> | undefined;
  }): Promise<AccountView> {
    const { account, entry, provider } = await editableAccount(request.id, 'edited');
    const name = request.name ?? account.name;
    if (name !== account.name && accounts.byName(name)) invalid(`An account named "${name}" exists already.`);
    const known = new Map<string, boolean>(entry.fields.map((field) => [field.key, field.secret]));

    const fields = { ...account.fields };
    for (const [key, value] of Object.entries(request.fields ?? {})) {
      if (known.get(key) !== false) invalid(`"${key}" is not a setting of ${entry.name}.`);
      if (value === '') delete fields[key];
      else fields[key] = value;
    }
    const toSet: Record<string, string> = {};
    const toClear: string[] = [];
    for (const [key, value] of Object.entries(request.secrets ?? {})) {
      if (known.get(key) !== true) invalid(`"${key}" is not a secret of ${entry.name}.`);
      if (value === null || value === '') toClear.push(key);
      else toSet[key] = value;
    }
    const secretsAfter = new Set(vault.keys(account.id));
    for (const key of toClear) secretsAfter.delete(key);
    for (const key of Object.keys(toSet)) secretsAfter.add(key);
    for (const field of entry.fields) {
      const present = field.secret ? secretsAfter.has(field.key) : Boolean(fields[field.key]);
      if (field.required && !present) invalid(`${field.label} is required.`);
    }
    try {
      provider.parseConfig(fields);
    } catch (error) {
      invalid(error instanceof UploadError ? error.view.message : String(error));
    }
    db.transaction(() => {
      accounts.update(account.id, { name, fields });
      vault.clear(account.id, toClear);
      vault.set(account.id, toSet);
    })();
    logger.info('account updated', {
      accountId: account.id,
      renamed: name !== account.name,
      fieldsChanged: Object.keys(request.fields ?? {}),
      // Which secrets changed, by key: never their values.
      secretsReplaced: Object.keys(toSet),
      secretsCleared: toClear,
    });
    return toAccountView(accounts.get(account.id)!);
  }

  async function removeAccount(id: string): Promise<{ id: string }> {
    const { account } = await editableAccount(id, 'removed');
    const unfinished = engine
      .list()
      .filter((task) => task.accountId === id && unfinishedStates.includes(task.state));
    if (unfinished.length > 0) {
      invalid(
        `"${account.name}" has ${unfinished.length} unfinished upload${unfinished.length === 1 ? '' : 's'}; ` +
          'cancel them (or let them finish) before removing the account.',
      );
    }
    db.transaction(() => {
      vault.clear(id, vault.keys(id));
      accounts.remove(id);
    })();
    logger.info('account removed', { accountId: id, name: account.name });
    return { id };
  }

  async function testAccount(id: string): Promise<CommandResponse<'accounts.test'>> {
    const account = accounts.get(id);
    if (!account)
      throw new CommandError({ code: 'account-not-found', message: `No account with id "${id}".` });
    const failed = (error: ErrorView, unsupported = false): CommandResponse<'accounts.test'> => {
      const view = scrubErrorView(error, redactor);
      logger.warn('account test failed', { accountId: id, name: account.name, unsupported, error: view });
      return { ok: false, error: view, unsupported };
    };
    let resolved: ResolvedAccount;
    try {
      resolved = await resolveAccount(id);
    } catch (error) {
      if (error instanceof UploadError) return failed(error.view);
      throw error;
    }
    const { testConnection } = resolved.provider;
    if (!testConnection) {
      const name = providerCatalog.find((provider) => provider.id === account.providerId)?.name;
      return failed(
        {
          code: 'invalid-request',
          message: `${name ?? account.providerId} has no way to test a connection without uploading a file; upload a small file to check the account.`,
        },
        true,
      );
    }
    const signal = AbortSignal.timeout(testConnectionTimeoutMs);
    try {
      await testConnection({
        config: resolved.config,
        secrets: resolved.secrets,
        http: await http(),
        signal,
      });
    } catch (error) {
      if (error instanceof UploadError) return failed(error.view);
      const message = error instanceof Error ? error.message : String(error);
      logger.error('account test crashed', { accountId: id, err: error });
      return failed({ code: 'internal', message: `Unexpected error: ${message}` });
    }
    logger.info('account test succeeded', { accountId: id, name: account.name });
    return { ok: true };
  }

  const handlers: CommandHandlers = {
    'accounts.list': async () => accounts.list().map(toAccountView),
    'accounts.add': async (request) => addAccount(request),
    'accounts.update': async (request) => updateAccount(request),
    'accounts.remove': async ({ id }) => removeAccount(id),
    'accounts.test': async ({ id }) => testAccount(id),
    'vault.status': async () => vault.describe(),
    'uploads.add': async ({ paths, accountId }) => {
      try {
        return { taskIds: await engine.add(paths, accountId) };
      } catch (error) {
        if (error instanceof UploadError) throw new CommandError(error.view);
        throw error;
      }
    },
    'uploads.stage': async ({ name, bytesBase64 }) => {
      // The schema bounds the text; the decoded size is checked again (padding and stray characters).
      const bytes = Buffer.from(bytesBase64, 'base64');
      if (bytes.length === 0) {
        throw new CommandError({ code: 'invalid-request', message: 'Nothing was pasted.' });
      }
      if (bytes.length > maxStagedBytes) {
        throw new CommandError({
          code: 'file-too-large',
          message: `Pasted data can be at most ${maxStagedBytes / 1024 / 1024} MiB; this is ${bytes.length} bytes.`,
        });
      }
      // Like the web shell's staging PUT: its own folder, a cleaned name, removed after the upload.
      const folder = join(stagingDir, randomUUID());
      await mkdir(folder, { recursive: true });
      const path = join(folder, safeFileName(name));
      await writeFile(path, bytes, { flag: 'wx' });
      return { path };
    },
    'uploads.list': async () => engine.list().filter((task) => task.state !== 'done'),
    'uploads.pause': async ({ taskIds }) => ({ taskIds: engine.pause(taskIds) }),
    'uploads.resume': async ({ taskIds }) => ({ taskIds: engine.resume(taskIds) }),
    'uploads.cancel': async ({ taskIds }) => ({ taskIds: await engine.cancel(taskIds) }),
    'uploads.retry': async ({ taskIds }) => ({ taskIds: await engine.retry(taskIds) }),
    'uploads.pauseAll': async () => ({ taskIds: engine.pauseAll() }),
    'uploads.resumeAll': async () => ({ taskIds: engine.resumeAll() }),
    ...library.handlers,
    // Start notices, plus the local API's "could not listen" while that lasts.
    'notices.list': async (request) => [
      ...(await library.handlers['notices.list'](request)),
      ...localApi.notices(),
    ],
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      const next = settings.update(patch);
      if (next.localApi.secret) redactor.register(next.localApi.secret);
      if (patch.concurrency !== undefined) engine.setConcurrency(next.concurrency);
      // Started, stopped or moved before the answer, so the caller sees the new state at once.
      if (patch.localApi !== undefined && serveLocalApi) await localApi.apply(next.localApi);
      logger.info('settings changed', { keys: Object.keys(patch) });
      emit({ name: 'settings.changed', payload: { settings: next } });
      return next;
    },
  };

  engine.resumeUnfinished();
  void library.start();
  const vaultStatus = vault.describe();
  logger.info('service started', { vault: { kind: vaultStatus.kind, secure: vaultStatus.secure } });

  const service: FerryService = {
    stagingDir,
    async dispatch(name, request) {
      try {
        return await dispatchCommand(handlers, name, request);
      } catch (error) {
        if (error instanceof CommandError) throw new CommandError(scrubErrorView(error.view, redactor));
        // Not the caller's fault: the contract says "internal", the log keeps the (redacted) details.
        logger.error('command failed', { command: String(name).slice(0, 100), err: error });
        throw error;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => engine.idle(),
    thumbnailPath: (key) => library.thumbnailPath(key),
    settings: () => settings.get(),
    async close() {
      await localApi.close(); // no editor request may start an upload after the engine stopped
      await engine.close();
      await library.close();
      listeners.clear();
      await sandbox.close();
      db.close();
      logger.info('service closed');
      if (ownsLogger) await logger.close();
      else await logger.flush();
      lock.release();
    },
  };

  // The PicGo-compatible upload API for editors: wherever the service runs, and only when enabled.
  const serveLocalApi = options.serveLocalApi ?? true;
  const localApi = new LocalApiController({
    service,
    settings: () => settings.get(),
    logger,
    notify: (notice) => emit({ name: 'notice', payload: notice }),
  });
  if (serveLocalApi) await localApi.apply(settings.get().localApi);
  return service;
}
