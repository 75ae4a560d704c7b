import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FerryLogger } from '../log/logger.ts';
import { requestTarget } from '../net/request-target.ts';
import { Refusal } from './picgo-answer.ts';

/**
 * Who may talk to the local upload API. It listens on 127.0.0.1 only, but a web page in the user's
 * browser can reach loopback too: a rebinding domain arrives with a foreign Host header, any fetch or
 * form post with an Origin. Both are refused before the secret is even looked at.
 */

/** `127.0.0.1:<port>` or `localhost:<port>`: what a client that really meant this server sends. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Editors' HTTP clients send no Origin: Typora's command runs curl, Obsidian's plugins call
 * `requestUrl` (made by Obsidian's main process, not its page), PicGo plugins use Node's HTTP. A
 * browser page always sends one with a POST, and a page served from another port of this machine (a
 * dev server, a notebook, anything a local program serves) is a web page like any other: with the key
 * it could upload any file the user can read. So any Origin at all is refused, loopback's included.
 */
export function isAllowedOrigin(origin: string | undefined): boolean {
  return origin === undefined;
}

/**
 * The key a request carries: the `x-ferry-key` header, else `Authorization: Bearer`, else `?key=`
 * (PicGo's own server takes it in the query, so that is what editors configured for PicGo send).
 */
export function presentedKey(headers: IncomingHttpHeaders, url: URL): string | null {
  const header = headers['x-ferry-key'];
  if (typeof header === 'string') return header;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  return url.searchParams.get('key');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time comparison. Both sides are hashed first so that neither the time nor an early length
 * check tells a guesser how long the secret is. An empty secret (the API has none yet) matches nothing.
 */
export function isSecretMatch(given: string | null, secret: string): boolean {
  if (given === null || secret === '') return false;
  return timingSafeEqual(digest(given), digest(secret));
}

/**
 * Every request's checks, in order: the Host (DNS rebinding), the Origin (cross-site pages), then the
 * secret. Throws a Refusal; returns the URL, of which only the path and the key are ever read (it may
 * hold the key, so it is never logged).
 */
export function guardRequest(
  request: IncomingMessage,
  guard: { port: number; secret: string; logger: FerryLogger },
): URL {
  const { port, logger } = guard;
  if (!isAllowedHost(request.headers.host, port)) {
    throw new Refusal(403, `Refused: the Host header must be 127.0.0.1:${port} or localhost:${port}.`);
  }
  if (!isAllowedOrigin(request.headers.origin)) {
    logger.warn('local api refused a request from a web page', { path: pathOf(request) });
    throw new Refusal(403, 'Refused: requests from web pages (any Origin) are not accepted.');
  }
  const url = requestTarget(request.url);
  if (url === null) throw new Refusal(400, 'The request target is not a path.');
  if (!isSecretMatch(presentedKey(request.headers, url), guard.secret)) {
    logger.warn('local api refused a request without the right key', { path: url.pathname });
    throw new Refusal(
      401,
      "Missing or wrong key: send Ferry's local API secret as ?key=, an x-ferry-key header or Authorization: Bearer.",
    );
  }
  return url;
}

/** The request's path without its query (which may hold the key), bounded, for the log. */
export function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0]!.slice(0, 200);
}
