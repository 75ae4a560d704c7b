import { z } from 'zod';

/**
 * The wire shapes of pic_up (docs/providers.md#tencent-cloud-im). Tencent's examples quote numbers as
 * strings, so every numeric field accepts both; anything else that does not parse is a malformed answer.
 */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

export const picTypes = { original: 1, small: 2, large: 4 } as const;

export const urlInfoSchema = z.object({
  PIC_TYPE: numeric,
  DownUrl: z.string().min(1),
  PIC_Width: numeric.optional(),
  PIC_Height: numeric.optional(),
  PIC_Size: numeric.optional(),
});

export const picUpResponseSchema = z.object({
  ActionStatus: z.string(),
  ErrorCode: numeric,
  ErrorInfo: z.string().optional().default(''),
  IsRejectRetry: numeric.optional().default(0),
  Next_Offset: numeric.optional(),
  IsFinish: numeric.optional().default(0),
  File_UUID: z.string().optional(),
  URL_INFO: z.array(urlInfoSchema).optional(),
});
export type PicUpResponse = z.infer<typeof picUpResponseSchema>;

/** File_Type of the request. */
export const fileTypes = { image: 1, file: 2, video: 3, voice: 4 } as const;

export function fileTypeFor(mimeType: string): number {
  if (mimeType.startsWith('image/')) return fileTypes.image;
  if (mimeType.startsWith('video/')) return fileTypes.video;
  if (mimeType.startsWith('audio/')) return fileTypes.voice;
  return fileTypes.file;
}

/** Busi_Id (the seed's businessType): 1 group message, 2 C2C message, 3 user avatar, 4 group avatar. */
export const busiIds = { group: 1, c2c: 2, userAvatar: 3, groupAvatar: 4 } as const;
