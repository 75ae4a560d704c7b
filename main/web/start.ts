import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../app-paths.ts';
import { LocalApiController } from '../local-api/local-api-controller.ts';
import { createService } from '../service.ts';
import { startWebShell } from './web-shell-server.ts';

// `npm run web`: the desktop app's service behind a loopback WebSocket, for any browser.
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
  },
});

const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
// Like the app, it serves the PicGo-compatible local API when the settings enable it.
const service = await createService({ dataDir, localApi: (deps) => new LocalApiController(deps) });
const shell = await startWebShell({
  service,
  rendererDir: resolve(values['renderer-dir'] ?? resolve(import.meta.dirname, '../../out/renderer')),
  port: values.port === undefined ? 0 : Number(values.port),
});

process.stdout.write(`Ferry web shell (data: ${dataDir})\nOpen ${shell.url}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await shell.close();
  await service.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
