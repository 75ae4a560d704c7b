import type { HistoryEntryView, LinkKind, LinkView } from '../models.ts';
import { isImage, primaryLink } from './basic.ts';

/**
 * Tencent Cloud IM message elements that send an uploaded file (docs/providers.md#copy-formats; Tencent IM
 * REST "消息格式描述": TIMImageElem, TIMFileElem): what a user pastes into MsgBody of sendmsg.
 */

/** ImageInfoArray `Type`: the message's own codes, not pic_up's PIC_TYPE (1 original, 2 small, 4 large). */
export const timImageType = { original: 1, large: 2, thumbnail: 3 } as const;

/** `ImageFormat`: JPG 1, GIF 2, PNG 3, BMP 4, anything else 255. */
export function timImageFormat(mimeType: string): number {
  switch (mimeType.toLowerCase()) {
    case 'image/jpeg':
    case 'image/jpg':
    case 'image/pjpeg':
      return 1;
    case 'image/gif':
      return 2;
    case 'image/png':
      return 3;
    case 'image/bmp':
    case 'image/x-bmp':
    case 'image/x-ms-bmp':
      return 4;
    default:
      return 255;
  }
}

export interface TimImageInfo {
  Type: number;
  Size: number;
  Width: number;
  Height: number;
  URL: string;
}

export interface TimImageElem {
  MsgType: 'TIMImageElem';
  MsgContent: { UUID: string; ImageFormat: number; ImageInfoArray: TimImageInfo[] };
}

export interface TimFileElem {
  MsgType: 'TIMFileElem';
  /** Download_Flag 2: the file is downloaded from `Url` directly (the only value Tencent accepts). */
  MsgContent: { Url: string; UUID: string; FileSize: number; FileName: string; Download_Flag: 2 };
}

function numberDetail(entry: HistoryEntryView, key: string): number | undefined {
  const value = entry.details[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Original, large and thumbnail entries from the links original/large/small (pic_up's 1/4/2). */
export function timImageElem(entry: HistoryEntryView): TimImageElem {
  const sources: [LinkKind, number][] = [
    ['original', timImageType.original],
    ['large', timImageType.large],
    ['small', timImageType.thumbnail],
  ];
  const infos: TimImageInfo[] = [];
  for (const [kind, type] of sources) {
    const link: LinkView | undefined =
      entry.links.find((candidate) => candidate.kind === kind) ??
      (kind === 'original' ? primaryLink(entry) : undefined);
    if (link === undefined) continue;
    const isOriginal = type === timImageType.original;
    infos.push({
      Type: type,
      // Tencent reports derivative sizes as it likes; the original's size is the file's.
      Size: link.size ?? (isOriginal ? entry.size : 0),
      Width: link.width ?? (isOriginal ? (numberDetail(entry, 'width') ?? 0) : 0),
      Height: link.height ?? (isOriginal ? (numberDetail(entry, 'height') ?? 0) : 0),
      URL: link.url,
    });
  }
  return {
    MsgType: 'TIMImageElem',
    MsgContent: { UUID: entry.remoteId, ImageFormat: timImageFormat(entry.mimeType), ImageInfoArray: infos },
  };
}

export function timFileElem(entry: HistoryEntryView): TimFileElem {
  return {
    MsgType: 'TIMFileElem',
    MsgContent: {
      Url: primaryLink(entry)?.url ?? '',
      UUID: entry.remoteId,
      FileSize: entry.size,
      FileName: entry.name,
      Download_Flag: 2,
    },
  };
}

/** TIMImageElem for images, TIMFileElem for everything else, as pasteable JSON. */
export function timMessageElemJson(entry: HistoryEntryView): string {
  return JSON.stringify(isImage(entry) ? timImageElem(entry) : timFileElem(entry), null, 2);
}
