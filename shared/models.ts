import { z } from 'zod';
import { errorCodes } from './errors.ts';

export const errorViewSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  providerMessage: z.string().optional(),
  providerCode: z.string().optional(),
});

export const taskStates = [
  'queued',
  'hashing',
  'uploading',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;
export type TaskState = (typeof taskStates)[number];

/** One file in the queue, as the renderer sees it. */
export const taskViewSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  path: z.string(),
  name: z.string(),
  /** Null until the file has been stat'ed (a path that does not exist never gets a size). */
  size: z.number().int().nonnegative().nullable(),
  state: z.enum(taskStates),
  /** Acknowledged by the server and journaled, plus what is in flight: never moves backwards. */
  transferredBytes: z.number().int().nonnegative(),
  /** Smoothed over the last seconds while uploading; null when not uploading or not yet known. */
  bytesPerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  error: errorViewSchema.nullable(),
  historyId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TaskView = z.infer<typeof taskViewSchema>;

export const linkKinds = ['original', 'small', 'large', 'download'] as const;
export type LinkKind = (typeof linkKinds)[number];

export const linkViewSchema = z.object({
  kind: z.enum(linkKinds),
  url: z.string(),
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
  size: z.number().int().nonnegative().optional(),
});
export type LinkView = z.infer<typeof linkViewSchema>;

/** Provider-specific facts of a finished upload, flat so they export to CSV as columns. */
export const historyDetailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type HistoryDetails = z.infer<typeof historyDetailsSchema>;

/** Details that grant access to a file (Easemob's share-secret): never exported unless asked for. */
export const secretDetailKeys: readonly string[] = ['shareSecret'];

/** A finished upload: what the user came for (links, remote ids), kept forever. */
export const historyEntryViewSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  providerId: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mimeType: z.string(),
  sha256: z.string(),
  remoteId: z.string(),
  links: z.array(linkViewSchema),
  details: historyDetailsSchema,
  /**
   * The key the thumbnailer caches this entry's picture under (the file's SHA-256); absent while there
   * is no thumbnail.
   */
  thumbnailKey: z.string().optional(),
  createdAt: z.number(),
});
export type HistoryEntryView = z.infer<typeof historyEntryViewSchema>;

/** An account without its secrets: only whether each secret is set ever leaves the main process. */
export const accountViewSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  name: z.string(),
  isSandbox: z.boolean(),
  fields: z.record(z.string(), z.string()),
  secretsSet: z.record(z.string(), z.boolean()),
  /**
   * Some saved secret cannot be decrypted (the key file was lost or replaced, the OS keyring changed):
   * uploads fail with `credentials-unreadable` until the secrets are entered again (accounts.update).
   */
  needsReentry: z.boolean(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

/** How secrets are protected on this machine (vault.status), for the account screen to tell the user. */
export const vaultStatusSchema = z.object({
  /** False for the key file of the web shell and CLI, and for Linux's basic_text backend. */
  secure: z.boolean(),
  kind: z.enum(['os-keychain', 'key-file']),
  note: z.string(),
});
export type VaultStatus = z.infer<typeof vaultStatusSchema>;
