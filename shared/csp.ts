/**
 * The renderer's Content-Security-Policy, shared by the Electron app:// protocol and the web shell so
 * both serve the same page under the same rules. No inline scripts, no eval, no remote code.
 * `connectSources` names where the page may talk: nothing in Electron (IPC needs no fetch), the shell's
 * own WebSocket and HTTP origin in the web shell.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
