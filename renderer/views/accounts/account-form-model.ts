import type { CommandRequest } from '../../../shared/contract.ts';
import type { CredentialField } from '../../../shared/catalog.ts';
import { fieldProblems } from '../../../shared/field-checks.ts';
import type { AccountView } from '../../../shared/models.ts';

/** What each secret field should do on save; the secret value itself is never part of this state. */
export type SecretIntent = 'keep' | 'replace' | 'clear';

/** The non-secret values a form starts with: an account's saved settings, or the catalog's defaults. */
export function initialFieldValues(
  fields: readonly CredentialField[],
  account: AccountView | null,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    if (field.secret) continue;
    const saved = account?.fields[field.key];
    values[field.key] = saved ?? (account === null ? (field.defaultValue ?? '') : '');
  }
  return values;
}

export type FormProblem =
  | { key: string; kind: 'required' | 'number' | 'url' }
  /** A value the field's own check refuses; `message` is the one the service would answer with. */
  | { key: string; kind: 'invalid'; message: string };

function isUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The checks the form can make before asking the main side (which validates again, for real): required
 * fields present, numbers numeric, URLs http(s), then the checks the service makes
 * (shared/field-checks.ts), with its words. `secretsEntered` holds only which secret inputs are
 * non-empty, never what is in them.
 */
export function checkForm(
  fields: readonly CredentialField[],
  values: Record<string, string>,
  secretsEntered: ReadonlySet<string>,
  intents: Record<string, SecretIntent>,
  account: AccountView | null,
): FormProblem[] {
  const problems: FormProblem[] = [];
  for (const field of fields) {
    if (field.secret) {
      const alreadySet = account !== null && account.secretsSet[field.key] === true && !account.needsReentry;
      const intent = intents[field.key] ?? 'keep';
      const willHave = secretsEntered.has(field.key) || (alreadySet && intent === 'keep');
      if (field.required && !willHave) problems.push({ key: field.key, kind: 'required' });
      continue;
    }
    const value = (values[field.key] ?? '').trim();
    if (value === '') {
      if (field.required && field.defaultValue === undefined)
        problems.push({ key: field.key, kind: 'required' });
      continue;
    }
    if (field.kind === 'number' && !/^-?\d+(\.\d+)?$/.test(value))
      problems.push({ key: field.key, kind: 'number' });
    else if (field.kind === 'url' && !isUrl(value)) problems.push({ key: field.key, kind: 'url' });
    else {
      const [problem] = fieldProblems([field], { [field.key]: value });
      if (problem !== undefined) problems.push({ key: field.key, kind: 'invalid', message: problem.message });
    }
  }
  return problems;
}

/** accounts.add: every non-empty setting, and the secrets typed in. */
export function addRequest(
  providerId: string,
  name: string,
  fields: readonly CredentialField[],
  values: Record<string, string>,
  secrets: Record<string, string>,
): CommandRequest<'accounts.add'> {
  const settings: Record<string, string> = {};
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (!field.secret && value !== '') settings[field.key] = value;
  }
  const typed: Record<string, string> = {};
  for (const field of fields) {
    const secret = secrets[field.key];
    if (field.secret && secret !== undefined && secret !== '') typed[field.key] = secret;
  }
  return { providerId, name: name.trim(), fields: settings, secrets: typed };
}

/**
 * accounts.update as a patch: only changed settings (an emptied one as '' so the main side removes it),
 * only secrets typed in (replace) or cleared (null). Untouched secrets are absent, so they are kept.
 */
export function updateRequest(
  account: AccountView,
  name: string,
  fields: readonly CredentialField[],
  values: Record<string, string>,
  secrets: Record<string, string>,
  intents: Record<string, SecretIntent>,
): CommandRequest<'accounts.update'> {
  const changed: Record<string, string> = {};
  for (const field of fields) {
    if (field.secret) continue;
    const value = (values[field.key] ?? '').trim();
    if (value !== (account.fields[field.key] ?? '')) changed[field.key] = value;
  }
  const secretPatch: Record<string, string | null> = {};
  for (const field of fields) {
    if (!field.secret) continue;
    const typed = secrets[field.key];
    if (typed !== undefined && typed !== '') secretPatch[field.key] = typed;
    else if (intents[field.key] === 'clear') secretPatch[field.key] = null;
  }
  return {
    id: account.id,
    ...(name.trim() !== account.name ? { name: name.trim() } : {}),
    ...(Object.keys(changed).length > 0 ? { fields: changed } : {}),
    ...(Object.keys(secretPatch).length > 0 ? { secrets: secretPatch } : {}),
  };
}
