import { tokenFragmentKey } from '../../shared/web-protocol.ts';

const storageKey = 'ferry.webToken';

/**
 * The web shell's per-run token. It arrives in the URL fragment, which browsers never send to a server
 * in a request line, and is kept in sessionStorage so a reload of the same tab still works. The
 * fragment is then removed so the token does not linger in the address bar or in a copied link.
 */
export function takeWebToken(): string | null {
  const fromFragment = new URLSearchParams(location.hash.replace(/^#/, '')).get(tokenFragmentKey);
  if (fromFragment) {
    sessionStorage.setItem(storageKey, fromFragment);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return fromFragment;
  }
  return sessionStorage.getItem(storageKey);
}
