import { z } from 'zod';
import type { CredentialField, FieldCheck } from './catalog-types.ts';
import { codePointLabel, hiddenCharacters } from './hidden-characters.ts';

/**
 * The checks an account's settings pass before they are saved, shared by the account form (which
 * shows the message under the field) and the service (which refuses the whole request with it). A
 * value that would only fail at upload time, often as a misleading "refused the account's keys", is
 * refused here with the field's name instead.
 */

/** A check from a function that returns what is wrong with the value, or nothing. */
export function fieldCheck(problem: (value: string) => string | undefined): FieldCheck {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/** Several checks; the first that finds a problem reports it. */
export function allOf(...checks: ReadonlyArray<(value: string) => string | undefined>): FieldCheck {
  return fieldCheck((value) => {
    for (const check of checks) {
      const message = check(value);
      if (message !== undefined) return message;
    }
    return undefined;
  });
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** http(s) with a host, no credentials (they would travel and be logged in the clear), no fragment. */
export function httpUrlProblem(value: string): string | undefined {
  const url = parseUrl(value);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return 'must be an http:// or https:// URL with a host';
  if (url.username !== '' || url.password !== '')
    return 'must not hold a user name or password (they would be sent and logged in the clear)';
  if (value.includes('#')) return 'must not have a #fragment';
  return undefined;
}

/** A base that paths are appended to: a query would end up in the middle of every request's URL. */
export function baseUrlProblem(value: string): string | undefined {
  return httpUrlProblem(value) ?? (parseUrl(value)!.search !== '' ? 'must not have a query (?…)' : undefined);
}

/** An http(s) URL with a host: what every `kind: 'url'` field takes unless it has a check of its own. */
export const httpUrl = fieldCheck(httpUrlProblem);
/** The base of an API whose paths Ferry adds. */
export const httpBaseUrl = fieldCheck(baseUrlProblem);
/** Scheme, host and port only (S3 endpoints: the bucket and key make the path). */
export const httpOrigin = fieldCheck((value) => {
  const problem = baseUrlProblem(value);
  if (problem !== undefined) return problem;
  const url = parseUrl(value)!;
  return url.pathname === '/' && !value.endsWith('?')
    ? undefined
    : 'must be an origin only (scheme, host, port), without a path';
});

/** One of these values: a select whose adapter also takes spellings the form does not offer. */
export function oneOf(values: readonly string[]): FieldCheck {
  return fieldCheck((value) => (values.includes(value) ? undefined : `must be one of ${values.join(', ')}`));
}

/** Digits only: ids the provider issues as numbers (Tencent's SDKAppID). */
export const digits = fieldCheck((value) =>
  /^\d+$/.test(value) ? undefined : 'must be a number (digits only)',
);

/** Ids, keys and account names that travel in headers, query strings or JSON: no spaces inside. */
export function noSpacesProblem(value: string): string | undefined {
  return /\s/.test(value) ? 'must not contain spaces' : undefined;
}
export const noSpaces = fieldCheck(noSpacesProblem);

/** One segment of a URL path: nothing that could climb out of it or start another. */
export const pathSegment = fieldCheck((value) =>
  /^[A-Za-z0-9_-]+$/.test(value) ? undefined : "may hold only letters, digits, '-' and '_'",
);

/** RFC 9110 token. */
export const headerName = fieldCheck((value) =>
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)
    ? undefined
    : "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)",
);

/** A check of any setting: one line of visible text, as typed. */
function textProblem(value: string): string | undefined {
  const hidden = hiddenCharacters(value);
  if (hidden.length > 0)
    return `must not contain invisible or control characters (${hidden.map(codePointLabel).join(', ')})`;
  if (value.trim() !== value) return 'must not start or end with a space';
  return undefined;
}

/** What a field's kind asks of its value. */
function kindProblem(field: CredentialField, value: string): string | undefined {
  switch (field.kind) {
    case 'number':
      return /^\d+$/.test(value) ? undefined : 'must be a whole number';
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'must be true or false';
    case 'select':
      if (field.check !== undefined) return undefined;
      return field.options?.includes(value) ? undefined : `must be one of ${field.options?.join(', ')}`;
    case 'url':
      return field.check === undefined ? httpUrlProblem(value) : undefined;
    default:
      return undefined;
  }
}

export interface FieldProblem {
  key: string;
  label: string;
  /** What is wrong, without the field's name: "must not contain '..' segments". */
  message: string;
}

/** `Key prefix (keyPrefix): must not contain '..' segments`: the label for the form, the key for the CLI. */
export function describeFieldProblem(problem: FieldProblem): string {
  return `${problem.label} (${problem.key}): ${problem.message}`;
}

/**
 * What is wrong with each non-secret setting given (empty ones mean "not set" and are left to the
 * required-field check): one line of visible text, what its kind asks, and its own check.
 */
export function fieldProblems(
  fields: readonly CredentialField[],
  values: Readonly<Record<string, string>>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const value = values[field.key];
    if (field.secret || value === undefined || value === '') continue;
    let message = textProblem(value) ?? kindProblem(field, value);
    if (message === undefined && field.check !== undefined) {
      const checked = field.check.safeParse(value);
      if (!checked.success) message = checked.error.issues[0]?.message ?? 'is not valid';
    }
    if (message !== undefined) problems.push({ key: field.key, label: field.label, message });
  }
  return problems;
}
