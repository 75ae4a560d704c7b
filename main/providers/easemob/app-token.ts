import { createHash } from 'node:crypto';
import type { Got } from 'got';
import { z } from 'zod';
import { httpStatusFailure, isRetryableStatus, requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { appPath, parseEasemobError, tokenResponseSchema } from './chatfiles-protocol.ts';

/** What identifies an Easemob app's admin credentials. */
export interface AppCredentials {
  baseUrl: string;
  orgName: string;
  appName: string;
  clientId: string;
  clientSecret: string;
}

interface CachedToken {
  accessToken: string;
  /** When to fetch a new one: shortly before Easemob's expiry, so a request never races it. */
  refreshAt: number;
}

/** A token fetch is not tied to the upload that asked first: pausing that one must not fail the others. */
const tokenFetchTimeoutMs = 30_000;
/** Refresh this long before expiry (at most a tenth of the lifetime, so short-lived tokens still get used). */
const refreshMarginMs = 5 * 60_000;

/**
 * Easemob app tokens, cached in memory per set of credentials. Easemob asks clients not to fetch tokens
 * often ("同一账号发送此请求超过一定频率会被服务器封禁"), so every upload of an account shares one
 * token, concurrent callers share one fetch, and a rejected token is replaced once, not once per file.
 * The key is a hash of endpoint, org, app, client id and secret: accounts with different credentials
 * never share a token (two accounts with identical credentials are the same Easemob app and may).
 */
export class AppTokenCache {
  readonly #entries = new Map<string, CachedToken | Promise<CachedToken>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A valid token for these credentials: the cached one, or one fresh fetch shared by all callers. */
  async get(http: Got, credentials: AppCredentials, signal: AbortSignal): Promise<string> {
    const key = cacheKey(credentials);
    const entry = this.#entries.get(key);
    if (entry !== undefined && !(entry instanceof Promise) && entry.refreshAt > this.#now()) {
      return entry.accessToken;
    }
    const pending = entry instanceof Promise ? entry : this.#fetch(http, credentials, key);
    return (await abortable(pending, signal)).accessToken;
  }

  /**
   * Forget `rejectedToken` after the server refused it (401), unless another caller already replaced
   * it: then the next `get` returns that replacement instead of fetching a third.
   */
  invalidate(credentials: AppCredentials, rejectedToken: string): void {
    const key = cacheKey(credentials);
    const entry = this.#entries.get(key);
    if (entry !== undefined && !(entry instanceof Promise) && entry.accessToken === rejectedToken) {
      this.#entries.delete(key);
    }
  }

  /** Fetch a new token whatever is cached ("Test connection" must really ask), and cache it. */
  async refresh(http: Got, credentials: AppCredentials, signal: AbortSignal): Promise<string> {
    const key = cacheKey(credentials);
    const entry = this.#entries.get(key);
    const pending = entry instanceof Promise ? entry : this.#fetch(http, credentials, key);
    return (await abortable(pending, signal)).accessToken;
  }

  #fetch(http: Got, credentials: AppCredentials, key: string): Promise<CachedToken> {
    const fetched = fetchAppToken(http, credentials, AbortSignal.timeout(tokenFetchTimeoutMs)).then(
      (token) => {
        const lifetimeMs = token.expiresInSeconds > 0 ? token.expiresInSeconds * 1000 : Infinity;
        const cached: CachedToken = {
          accessToken: token.accessToken,
          refreshAt: this.#now() + lifetimeMs - Math.min(refreshMarginMs, lifetimeMs / 10),
        };
        if (this.#entries.get(key) === fetched) this.#entries.set(key, cached);
        return cached;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === fetched) this.#entries.delete(key);
        throw error;
      },
    );
    this.#entries.set(key, fetched);
    return fetched;
  }
}

function cacheKey(credentials: AppCredentials): string {
  // Hashed so the map never holds a client secret in the clear.
  return createHash('sha256')
    .update(
      JSON.stringify([
        credentials.baseUrl,
        credentials.orgName,
        credentials.appName,
        credentials.clientId,
        credentials.clientSecret,
      ]),
    )
    .digest('hex');
}

/** Wait for a shared promise, but let this caller stop waiting when its own signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function cancelled(signal: AbortSignal): UploadError {
  return requestFailure(signal.reason ?? new Error('aborted'), signal);
}

/**
 * `POST {base}/{org}/{app}/token` with the client credentials. A refusal of the credentials
 * (400 `invalid_grant` "client_secret does not match", a missing id or secret, a 401) fails with
 * `credentials-rejected` and Easemob's own words; throttling, 5xx and network trouble are retryable.
 */
export async function fetchAppToken(
  http: Got,
  credentials: AppCredentials,
  signal: AbortSignal,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
  let response;
  try {
    response = await http.post(
      `${appPath(credentials.baseUrl, credentials.orgName, credentials.appName)}/token`,
      {
        json: {
          grant_type: 'client_credentials',
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
        },
        headers: { accept: 'application/json' },
        signal,
        throwHttpErrors: false,
        responseType: 'text',
      },
    );
  } catch (error) {
    throw requestFailure(error, signal);
  }

  if (response.statusCode !== 200) {
    const status = response.statusCode;
    const easemob = parseEasemobError(response.body);
    if (easemob === undefined || isRetryableStatus(status)) {
      const failure = httpStatusFailure(status, response.body, response.headers['retry-after']);
      if (easemob === undefined) throw failure;
      throw new UploadError(
        {
          ...failure.view,
          providerCode: easemob.error,
          providerMessage: easemob.error_description,
        },
        { retryable: failure.retryable, retryAfterSeconds: failure.retryAfterSeconds },
      );
    }
    const words = easemob.error_description ?? easemob.error ?? `HTTP ${status}`;
    // 404 organization_application_not_found: the org or app name is wrong, not the secret.
    const code = status === 404 ? 'provider-rejected' : 'credentials-rejected';
    throw new UploadError(
      {
        code,
        message:
          code === 'credentials-rejected'
            ? `Easemob refused the app's client id or secret: ${words}`
            : `Easemob does not know this org/app: ${words}`,
        providerCode: easemob.error,
        providerMessage: easemob.error_description,
      },
      { retryable: false },
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw malformedToken('the body is not JSON');
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) throw malformedToken(z.prettifyError(parsed.error));
  return { accessToken: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
}

function malformedToken(detail: string): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `Easemob sent a token answer Ferry cannot read: ${detail}` },
    { retryable: true },
  );
}
