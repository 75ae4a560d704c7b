import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder Electron's `app.getPath('userData')` gives a product named "Ferry", computed without
 * Electron so the web shell and the CLI work on the same data as the desktop app.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Ferry');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Ferry');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Ferry');
}
