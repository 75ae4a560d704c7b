import { z } from 'zod';

/**
 * The wire shapes of Easemob's REST file API (docs/providers.md#easemob). Everything Ferry assumes
 * about Easemob that the seed does not say outright is here, so it is easy to correct.
 */

/**
 * "上传文件的大小默认不能超过 10 MB". The seed never defines MB; Ferry reads it as MiB (10 × 1024 × 1024
 * bytes), the larger reading, so no file the server would take is refused locally. Should the real
 * limit be 10,000,000 bytes, a file in between is sent and the server's 413 still ends it as
 * `file-too-large` with Easemob's own words.
 */
export const chatfileMaxBytes = 10 * 1024 * 1024;

/** "100 次/秒/App Key". */
export const chatfileRequestsPerSecond = 100;

/** Thumbnail edge in pixels when the account does not say (the seed's default). */
export const defaultThumbnailEdge = 170;

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  /** Seconds; 0 means a token that never expires (`ttl: 0`). */
  expires_in: z.number().nonnegative(),
  application: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const chatfileUploadResponseSchema = z.object({
  uri: z.string().min(1).optional(),
  entities: z
    .array(
      z.object({
        uuid: z.string().min(1),
        type: z.string().optional(),
        'share-secret': z.string().optional(),
      }),
    )
    .min(1),
});
export type ChatfileUploadResponse = z.infer<typeof chatfileUploadResponseSchema>;

/** Easemob's error body: `{error, exception, timestamp, duration, error_description}`. */
export const easemobErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  exception: z.string().optional(),
});
export type EasemobError = z.infer<typeof easemobErrorSchema>;

/** The error body of a non-2xx answer, if it is Easemob's JSON; proxies answer with HTML. */
export function parseEasemobError(body: string): EasemobError | undefined {
  try {
    const parsed = easemobErrorSchema.safeParse(JSON.parse(body));
    return parsed.success && (parsed.data.error || parsed.data.error_description) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Easemob's message types for attachments, picked from the MIME type. */
export type EasemobFileType = 'img' | 'video' | 'audio' | 'file';

export function easemobFileTypeOf(mimeType: string): EasemobFileType {
  if (mimeType.startsWith('image/')) return 'img';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'file';
}

export function appPath(baseUrl: string, orgName: string, appName: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return `${base}/${encodeURIComponent(orgName)}/${encodeURIComponent(appName)}`;
}
