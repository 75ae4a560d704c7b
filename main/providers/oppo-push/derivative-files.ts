import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import {
  makeDerivative,
  type CropPosition,
  type Derivative,
  type DerivativeFormat,
} from '../../thumbnails/derivative.ts';
import { pictureSpecs, type PictureRole } from './oppo-push-protocol.ts';

/**
 * Derivatives live in a temporary folder per upload session: they are small and made again
 * deterministically from the source when a resumed session finds them gone (a reboot, a tmp cleaner).
 */
export function workDir(workId: string): string {
  return join(tmpdir(), 'ferry-derivatives', workId);
}

/** `photo.heic` → `photo-oppo-big.jpg`: the storage account names its object after this file. */
export function derivativePath(
  workId: string,
  sourcePath: string,
  role: PictureRole,
  format: DerivativeFormat,
) {
  const stem = basename(sourcePath, extname(sourcePath)) || 'picture';
  return join(workDir(workId), `${stem}-oppo-${role}.${format === 'jpeg' ? 'jpg' : 'png'}`);
}

export interface DerivativeFile {
  path: string;
  bytes: number;
  setting: string | undefined;
}

/**
 * The derivative for `role`, made now unless the folder still has it. Written to a temporary name
 * and renamed, so a crash mid-write never leaves a half file that a later step would upload.
 */
export async function ensureDerivative(
  workId: string,
  sourcePath: string,
  role: PictureRole,
  format: DerivativeFormat,
  options: { position: CropPosition; signal: AbortSignal; onEncoded: () => void },
): Promise<DerivativeFile> {
  const path = derivativePath(workId, sourcePath, role, format);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile()) return { path, bytes: existing.size, setting: undefined };
  const { width, height, maxBytes } = pictureSpecs[role];
  const derivative: Derivative = await makeDerivative(
    sourcePath,
    { width, height, maxBytes, format, position: options.position },
    options,
  );
  await mkdir(workDir(workId), { recursive: true });
  const partial = `${path}.${randomUUID()}.part`;
  await writeFile(partial, derivative.data);
  await rename(partial, path);
  return { path, bytes: derivative.data.length, setting: derivative.setting };
}

export async function removeWorkDir(workId: string): Promise<void> {
  await rm(workDir(workId), { recursive: true, force: true });
}
