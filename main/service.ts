import { join } from 'node:path';
import type { Got } from 'got';
import type { FerryEvent, Notice } from '../shared/contract.ts';
import type { Settings } from '../shared/settings.ts';
import { CommandError, dispatchCommand, type CommandHandlers } from './contract-dispatch.ts';
import type { RetryPolicy } from './engine/retry-policy.ts';
import type { FerryLogger } from './log/logger.ts';
import { scrubErrorView } from './log/secret-scrub.ts';
import { createThumbnailer } from './thumbnails/thumbnailer.ts';
import type { SecretCipher } from './vault/secret-cipher.ts';
import { Accounts } from './service/accounts.ts';
import { ClipboardIntake, type ClipboardSource } from './service/clipboard-intake.ts';
import { planFor } from './service/upload-plan.ts';
import { openDataFolder, type DataFolder } from './service/data-folder.ts';
import { EmbeddedSandbox, type SandboxEmulator } from './service/embedded-sandbox.ts';
import { EventHub } from './service/event-hub.ts';
import { HistoryLibrary } from './service/history-library.ts';
import { HostNotices, type HostNoticeKind } from './service/host-notices.ts';
import type { LocalApiFactory } from './service/local-api-host.ts';
import { PathGrants, pathsOutside } from './service/path-grants.ts';
import { settingsHandlers } from './service/settings.ts';
import { StagingArea, Uploads } from './service/uploads.ts';

export { sandboxAccountId } from './service/accounts.ts';
export type { ClipboardSource } from './service/clipboard-intake.ts';
export type { HostNoticeKind } from './service/host-notices.ts';
export type { LocalApiDeps, LocalApiFactory, LocalApiHost } from './service/local-api-host.ts';

/** The composition root's face: what every transport (Electron IPC, web shell, CLI) talks to. */
export interface FerryService {
  /** Validate and run one contract command; throws CommandError for a refused call. */
  dispatch(name: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
  /** Where the web shell stages the bytes of files dropped into a browser. */
  readonly stagingDir: string;
  /**
   * Paths the user handed Ferry outside the contract: a drop or a pick the preload registered, a
   * native dialog, the OS opening files with Ferry, the command line's arguments. Only these (and
   * what lies inside granted folders) can be named in `uploads.add`. Deliberately not a contract
   * command: nothing a renderer or a web page sends can grant a path.
   */
  grantPaths(paths: readonly string[]): void;
  /** Resolves when no upload is queued or running. */
  idle(): Promise<void>;
  /** The cached thumbnail file behind a history entry's `thumbnailKey`, for transports to serve; null for a malformed key. */
  thumbnailPath(key: string): string | null;
  /** The current settings, for main-side consumers (tray, notifications, the local API). */
  settings(): Settings;
  /**
   * A notice only the transport knows about (the desktop app's clipboard shortcut that another app
   * holds): announced, and listed by notices.list until cleared with null or dismissed.
   */
  setHostNotice(kind: HostNoticeKind, message: string | null): void;
  /**
   * The notice about a damaged database that this start repaired, null when it opened healthy. The CLI
   * prints it; windows find it (and older unread ones) through `notices.list`.
   */
  readonly recoveredAtStart: Notice | null;
  /** The service's (redacting) log, where transports note what happened on their own sockets. */
  readonly logger: FerryLogger;
  close(): Promise<void>;
}

export interface ServiceOptions {
  dataDir: string;
  /**
   * The emulator behind the "Sandbox" account. By default the service runs its own in-process
   * emulator; tests pass one they control (to inject faults), possibly from another process.
   */
  sandboxEmulator?: SandboxEmulator;
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
   * The PicGo-compatible local API, run when the settings enable it: the app and the web shell plug in
   * main/local-api's controller. A one-shot CLI run passes none: an editor must not catch a server
   * that vanishes with the command.
   */
  localApi?: LocalApiFactory;
  /**
   * The system clipboard, for `uploads.clipboard`: Electron's in the app. The web shell and the CLI
   * pass none (the browser pastes by itself; a command line has files), and the command says so.
   */
  clipboard?: ClipboardSource;
  /** Which file managers' clipboard formats to read; process.platform by default (tests pass another). */
  platform?: NodeJS.Platform;
}

/**
 * Build Ferry's services in one readable order (Motrix style): the data folder (database, log,
 * vault), the sandbox, the history library, the accounts, the uploads, the local API, then the
 * contract handlers over them. A failure on the way closes the data folder again.
 */
export async function createService(options: ServiceOptions): Promise<FerryService> {
  const data = await openDataFolder(options);
  try {
    return await composeService(data, options);
  } catch (error) {
    await data.close();
    throw error;
  }
}

async function composeService(data: DataFolder, options: ServiceOptions): Promise<FerryService> {
  const { logger, vault, settings } = data;
  const events = new EventHub();
  const hostNotices = new HostNotices(events.emit);
  const staging = new StagingArea(join(data.dir, 'staging'));
  // Staged copies are Ferry's own files, made from bytes the caller already had.
  const grants = new PathGrants([staging.dir]);
  const sandbox = new EmbeddedSandbox({
    dataDir: join(data.dir, 'sandbox'),
    given: options.sandboxEmulator,
    onReady: (emulator) => logger.redactor.register(emulator.credentials.userSig),
  });
  if (options.sandboxStart !== 'on-first-use') await sandbox.emulator();

  const library = new HistoryLibrary({
    db: data.db,
    history: data.history,
    thumbnailer: createThumbnailer({ cacheDir: join(data.dir, 'thumbnails') }),
    backupsDir: join(data.dir, 'backups'),
    exportDir: options.exportDir ?? join(data.dir, 'exports'),
    recovery: data.recovery,
    notices: data.notices,
    logger,
    emit: events.emit,
    showItemInFolder: options.showItemInFolder,
    isStagedCopy: (path) => staging.holds(path),
    paths: grants,
  });

  const http = createHttpClient();
  const accounts: Accounts = new Accounts({
    db: data.db,
    store: data.accounts,
    vault,
    sandbox,
    http,
    settings: () => settings.get(),
    logger,
    // Read only when an account is removed, long after the uploads below exist.
    tasks: () => uploads.tasks(),
  });

  const uploads: Uploads = new Uploads({
    journal: data.journal,
    history: data.history,
    http,
    resolveAccount: (accountId) => accounts.resolve(accountId),
    concurrency: options.concurrency ?? settings.get().concurrency,
    retryPolicy: options.retryPolicy,
    stallTimeoutMs: options.stallTimeoutMs,
    staging,
    paths: grants,
    library,
    logger,
    emit: events.emit,
    processedDir: join(data.dir, 'processed'),
    planFor: (accountId, drop) =>
      planFor(settings.get().processing, accounts.processingFields(accountId), drop),
  });

  // The shortcut's, the tray's and the local API's "upload the clipboard", where there is one to read.
  const clipboard = new ClipboardIntake({
    clipboard: options.clipboard ?? null,
    platform: options.platform ?? process.platform,
    staging,
    defaultAccountId: () => settings.get().defaultAccountId,
    grant: (paths) => grants.grant(paths),
    add: async (paths, accountId) => (await uploads.handlers['uploads.add']({ paths, accountId })).taskIds,
    logger,
  });

  // The PicGo-compatible upload API for editors, when the transport serves one. It goes through the
  // service's own contract (below), like a drop onto the window, but is a door of its own: its key
  // lets a client name any file the user can read, except those in Ferry's own data folder.
  const localApiUploads = uploads.addFrom(
    pathsOutside(data.dir, 'Ferry does not upload files from its own data folder through its local API'),
  );
  const localApi =
    options.localApi?.({
      service: {
        dispatch: (name, request) =>
          dispatchLogged({ ...handlers, 'uploads.add': localApiUploads }, logger, name, request),
        subscribe: (listener) => service.subscribe(listener),
      },
      settings: () => settings.get(),
      logger,
      notify: (notice) => events.emit({ name: 'notice', payload: notice }),
    }) ?? null;

  const handlers: CommandHandlers = {
    ...accounts.handlers,
    'vault.status': async () => vault.describe(),
    ...uploads.handlers,
    ...clipboard.handlers,
    ...library.handlers,
    // Start notices until read, plus the local API's "could not listen" and the transport's own while they last.
    'notices.list': async () => [
      ...library.startNotices(),
      ...(localApi?.notices() ?? []),
      ...hostNotices.list(),
    ],
    'notices.dismiss': async ({ id }) => ({
      dismissed: library.dismissNotice(id) || hostNotices.dismiss(id),
    }),
    ...settingsHandlers({ store: settings, logger, uploads, accounts, localApi, emit: events.emit }),
  };

  const service: FerryService = {
    stagingDir: staging.dir,
    grantPaths: (paths) => grants.grant(paths),
    dispatch: (name, request) => dispatchLogged(handlers, logger, name, request),
    subscribe: (listener) => events.subscribe(listener),
    idle: () => uploads.idle(),
    thumbnailPath: (key) => library.thumbnailPath(key),
    settings: () => settings.get(),
    setHostNotice: (kind, message) => hostNotices.set(kind, message),
    recoveredAtStart: library.recoveredAtStart,
    logger,
    async close() {
      await localApi?.close(); // no editor request may start an upload after the engine stopped
      await uploads.close();
      await library.close();
      events.clear();
      await sandbox.close();
      logger.info('service closed');
      await data.close();
    },
  };

  uploads.resumeUnfinished();
  void library.start();
  const vaultStatus = vault.describe();
  logger.info('service started', { vault: { kind: vaultStatus.kind, secure: vaultStatus.secure } });
  await localApi?.apply(settings.get().localApi);
  return service;
}

/** A contract command: a refusal leaves with its secrets scrubbed, anything else is logged first. */
async function dispatchLogged(
  handlers: CommandHandlers,
  logger: FerryLogger,
  name: unknown,
  request: unknown,
): Promise<unknown> {
  try {
    return await dispatchCommand(handlers, name, request);
  } catch (error) {
    if (error instanceof CommandError) throw new CommandError(scrubErrorView(error.view, logger.redactor));
    // Not the caller's fault: the contract says "internal", the log keeps the (redacted) details.
    logger.error('command failed', { command: String(name).slice(0, 100), err: error });
    throw error;
  }
}

/**
 * One HTTP client for uploads and connection tests. got and its dependencies (about 20 MiB) are loaded
 * for the first request, so a command that sends none (`ferry accounts list`) does not pay for them.
 */
function createHttpClient(): () => Promise<Got> {
  let client: Promise<Got> | undefined;
  return () =>
    (client ??= import('got').then(({ default: got }) =>
      got.extend({
        retry: { limit: 0 }, // the engine owns retries: a consumed body stream cannot be replayed
        timeout: { lookup: 10_000, connect: 10_000, secureConnect: 10_000, response: 60_000 },
        headers: { 'user-agent': 'Ferry/0.1' },
      }),
    ));
}
