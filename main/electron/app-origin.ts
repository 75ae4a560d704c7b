/**
 * The renderer's one origin. Everything trusted in the Electron layer (IPC senders, navigation,
 * permissions, event delivery) is decided against it, so it is spelled once.
 */
export const appScheme = 'app';
export const appHost = 'ferry';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

/**
 * Whether `url` is on the app origin. Compared by parts rather than `URL.origin`: WHATWG URL gives
 * non-special schemes such as `app:` the opaque origin "null" outside Chromium.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${appScheme}:` &&
    parsed.host === appHost &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
