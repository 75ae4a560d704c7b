import { processingSettingsSchema } from './processing.ts';
import { z } from 'zod';
import {
  accountViewSchema,
  errorViewSchema,
  historyEntryViewSchema,
  taskViewSchema,
  vaultStatusSchema,
} from './models.ts';
import type { CommandName, EventName } from './channels.ts';
import { settingsPatchSchema, settingsSchema } from './settings.ts';

/** Paths come from drops and pickers; bound them so a hostile or broken caller cannot flood the main side. */
const pathSchema = z.string().min(1).max(4096);

/** Most bytes `uploads.stage` takes (50 MiB): enough for any screenshot, small enough for one IPC message. */
export const maxStagedBytes = 50 * 1024 * 1024;

const accountIdSchema = z.string().min(1).max(200);
const fieldKeySchema = z.string().max(100);
const secretValueSchema = z.string().max(16_384);

const taskIdsRequest = z.object({ taskIds: z.array(z.string().min(1).max(100)).min(1).max(10_000) }).strict();
/** The tasks whose state the command changed; ids that were unknown or not in a fitting state are left out. */
const taskIdsResponse = z.object({ taskIds: z.array(z.string()) });

const historyFilterSchema = z.object({
  /** Substrings of the file name, a link or the remote id; space-separated terms must all match. */
  search: z.string().trim().max(500).optional(),
  accountId: z.string().min(1).max(200).optional(),
  providerId: z.string().min(1).max(100).optional(),
  type: z.enum(['image', 'video', 'audio', 'other']).optional(),
  /** createdAt ≥ from, ms since the epoch. */
  from: z.number().int().nonnegative().optional(),
  /** createdAt < to, ms since the epoch. */
  to: z.number().int().nonnegative().optional(),
});

export const noticeSchema = z.object({
  id: z.string(),
  /**
   * local-api-unavailable: the PicGo-compatible upload API could not listen (its port is taken).
   * shortcut-unavailable: the desktop app could not register the clipboard shortcut (another app holds
   * it); listed while that lasts, gone once a shortcut registers.
   */
  kind: z.enum(['database-restored', 'database-reset', 'local-api-unavailable', 'shortcut-unavailable']),
  message: z.string(),
  createdAt: z.number(),
});
export type Notice = z.infer<typeof noticeSchema>;

/**
 * Commands: renderer → main, request/response. Every request is parsed on the main side with these
 * schemas before a handler sees it; `.strict()` rejects unknown keys so typos fail loudly.
 */
export const commandSchemas = {
  'accounts.list': {
    request: z.object({}).strict(),
    response: z.array(accountViewSchema),
  },
  'accounts.add': {
    request: z
      .object({
        providerId: z.string().min(1).max(100),
        name: z.string().trim().min(1).max(200),
        fields: z.record(fieldKeySchema, z.string().max(4096)),
        /** Write-only: encrypted in the main process, never sent back. */
        secrets: z.record(fieldKeySchema, secretValueSchema),
      })
      .strict(),
    response: accountViewSchema,
  },
  /** Rename, change settings, replace or clear secrets. The Sandbox account cannot be edited. */
  'accounts.update': {
    request: z
      .object({
        id: accountIdSchema,
        name: z.string().trim().min(1).max(200).optional(),
        /** A patch: each given setting is replaced; an empty string removes an optional one. */
        fields: z.record(fieldKeySchema, z.string().max(4096)).optional(),
        /**
         * Write-only patch: a string replaces the secret (and clears `needsReentry` once every
         * unreadable secret is replaced); null removes an optional one. Absent keys are kept as they are.
         */
        secrets: z.record(fieldKeySchema, secretValueSchema.nullable()).optional(),
      })
      .strict(),
    response: accountViewSchema,
  },
  /** Refused while the account has queued, running or paused uploads; history entries are kept. */
  'accounts.remove': {
    request: z.object({ id: accountIdSchema }).strict(),
    response: z.object({ id: z.string() }),
  },
  /**
   * "Test connection": the provider's cheapest authenticated request with the saved secrets. A failure
   * is an answer (with the provider's own reason), not a refused call; so is a provider with no test.
   */
  'accounts.test': {
    request: z.object({ id: accountIdSchema }).strict(),
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true) }),
      z.object({
        ok: z.literal(false),
        error: errorViewSchema,
        /** True when the provider has no way to test without uploading: nothing was sent. */
        unsupported: z.boolean(),
      }),
    ]),
  },
  'vault.status': {
    request: z.object({}).strict(),
    response: vaultStatusSchema,
  },
  'uploads.add': {
    request: z
      .object({
        paths: z.array(pathSchema).min(1).max(10_000),
        accountId: accountIdSchema,
        /** false: "upload original", the files leave unprocessed. Default: the account's processing settings. */
        process: z.boolean().optional(),
        /** true: upload again bytes the account already has, instead of reusing the earlier links. */
        force: z.boolean().optional(),
        /** This drop's processing, over the account's (the CLI's flags). */
        processing: processingSettingsSchema.partial().strict().optional(),
      })
      .strict(),
    response: z.object({ taskIds: z.array(z.string()) }),
  },
  /**
   * Bytes with no file behind them (a pasted image) become a file in the staging folder, so that
   * `uploads.add` can take its path like any other. Bounded: a paste is a screenshot, not a video.
   */
  'uploads.stage': {
    request: z
      .object({
        name: z.string().trim().min(1).max(255),
        bytesBase64: z
          .string()
          .min(1)
          .max(Math.ceil(maxStagedBytes / 3) * 4)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/),
      })
      .strict(),
    response: z.object({ path: z.string() }),
  },
  /**
   * Upload what is on the clipboard (the global shortcut, the tray, the local API's empty-body POST):
   * an image is staged as `Screenshot <date> <time>.png`, files copied in the OS file manager are taken
   * as they are. To `accountId`, else the default account; with neither, nothing is uploaded and the
   * caller lets the user pick an account for `paths` (uploads.add), which then becomes the default.
   * Refused (`invalid-request`) where Ferry cannot read the clipboard: the web shell, the CLI.
   */
  'uploads.clipboard': {
    request: z.object({ accountId: accountIdSchema.optional() }).strict(),
    response: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('uploading'),
        accountId: z.string(),
        /** One per path, in clipboard order. */
        taskIds: z.array(z.string()),
        paths: z.array(z.string()),
        /** What the clipboard held: an image (now a staged file), or files. */
        source: z.enum(['image', 'files']),
      }),
      z.object({
        outcome: z.literal('needs-account'),
        paths: z.array(pathSchema).min(1),
        source: z.enum(['image', 'files']),
      }),
      /** No image and no file on the clipboard (text, or nothing). */
      z.object({ outcome: z.literal('empty') }),
    ]),
  },
  'uploads.list': {
    request: z.object({}).strict(),
    response: z.array(taskViewSchema),
  },
  'uploads.pause': { request: taskIdsRequest, response: taskIdsResponse },
  'uploads.resume': { request: taskIdsRequest, response: taskIdsResponse },
  'uploads.cancel': { request: taskIdsRequest, response: taskIdsResponse },
  'uploads.retry': { request: taskIdsRequest, response: taskIdsResponse },
  'uploads.pauseAll': { request: z.object({}).strict(), response: taskIdsResponse },
  'uploads.resumeAll': { request: z.object({}).strict(), response: taskIdsResponse },
  'history.list': {
    request: historyFilterSchema
      .extend({
        /** Opaque; returned as `nextCursor` by the previous page. */
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    response: z.object({
      entries: z.array(historyEntryViewSchema),
      nextCursor: z.string().nullable(),
    }),
  },
  /**
   * "Show the local file": where the uploaded file was on this machine. In the app the OS file manager
   * is asked to show it (`shown`); elsewhere the path is for the user to read. Null when Ferry does not
   * know it: imported entries, and files dropped into a browser (the web shell uploads a copy).
   */
  'history.showLocalFile': {
    request: z.object({ id: z.string().min(1).max(100) }).strict(),
    response: z.object({ path: z.string().nullable(), exists: z.boolean(), shown: z.boolean() }),
  },
  /** Forget entries (the remote files stay where they are). */
  'history.delete': {
    request: z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(10_000) }).strict(),
    response: z.object({ deleted: z.number().int().nonnegative() }),
  },
  /**
   * Write the (filtered) history to a file in the user's export folder. Account secrets are never in
   * it; share secrets only when asked for.
   */
  'history.export': {
    request: z
      .object({
        format: z.enum(['json', 'csv']),
        filter: historyFilterSchema.strict().optional(),
        includeShareSecrets: z.boolean().default(false),
      })
      .strict(),
    response: z.object({ path: z.string(), exported: z.number().int().nonnegative() }),
  },
  /** Import a Ferry export (JSON or CSV) from a path the user chose; entries already there are skipped. */
  'history.import': {
    request: z.object({ path: pathSchema, format: z.enum(['json', 'csv']) }).strict(),
    response: z.object({
      added: z.number().int().nonnegative(),
      alreadyPresent: z.number().int().nonnegative(),
      rejected: z.array(z.object({ row: z.number().int(), message: z.string() })),
    }),
  },
  'settings.get': { request: z.object({}).strict(), response: settingsSchema },
  'settings.update': { request: settingsPatchSchema, response: settingsSchema },
  /**
   * A new local API secret, made by the main process: the old one is refused from the next request on
   * (tools configured with it must be given the new one). The secret is the only key to an API that
   * uploads any file the user can read, so a leaked one must be replaceable.
   */
  'settings.rotateLocalApiSecret': { request: z.object({}).strict(), response: settingsSchema },
  /**
   * What the user must hear about: a damaged database found at a start (restored from a backup, or
   * started empty), listed at every start until dismissed; the local API's port trouble while it lasts.
   */
  'notices.list': { request: z.object({}).strict(), response: z.array(noticeSchema) },
  /** The user has read a notice: it is not listed again, after a restart either. False for an unknown id. */
  'notices.dismiss': {
    request: z.object({ id: z.string().min(1).max(100) }).strict(),
    response: z.object({ dismissed: z.boolean() }),
  },
} as const satisfies Record<CommandName, { request: z.ZodType; response: z.ZodType }>;

/** Events: main → renderer. */
export const eventSchemas = {
  /** State or progress of some tasks changed; batched and throttled by the main side. */
  'tasks.changed': z.object({ tasks: z.array(taskViewSchema) }),
  'history.added': z.object({ entry: historyEntryViewSchema }),
  /** An entry gained something after it was added (its thumbnail). */
  'history.updated': z.object({ entry: historyEntryViewSchema }),
  'history.removed': z.object({ ids: z.array(z.string()) }),
  'settings.changed': z.object({ settings: settingsSchema }),
  notice: noticeSchema,
  /**
   * Electron only, sent by main/electron (not the service): show this view, because the user clicked a
   * notification ("uploaded" → history, "failed" → queue) or the tray.
   */
  'app.navigate': z.object({
    view: z.enum(['queue', 'history', 'accounts', 'settings']),
    /** With `history`: the entry to show (the click on an "uploaded, link copied" notification). */
    entryId: z.string().min(1).max(100).optional(),
  }),
  /**
   * Electron only: files opened with Ferry (command line, second instance, macOS open-file, drop on
   * the tray icon) while no usable default account is set. Main has checked that each exists and is a
   * file or folder; the window asks which account they go to and calls uploads.add.
   */
  'app.openFiles': z.object({
    paths: z.array(pathSchema).min(1).max(10_000),
    /**
     * True when the files came from the clipboard shortcut, the tray's "Upload clipboard" or the drop
     * window with no default account: the account the user picks becomes the default
     * (settings.defaultAccountId), so the next time uploads at once.
     */
    rememberAccount: z.boolean().optional(),
  }),
} as const satisfies Record<EventName, z.ZodType>;

type Commands = typeof commandSchemas;
export type CommandRequest<N extends CommandName> = z.input<Commands[N]['request']>;
export type ParsedCommandRequest<N extends CommandName> = z.output<Commands[N]['request']>;
export type CommandResponse<N extends CommandName> = z.output<Commands[N]['response']>;
export type EventPayload<N extends EventName> = z.output<(typeof eventSchemas)[N]>;
export type FerryEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];

/** The failure half of a command's answer, identical over Electron IPC and the web shell's WebSocket. */
export const commandErrorSchema = errorViewSchema;

/**
 * What the renderer talks to. In Electron the preload provides it; in the web shell a WebSocket
 * client does. The renderer never knows which.
 */
export interface FerryApi {
  invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResponse<N>>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
  /**
   * Where the renderer loads a history entry's thumbnail from (`thumbnailKey`): an `app://` URL in
   * Electron, a token-carrying HTTP URL in the web shell. Never bytes over the contract.
   */
  thumbnailUrl(thumbnailKey: string): string;
}
