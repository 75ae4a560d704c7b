import { isProviderId, providerCatalog, type ProviderCatalogEntry } from '../../shared/catalog.ts';
import { CommandError } from '../contract-dispatch.ts';
import { loadProvider } from '../providers/registry.ts';
import type { AccountRecord } from '../store/account-store.ts';

/**
 * An account's settings with every one that names another account (`kind: 'account'`, e.g. OPPO's
 * storage account) resolved to that account's id. Given by name or id as everywhere else (names match
 * exactly, then case-insensitively when that is unambiguous, as the CLI's `--account`), saved as the id
 * so a rename changes nothing. An unknown account, or one whose links a service fetching a URL cannot
 * open, is refused now rather than at the first upload.
 */
export async function resolveAccountReferences(
  entry: ProviderCatalogEntry,
  fields: Readonly<Record<string, string>>,
  selfId: string,
  accounts: readonly AccountRecord[],
): Promise<Record<string, string>> {
  const resolved = { ...fields };
  for (const field of entry.fields) {
    const given = resolved[field.key];
    if (field.kind !== 'account' || given === undefined || given === '') continue;
    const named = `${field.label} (${field.key})`;
    const folded = accounts.filter((candidate) => candidate.name.toLowerCase() === given.toLowerCase());
    const target =
      accounts.find((candidate) => candidate.id === given || candidate.name === given) ??
      (folded.length === 1 ? folded[0] : undefined);
    if (target === undefined) {
      const names = accounts.map((candidate) => `"${candidate.name}"`).join(', ');
      throw invalid(`${named}: no account named or with the id "${given}" (accounts: ${names}).`);
    }
    // Adapters load on first use (see the registry); the target's decides what its links allow.
    const targetProvider =
      target.id === selfId || !isProviderId(target.providerId)
        ? undefined
        : await loadProvider(target.providerId);
    const access = targetProvider?.capabilities.linkAccess ?? 'none';
    if (access !== 'public') {
      const provider = providerCatalog.find((candidate) => candidate.id === target.providerId)?.name;
      const why =
        access === 'with-headers'
          ? 'its links open only for a client that sends the account’s credentials as headers, which a service fetching a URL cannot'
          : 'it keeps no files of its own';
      throw invalid(
        `${named}: "${target.name}" (${provider ?? target.providerId}) gives no public links: ${why}. ` +
          'Choose an account whose links anyone can open: S3, Tencent IM, tus or Easemob.',
      );
    }
    resolved[field.key] = target.id;
  }
  return resolved;
}

function invalid(message: string): CommandError {
  return new CommandError({ code: 'account-invalid', message });
}
