import type { SecretRedactor } from '../log/redactor.ts';
import { scrubError } from '../log/secret-scrub.ts';
import type { Provider, RemoteResult, StepResult } from './provider.ts';

/**
 * Only registered values, not patterns: links must survive intact (a presigned URL's own `Signature=`
 * is the link, not the account's secret), but an account secret must never reach the history.
 */
function scrubResult(result: RemoteResult, redactor: SecretRedactor): RemoteResult {
  const text = (value: string): string => redactor.redactValues(value);
  const scrubbed: RemoteResult = {
    remoteId: text(result.remoteId),
    links: result.links.map((link) => ({ ...link, url: text(link.url) })),
  };
  if (result.details) {
    scrubbed.details = Object.fromEntries(
      Object.entries(result.details).map(([key, value]) => [
        key,
        typeof value === 'string' ? text(value) : value,
      ]),
    );
  }
  return scrubbed;
}

/**
 * The provider as the engine and `accounts.test` see it: every error it throws and every result it
 * returns has the account's secrets (and any other secret the vault has seen) taken out.
 */
export function secretScrubbingProvider(
  provider: Provider<unknown, unknown>,
  redactor: SecretRedactor,
): Provider<unknown, unknown> {
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw scrubError(error, redactor);
    }
  };
  const { abort, testConnection } = provider;
  return {
    id: provider.id,
    capabilities: provider.capabilities,
    parseConfig: (fields, preferences) => provider.parseConfig(fields, preferences),
    parseSession: (value) => provider.parseSession(value),
    startSession: (ctx, file) => guard(() => provider.startSession(ctx, file)),
    step: (ctx, file, session) =>
      guard(async (): Promise<StepResult<unknown>> => {
        const result = await provider.step(ctx, file, session);
        return result.kind === 'done' ? { ...result, result: scrubResult(result.result, redactor) } : result;
      }),
    ...(abort ? { abort: (ctx, session) => guard(() => abort.call(provider, ctx, session)) } : {}),
    ...(testConnection ? { testConnection: (ctx) => guard(() => testConnection.call(provider, ctx)) } : {}),
  };
}
