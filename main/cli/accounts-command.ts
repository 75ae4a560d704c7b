import { providerCatalog, type ProviderCatalogEntry } from '../../shared/catalog.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { AccountView } from '../../shared/models.ts';
import { CommandError } from '../contract-dispatch.ts';
import type { FerryService } from '../service.ts';
import { UsageError, type CliCommand, type HelpTopic } from './args.ts';
import { CliFailure, exitCodes, type CliIo } from './cli-io.ts';
import { collectAccountInput, promptHidden, secretEnvName, type AccountInput } from './secrets.ts';

type AddCommand = Extract<CliCommand, { kind: 'accounts add' }>;

export function catalogEntry(providerId: string): ProviderCatalogEntry {
  const entry = (providerCatalog as readonly ProviderCatalogEntry[]).find((p) => p.id === providerId);
  if (!entry) {
    const known = providerCatalog.map((p) => p.id).join(', ');
    throw new UsageError(`Unknown provider "${providerId}". Providers: ${known}.`, 'accounts add');
  }
  return entry;
}

/**
 * Everything `accounts add` needs from the user, gathered before the data folder is opened (so a
 * prompt waiting for a person does not hold the folder's lock). Never echoes a secret.
 */
export async function gatherAccountInput(command: AddCommand, io: CliIo): Promise<AccountInput> {
  const entry = catalogEntry(command.providerId);
  const input = collectAccountInput(entry, command.fields, io.env);
  for (const key of input.secretsOnCommandLine) {
    io.stderr.write(
      `warning: the secret "${key}" was given on the command line, where your shell history may keep it; ` +
        `prefer ${secretEnvName(key)} or the prompt.\n`,
    );
  }
  for (const field of input.missingSecrets) {
    if (!io.stdin.isTTY) {
      throw new UsageError(
        `${field.label} (${field.key}) is required: set ${secretEnvName(field.key)}, or run on a terminal to be asked.`,
        'accounts add',
      );
    }
    const value = await promptHidden(`${field.label} (input hidden)`, io.stdin, io.stderr);
    if (value !== '') input.secrets[field.key] = value;
  }
  input.missingSecrets = [];
  return input;
}

export async function addAccount(
  command: AddCommand,
  input: AccountInput,
  service: FerryService,
  io: CliIo,
): Promise<number> {
  const account = (await service.dispatch('accounts.add', {
    providerId: command.providerId,
    name: command.name,
    fields: input.fields,
    secrets: input.secrets,
  })) as CommandResponse<'accounts.add'>;
  if (command.json) io.stdout.write(`${JSON.stringify(account)}\n`);
  else {
    const provider = catalogEntry(account.providerId).name;
    io.stdout.write(`Added account "${account.name}" (${provider}), id ${account.id}.\n`);
  }
  return 0;
}

function secretsSummary(account: AccountView): string {
  if (account.isSandbox) return 'built in; links work only while Ferry runs';
  if (account.needsReentry) return 'NEEDS RE-ENTRY: saved secrets cannot be decrypted';
  const entries = Object.entries(account.secretsSet);
  if (entries.length === 0) return '-';
  return entries.map(([key, set]) => `${key} ${set ? 'set' : 'MISSING'}`).join(', ');
}

export async function listAccounts(service: FerryService, io: CliIo, json: boolean): Promise<number> {
  const accounts = (await service.dispatch('accounts.list', {})) as CommandResponse<'accounts.list'>;
  if (json) {
    io.stdout.write(`${JSON.stringify(accounts)}\n`);
    return 0;
  }
  const rows = [
    ['NAME', 'PROVIDER', 'ID', 'SECRETS'],
    ...accounts.map((a) => [a.name, a.providerId, a.id, secretsSummary(a)]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    io.stdout.write(`${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
  }
  return 0;
}

/** `--account` takes a name (exact, then case-insensitive if that is unambiguous) or an id. */
export async function resolveAccount(
  service: FerryService,
  nameOrId: string,
  topic: HelpTopic = 'upload',
): Promise<AccountView> {
  const accounts = (await service.dispatch('accounts.list', {})) as CommandResponse<'accounts.list'>;
  const exact = accounts.find((a) => a.name === nameOrId || a.id === nameOrId);
  if (exact) return exact;
  const folded = accounts.filter((a) => a.name.toLowerCase() === nameOrId.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  const names = accounts.map((a) => `"${a.name}"`).join(', ');
  throw new UsageError(
    `Unknown account "${nameOrId}". Accounts: ${names || 'none'} (see \`ferry accounts list\`, or add one with \`ferry accounts add\`).`,
    topic,
  );
}

type SetCommand = Extract<CliCommand, { kind: 'accounts set' }>;

/**
 * `ferry accounts set <name> --field key=value ...`: change settings (processing ones included) or
 * secrets of an account; an empty value removes the account's own setting. The service checks the
 * result as it checks a new account, so a bad value is refused with its reason and nothing changes.
 */
export async function setAccount(command: SetCommand, service: FerryService, io: CliIo): Promise<number> {
  const account = await resolveAccount(service, command.account, 'accounts set');
  const entry = catalogEntry(account.providerId);
  const isSecret = new Map(entry.fields.map((field) => [field.key, field.secret]));
  const fields: Record<string, string> = {};
  const secrets: Record<string, string | null> = {};
  for (const [key, value] of command.fields) {
    if (isSecret.get(key) !== true) {
      fields[key] = value;
      continue;
    }
    secrets[key] = value === '' ? null : value;
    if (value !== '')
      io.stderr.write(
        `warning: the secret "${key}" was given on the command line, where your shell history may keep it.\n`,
      );
  }
  const updated = (await service.dispatch('accounts.update', {
    id: account.id,
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  })) as CommandResponse<'accounts.update'>;
  if (command.json) io.stdout.write(`${JSON.stringify(updated)}\n`);
  else {
    const keys = command.fields.map(([key]) => key).join(', ');
    io.stdout.write(`Updated account "${updated.name}": ${keys}.\n`);
  }
  return exitCodes.ok;
}

type AccountCommand = Extract<CliCommand, { kind: 'accounts test' | 'accounts remove' }>;

/** `ferry accounts test <name>`: exit 0 when the provider accepted the saved credentials, 1 otherwise. */
export async function testAccount(
  command: AccountCommand,
  service: FerryService,
  io: CliIo,
): Promise<number> {
  const account = await resolveAccount(service, command.account, 'accounts test');
  const answer = (await service.dispatch('accounts.test', {
    id: account.id,
  })) as CommandResponse<'accounts.test'>;
  if (command.json) {
    io.stdout.write(`${JSON.stringify({ account: account.name, ...answer })}\n`);
  } else if (answer.ok) {
    io.stdout.write(`Account "${account.name}": connection OK.\n`);
  } else {
    const { error } = answer;
    const heading = answer.unsupported ? 'cannot be tested' : 'connection test failed';
    io.stdout.write(`Account "${account.name}": ${heading} (${error.code}): ${error.message}\n`);
    // The provider's own words, when the message does not quote them already.
    if (error.providerMessage && !error.message.includes(error.providerMessage)) {
      const code = error.providerCode ? ` (code ${error.providerCode})` : '';
      io.stdout.write(`  provider said${code}: ${error.providerMessage}\n`);
    }
  }
  return answer.ok ? exitCodes.ok : exitCodes.failed;
}

/** `ferry accounts remove <name>`: refused (exit 1) while the account has unfinished uploads. */
export async function removeAccount(
  command: AccountCommand,
  service: FerryService,
  io: CliIo,
): Promise<number> {
  const account = await resolveAccount(service, command.account, 'accounts remove');
  try {
    await service.dispatch('accounts.remove', { id: account.id });
  } catch (error) {
    // Not a usage mistake: the account is built in or busy, which the message explains.
    if (error instanceof CommandError && error.view.code === 'account-invalid')
      throw new CliFailure(error.view.message);
    throw error;
  }
  if (command.json) io.stdout.write(`${JSON.stringify({ removed: account.id, name: account.name })}\n`);
  else io.stdout.write(`Removed account "${account.name}" (id ${account.id}); its history is kept.\n`);
  return exitCodes.ok;
}
