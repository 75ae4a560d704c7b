import { z } from 'zod';
import { errorViewSchema } from './models.ts';

/**
 * The web shell's wire format: the IPC contract carried over one WebSocket. The page learns its token
 * from the URL fragment (never sent to the server in a request line), then connects to
 * `/ws?token=…`; staged file bytes go to `PUT /api/staging?name=…` with `Authorization: Bearer …`.
 */
export const webClientMessageSchema = z
  .object({
    type: z.literal('command'),
    id: z.number().int().nonnegative(),
    name: z.string().max(100),
    request: z.unknown(),
  })
  .strict();
export type WebClientMessage = z.infer<typeof webClientMessageSchema>;

// Results are told apart by `ok` inside `type: 'result'`: zod 4 refuses two options with one discriminator value.
export const webServerMessageSchema = z.discriminatedUnion('type', [
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(true), response: z.unknown() }),
    z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(false), error: errorViewSchema }),
  ]),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type WebServerMessage = z.infer<typeof webServerMessageSchema>;

export const stagingResponseSchema = z.object({ path: z.string() });

export const webSocketPath = '/ws';
export const stagingPath = '/api/staging';
export const tokenFragmentKey = 'token';
/** Thumbnails by key (a content SHA-256): `/thumbnails/<key>.webp`, in the web shell and on app://. */
export const thumbnailPathPattern = /^\/thumbnails\/([0-9a-f]{64})\.webp$/;
export const thumbnailPath = (key: string): string => `/thumbnails/${key}.webp`;
