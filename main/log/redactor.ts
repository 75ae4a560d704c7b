/** What every redacted value, key or parameter is replaced with. */
export const redactedMark = '[redacted]';

/**
 * Keys whose values are secret whatever they hold (normalised: lower case, letters and digits only).
 * `secretsSet` (booleans of the account view) and `tokenBucket` do not end with one of these.
 */
const secretKeyPattern =
  /(usersig|secrets?|secretkey|secretaccesskey|tokens?|password|passwd|passphrase|authorization|cookie|signature|apikey|privatekey|credentials?)$/;

export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/**
 * Secret-looking parts of free text that no registered value may cover (a truncated echo of a
 * request, a key Ferry never saw): `usersig=…` query parameters, `"token":"…"` JSON members and
 * `Authorization: Bearer …` headers.
 */
const secretNames =
  'usersig|user_sig|secret|secret_?key|client_?secret|token|access_?token|refresh_?token|password|passwd|signature|x-amz-signature|x-amz-security-token|api_?key|authorization';
const queryParameter = new RegExp(`\\b(${secretNames})=([^&\\s"'<>]+)`, 'gi');
const jsonMember = new RegExp(
  `("(?:${secretNames})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*)`,
  'gi',
);
const authorizationHeader = /\b(authorization\s*:\s*)(?:(bearer|basic|token)\s+)?[^\s"',]+/gi;

/** Below this length a value is too common to replace everywhere; key-based redaction still covers it. */
const minimumValueLength = 4;

/**
 * Removes secrets from text before it leaves the main process or lands on disk: every value the
 * vault decrypted or received (in the spellings it may take in a log line or an echoed request), and
 * anything sitting under a secret-looking key or parameter name.
 */
export class SecretRedactor {
  readonly #values = new Set<string>();
  /** Longest first, so a secret that contains another is replaced whole. */
  #ordered: string[] = [];

  /** From now on `value` (raw, JSON-escaped or URL-encoded) is replaced wherever it appears. */
  register(value: string): void {
    if (value.length < minimumValueLength) return;
    const spellings = [
      value,
      JSON.stringify(value).slice(1, -1),
      encodeURIComponent(value),
      new URLSearchParams({ v: value }).toString().slice(2),
    ];
    let added = false;
    for (const spelling of spellings) {
      if (!this.#values.has(spelling)) {
        this.#values.add(spelling);
        added = true;
      }
    }
    if (added) this.#ordered = [...this.#values].sort((a, b) => b.length - a.length);
  }

  /** How many spellings are registered (for tests). */
  get size(): number {
    return this.#values.size;
  }

  /** Only the registered values: for data the user needs intact (links), where a pattern could misfire. */
  redactValues(text: string): string {
    let result = text;
    for (const value of this.#ordered) {
      if (result.includes(value)) result = result.split(value).join(redactedMark);
    }
    return result;
  }

  redactText(text: string): string {
    return this.redactValues(text)
      .replace(queryParameter, `$1=${redactedMark}`)
      .replace(jsonMember, `$1"${redactedMark}"`)
      .replace(authorizationHeader, `$1${redactedMark}`);
  }

  /**
   * A copy of `value` with secret-keyed members replaced and every string redacted. Errors become
   * plain objects (name, message, code, stack, cause) so nothing hides in a non-enumerable field.
   */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[too deep]';
    if (value instanceof Error) {
      const plain: Record<string, unknown> = { type: value.name, message: value.message };
      const code = (value as { code?: unknown }).code;
      if (code !== undefined) plain.code = code;
      if (value.stack !== undefined) plain.stack = value.stack;
      if (value.cause !== undefined) plain.cause = value.cause;
      return this.redactValue(plain, depth + 1);
    }
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
    const copy: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      copy[key] =
        isSecretKey(key) && member !== null && typeof member !== 'boolean'
          ? redactedMark
          : this.redactValue(member, depth + 1);
    }
    return copy;
  }
}
