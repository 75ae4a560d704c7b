import { z } from 'zod';
import { accountViewSchema, historyEntryViewSchema, taskViewSchema, errorViewSchema } from './models.ts';
import type { CommandName, EventName } from './channels.ts';

/** Paths come from drops and pickers; bound them so a hostile or broken caller cannot flood the main side. */
const pathSchema = z.string().min(1).max(4096);

const taskIdsRequest = z.object({ taskIds: z.array(z.string().min(1).max(100)).min(1).max(10_000) }).strict();
/** The tasks whose state the command changed; ids that were unknown or not in a fitting state are left out. */
const taskIdsResponse = z.object({ taskIds: z.array(z.string()) });

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
        fields: z.record(z.string().max(100), z.string().max(4096)),
        /** Write-only: encrypted in the main process, never sent back. */
        secrets: z.record(z.string().max(100), z.string().max(16_384)),
      })
      .strict(),
    response: accountViewSchema,
  },
  'uploads.add': {
    request: z
      .object({
        paths: z.array(pathSchema).min(1).max(10_000),
        accountId: z.string().min(1).max(200),
      })
      .strict(),
    response: z.object({ taskIds: z.array(z.string()) }),
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
    request: z
      .object({
        /** Matches file name, link or remote id. */
        search: z.string().trim().max(500).optional(),
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
} as const satisfies Record<CommandName, { request: z.ZodType; response: z.ZodType }>;

/** Events: main → renderer. */
export const eventSchemas = {
  /** State or progress of some tasks changed; batched and throttled by the main side. */
  'tasks.changed': z.object({ tasks: z.array(taskViewSchema) }),
  'history.added': z.object({ entry: historyEntryViewSchema }),
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
}
