import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { safeFileName } from '../file-names.ts';

/**
 * A browser cannot hand the main side a path, so the web shell streams each dropped file into its own
 * folder under the staging dir (keeping the user's file name for the history) and uploads from there.
 */
export async function stageUpload(stagingDir: string, name: string, body: IncomingMessage): Promise<string> {
  const folder = join(stagingDir, randomUUID());
  await mkdir(folder, { recursive: true });
  const path = join(folder, safeFileName(name));
  try {
    await pipeline(body, createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return path;
}
