import type { CredentialField, ProviderCatalogEntry } from '../../shared/catalog.ts';

/** `userSig` → `FERRY_SECRET_USERSIG`: the environment variable a secret field can be read from. */
export function secretEnvName(key: string): string {
  return `FERRY_SECRET_${key.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

export interface AccountInput {
  fields: Record<string, string>;
  secrets: Record<string, string>;
  /** Secrets given on the command line: they work, but the shell may have kept them. */
  secretsOnCommandLine: string[];
  /** Required secrets found nowhere; the caller prompts for them or refuses. */
  missingSecrets: CredentialField[];
}

/**
 * Sort `--field key=value` pairs into settings and secrets by the provider's catalog entry, and fill
 * secrets not given on the command line from `FERRY_SECRET_<KEY>`. Keys the catalog does not know are
 * passed on as settings, so the service's own validation names them.
 */
export function collectAccountInput(
  entry: ProviderCatalogEntry,
  pairs: ReadonlyArray<readonly [string, string]>,
  env: NodeJS.ProcessEnv,
): AccountInput {
  const byKey = new Map(entry.fields.map((field) => [field.key, field]));
  const input: AccountInput = { fields: {}, secrets: {}, secretsOnCommandLine: [], missingSecrets: [] };
  for (const [key, value] of pairs) {
    if (byKey.get(key)?.secret) {
      input.secrets[key] = value;
      if (!input.secretsOnCommandLine.includes(key)) input.secretsOnCommandLine.push(key);
    } else {
      input.fields[key] = value;
    }
  }
  for (const field of entry.fields) {
    if (!field.secret || input.secrets[field.key] !== undefined) continue;
    const fromEnv = env[secretEnvName(field.key)];
    if (fromEnv !== undefined && fromEnv !== '') input.secrets[field.key] = fromEnv;
    else if (field.required) input.missingSecrets.push(field);
  }
  return input;
}

export class PromptInterrupted extends Error {
  constructor() {
    super('Interrupted.');
    this.name = 'PromptInterrupted';
  }
}

/**
 * Read one line from a terminal without echoing it: raw mode, so the secret never appears on screen
 * nor in the terminal's scrollback. Ctrl-C rejects with PromptInterrupted.
 */
export function promptHidden(
  label: string,
  stdin: NodeJS.ReadStream,
  stderr: { write(text: string): unknown },
): Promise<string> {
  return new Promise((resolvePrompt, reject) => {
    stderr.write(`${label}: `);
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolvePrompt(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new PromptInterrupted());
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
