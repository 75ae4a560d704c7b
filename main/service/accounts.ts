import { randomUUID } from 'node:crypto';
import type { Got } from 'got';
import {
  accountProcessingPrefix,
  isProcessingFieldKey,
  processingPatchFromFields,
} from '../../shared/processing.ts';
import { isProviderId, providerCatalog, type ProviderCatalogEntry } from '../../shared/catalog.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract.ts';
import type { ErrorView } from '../../shared/errors.ts';
import type { AccountView, TaskState, TaskView } from '../../shared/models.ts';
import type { Settings } from '../../shared/settings.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { ResolvedAccount } from '../engine/upload-engine.ts';
import { UploadError } from '../net/upload-error.ts';
import type { FerryLogger } from '../log/logger.ts';
import { scrubErrorView } from '../log/secret-scrub.ts';
import { secretScrubbingProvider } from '../providers/secret-scrubbing-provider.ts';
import type { AnyProvider, ProviderPreferences } from '../providers/provider.ts';
import { loadProvider } from '../providers/registry.ts';
import type { AccountRecord, AccountStore } from '../store/account-store.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { VaultUnreadableError, type Vault } from '../vault/vault.ts';
import { resolveAccountReferences } from './account-references.ts';
import type { EmbeddedSandbox, SandboxEmulator } from './embedded-sandbox.ts';

export const sandboxAccountId = 'sandbox';
/** A connection test that hears nothing for this long reports a network failure. */
const testConnectionTimeoutMs = 30_000;
/** An account with tasks in these states cannot be removed: they would fail with nowhere to go. */
const unfinishedStates: readonly TaskState[] = ['queued', 'hashing', 'uploading', 'paused'];

export interface AccountsOptions {
  db: SqliteDatabase;
  store: AccountStore;
  vault: Vault;
  /** The emulator behind the built-in "Sandbox" account, started (if it is ours) on its first use. */
  sandbox: Pick<EmbeddedSandbox, 'emulator'>;
  /** For connection tests; the same client the engine uploads with, loaded for the first request. */
  http(): Promise<Got>;
  /**
   * The app's settings: the ones providers take (the part size) apply to the next upload. Read when an
   * account is resolved afresh; a change to them must be followed by `settingsChanged()`.
   */
  settings(): Pick<Settings, 'partSizeMiB'>;
  logger: FerryLogger;
  /** The upload queue: an account with unfinished uploads is not removed. */
  tasks(): readonly TaskView[];
}

type AccountHandlers = Pick<
  CommandHandlers,
  'accounts.list' | 'accounts.add' | 'accounts.update' | 'accounts.remove' | 'accounts.test'
>;

/** The catalog entry and the adapter of a known provider. */
interface KnownProvider {
  entry: ProviderCatalogEntry;
  provider: AnyProvider;
}

/**
 * The accounts: their contract commands (checked against the catalog and the adapters, fields in
 * SQLite and secrets in the vault), their views, and what the engine gets when it uploads through one
 * (`resolve`). The built-in Sandbox account points at the running emulator.
 */
export class Accounts {
  readonly handlers: AccountHandlers;
  readonly #options: AccountsOptions;
  /** Accounts whose unreadable secrets are logged already: one line until they are entered again. */
  readonly #loggedUnreadable = new Set<string>();
  /**
   * Resolved accounts by id. Every task resolves its account, and a fresh one costs a settings copy, a
   * config parse and a vault decryption; what feeds it (the account's fields, its secrets, the part
   * size) changes only through this class or `settingsChanged`, which drop it.
   */
  readonly #resolved = new Map<string, ResolvedAccount>();
  /** Counts the drops of `#resolved`, so a resolve that was under way across one is not kept. */
  #generation = 0;

  constructor(options: AccountsOptions) {
    this.#options = options;
    options.store.ensure({
      id: sandboxAccountId,
      providerId: 'tencent-im',
      name: 'Sandbox',
      fields: { fromAccount: 'ferry-user', toAccount: 'ferry-sandbox' },
      isSandbox: true,
    });
    this.handlers = {
      'accounts.list': async () => options.store.list().map((account) => this.#view(account)),
      'accounts.add': async (request) => this.#add(request),
      'accounts.update': async (request) => this.#update(request),
      'accounts.remove': async ({ id }) => this.#remove(id),
      'accounts.test': async ({ id }) => this.#test(id),
    };
  }

  /**
   * What the engine uploads with: the adapter, its parsed config and the secrets. Rejects with
   * UploadError. Async: the adapter is imported, and the Sandbox's emulator started, on first use.
   * Kept until the account, its secrets or the settings it reads change.
   */
  async resolve(accountId: string): Promise<ResolvedAccount> {
    const cached = this.#resolved.get(accountId);
    if (cached) return cached;
    const generation = this.#generation;
    const resolved = await this.#resolveAfresh(accountId);
    // An edit made while this one was being resolved dropped the cache before the result existed.
    if (this.#generation === generation) this.#resolved.set(accountId, resolved);
    return resolved;
  }

  /** The settings that providers read changed: the next resolve of every account reads them again. */
  settingsChanged(): void {
    this.#forget();
  }

  #forget(accountId?: string): void {
    this.#generation++;
    if (accountId === undefined) this.#resolved.clear();
    else this.#resolved.delete(accountId);
  }

  async #resolveAfresh(accountId: string): Promise<ResolvedAccount> {
    const { store, vault, sandbox, logger } = this.#options;
    const account = store.get(accountId);
    if (!account)
      throw new UploadError({ code: 'account-not-found', message: `No account with id "${accountId}".` });
    const known = await knownProvider(account.providerId);
    if (!known) {
      throw new UploadError({
        code: 'account-not-found',
        message: `This Ferry has no provider "${account.providerId}".`,
      });
    }
    const emulator = account.isSandbox ? await sandbox.emulator() : undefined;
    let secrets: Record<string, string>;
    try {
      secrets = emulator ? { userSig: emulator.credentials.userSig } : vault.read(account.id);
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
      provider: secretScrubbingProvider(known.provider, logger.redactor),
      config: known.provider.parseConfig(
        providerFields(effectiveFields(account, emulator)),
        this.#preferences(),
      ),
      secrets,
    };
  }

  /** The account's own processing fields (text), which override the global default; {} for an unknown account. */
  processingFields(accountId: string): Record<string, string> {
    const fields = this.#options.store.get(accountId)?.fields ?? {};
    return Object.fromEntries(Object.entries(fields).filter(([key]) => isProcessingFieldKey(key)));
  }

  /**
   * The settings that providers read, as of the account's resolve (which a settings change drops): a
   * changed part size applies to the next upload (an S3 upload keeps the part size journaled with its session).
   */
  #preferences(): ProviderPreferences {
    const { partSizeMiB } = this.#options.settings();
    return partSizeMiB > 0 ? { partSize: partSizeMiB * 1024 * 1024 } : {};
  }

  #view(account: AccountRecord): AccountView {
    const { vault, logger } = this.#options;
    const unreadable = account.isSandbox ? [] : vault.unreadableKeys(account.id);
    if (unreadable.length > 0 && !this.#loggedUnreadable.has(account.id)) {
      this.#loggedUnreadable.add(account.id);
      logger.warn('account needs its secrets entered again', {
        accountId: account.id,
        name: account.name,
        unreadable,
      });
    }
    if (unreadable.length === 0) this.#loggedUnreadable.delete(account.id);
    return {
      id: account.id,
      providerId: account.providerId,
      name: account.name,
      isSandbox: account.isSandbox,
      fields: account.fields,
      secretsSet: this.#secretsSet(account),
      needsReentry: unreadable.length > 0,
    };
  }

  #secretsSet(account: AccountRecord): Record<string, boolean> {
    const entry = providerCatalog.find((provider) => provider.id === account.providerId);
    const set = new Set(
      account.isSandbox ? entry?.fields.map((field) => field.key) : this.#options.vault.keys(account.id),
    );
    return Object.fromEntries(
      (entry?.fields ?? []).filter((field) => field.secret).map((field) => [field.key, set.has(field.key)]),
    );
  }

  /** Check a new account against its catalog entry and its adapter, then store it: fields in SQLite, secrets in the vault. */
  async #add(request: ParsedCommandRequest<'accounts.add'>): Promise<AccountView> {
    const { db, store, vault, logger } = this.#options;
    const known = await knownProvider(request.providerId);
    if (!known) return invalid(`Unknown provider "${request.providerId}".`);
    const { entry, provider } = known;
    if (store.byName(request.name)) return invalid(`An account named "${request.name}" exists already.`);
    for (const field of entry.fields) {
      const given = field.secret ? request.secrets[field.key] : request.fields[field.key];
      if (field.required && !given) return invalid(`${field.label} is required.`);
    }
    const isSecret = new Map<string, boolean>(entry.fields.map((field) => [field.key, field.secret]));
    for (const key of Object.keys(request.fields)) {
      if (isSecret.get(key) !== false && !isProcessingFieldKey(key))
        return invalid(`"${key}" is not a setting of ${entry.name}.`);
    }
    checkProcessingFields(request.fields);
    for (const key of Object.keys(request.secrets)) {
      if (isSecret.get(key) !== true) return invalid(`"${key}" is not a secret of ${entry.name}.`);
    }
    const id = randomUUID();
    const fields = await resolveAccountReferences(entry, request.fields, id, store.list());
    checkConfig(provider, providerFields(fields));
    const account = db.transaction(() => {
      const added = store.add({ id, providerId: request.providerId, name: request.name, fields });
      vault.set(added.id, request.secrets);
      return added;
    })();
    logger.info('account added', {
      accountId: account.id,
      providerId: account.providerId,
      name: account.name,
    });
    return this.#view(account);
  }

  /** A stored, editable account with its catalog entry; the Sandbox is built in and refused. */
  async #editable(id: string, verb: string): Promise<KnownProvider & { account: AccountRecord }> {
    const account = this.#options.store.get(id);
    if (!account)
      throw new CommandError({ code: 'account-not-found', message: `No account with id "${id}".` });
    if (account.isSandbox)
      return invalid(
        `The Sandbox account is built in: it cannot be ${verb}. Add an account of your own instead.`,
      );
    const known = await knownProvider(account.providerId);
    if (!known) return invalid(`This Ferry has no provider "${account.providerId}".`);
    return { account, ...known };
  }

  /**
   * Rename, patch settings, replace or clear secrets, checked like a new account. Replacing the
   * secrets that no longer decrypt is how an account leaves "needs re-entry".
   */
  async #update(request: ParsedCommandRequest<'accounts.update'>): Promise<AccountView> {
    const { db, store, vault, logger } = this.#options;
    const { account, entry, provider } = await this.#editable(request.id, 'edited');
    const name = request.name ?? account.name;
    if (name !== account.name && store.byName(name)) invalid(`An account named "${name}" exists already.`);
    const isSecret = new Map<string, boolean>(entry.fields.map((field) => [field.key, field.secret]));

    const patched = { ...account.fields };
    for (const [key, value] of Object.entries(request.fields ?? {})) {
      if (isSecret.get(key) !== false && !isProcessingFieldKey(key))
        invalid(`"${key}" is not a setting of ${entry.name}.`);
      if (value === '') delete patched[key];
      else patched[key] = value;
    }
    const fields = await resolveAccountReferences(entry, patched, account.id, store.list());
    const toSet: Record<string, string> = {};
    const toClear: string[] = [];
    for (const [key, value] of Object.entries(request.secrets ?? {})) {
      if (isSecret.get(key) !== true) invalid(`"${key}" is not a secret of ${entry.name}.`);
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
    checkProcessingFields(fields);
    checkConfig(provider, providerFields(fields));
    db.transaction(() => {
      store.update(account.id, { name, fields });
      vault.clear(account.id, toClear);
      vault.set(account.id, toSet);
    })();
    this.#forget(account.id);
    logger.info('account updated', {
      accountId: account.id,
      renamed: name !== account.name,
      fieldsChanged: Object.keys(request.fields ?? {}),
      // Which secrets changed, by key: never their values.
      secretsReplaced: Object.keys(toSet),
      secretsCleared: toClear,
    });
    return this.#view(store.get(account.id)!);
  }

  async #remove(id: string): Promise<{ id: string }> {
    const { db, store, vault, logger } = this.#options;
    const { account } = await this.#editable(id, 'removed');
    const unfinished = this.#options
      .tasks()
      .filter((task) => task.accountId === id && unfinishedStates.includes(task.state));
    if (unfinished.length > 0) {
      invalid(
        `"${account.name}" has ${unfinished.length} unfinished upload${unfinished.length === 1 ? '' : 's'}; ` +
          'cancel them (or let them finish) before removing the account.',
      );
    }
    db.transaction(() => {
      vault.clear(id, vault.keys(id));
      store.remove(id);
    })();
    this.#forget(id);
    logger.info('account removed', { accountId: id, name: account.name });
    return { id };
  }

  async #test(id: string): Promise<CommandResponse<'accounts.test'>> {
    const { store, http, logger } = this.#options;
    const account = store.get(id);
    if (!account)
      throw new CommandError({ code: 'account-not-found', message: `No account with id "${id}".` });
    const failed = (error: ErrorView, unsupported = false): CommandResponse<'accounts.test'> => {
      const view = scrubErrorView(error, logger.redactor);
      logger.warn('account test failed', { accountId: id, name: account.name, unsupported, error: view });
      return { ok: false, error: view, unsupported };
    };
    let resolved: ResolvedAccount;
    try {
      resolved = await this.resolve(id);
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
}

/**
 * The catalog entry and adapter (imported on first use) for a provider id as stored or requested (a
 * plain string); null when this Ferry has no such provider.
 */
async function knownProvider(providerId: string): Promise<KnownProvider | null> {
  if (!isProviderId(providerId)) return null;
  const entry = providerCatalog.find((candidate) => candidate.id === providerId);
  const provider = await loadProvider(providerId);
  return entry && provider ? { entry, provider } : null;
}

/**
 * The sandbox account's endpoint and credentials belong to the running emulator, so they are filled
 * in at use time and never stored.
 */
function effectiveFields(
  account: AccountRecord,
  emulator: SandboxEmulator | undefined,
): Readonly<Record<string, string>> {
  return emulator
    ? {
        ...account.fields,
        baseUrl: emulator.baseUrl,
        sdkAppId: emulator.credentials.sdkAppId,
        identifier: emulator.credentials.identifier,
      }
    : account.fields;
}

/** The adapter's own reading of an account's settings: what it refuses is refused on save, in its words. */
function checkConfig(provider: AnyProvider, fields: Record<string, string>): void {
  try {
    provider.parseConfig(fields);
  } catch (error) {
    invalid(error instanceof UploadError ? error.view.message : String(error));
  }
}

function invalid(message: string): never {
  throw new CommandError({ code: 'account-invalid', message });
}

/** An account's fields without its processing ones: what the provider's adapter parses. */
function providerFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !isProcessingFieldKey(key)));
}

function checkProcessingFields(fields: Readonly<Record<string, string>>): void {
  try {
    processingPatchFromFields(fields, accountProcessingPrefix);
  } catch (error) {
    invalid((error as Error).message);
  }
}
