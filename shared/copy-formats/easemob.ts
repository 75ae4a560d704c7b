import type { HistoryEntryView } from '../models.ts';

/**
 * Easemob message bodies that reference an uploaded chat file (docs/providers.md#copy-formats; Easemob's
 * "发送单聊消息" REST docs): what a user pastes into `body` when sending an img/file/video/audio message. Only
 * `url` is required by Easemob; `secret` is required when the file was uploaded with restricted access. Pure
 * functions of a history entry and its details, so the renderer can offer them as copy formats.
 */

export type EasemobMessageType = 'img' | 'file' | 'video' | 'audio';

export interface EasemobImageBody {
  filename: string;
  secret?: string;
  size?: { width: number; height: number };
  url: string;
}

export interface EasemobFileBody {
  filename: string;
  secret?: string;
  url: string;
}

export interface EasemobVideoBody {
  filename: string;
  /** URL of a separately uploaded thumbnail image: Easemob makes none for videos. */
  thumb?: string;
  thumb_secret?: string;
  /** Seconds. */
  length?: number;
  /** Bytes. */
  file_length: number;
  secret?: string;
  url: string;
}

export interface EasemobAudioBody {
  filename: string;
  secret?: string;
  /** Seconds. */
  length?: number;
  url: string;
}

export type EasemobMessage =
  | { type: 'img'; body: EasemobImageBody }
  | { type: 'file'; body: EasemobFileBody }
  | { type: 'video'; body: EasemobVideoBody }
  | { type: 'audio'; body: EasemobAudioBody };

/** What a history entry cannot know: durations need a media probe, a video thumbnail its own upload. */
export interface EasemobMessageExtras {
  /** Duration in whole seconds, for audio and video. */
  lengthSeconds?: number;
  /** The history entry of the video's thumbnail picture, uploaded to Easemob separately. */
  thumbnail?: HistoryEntryView;
}

interface ChatfileFacts {
  url: string;
  filename: string;
  secret: string | undefined;
  fileLength: number;
}

export function isEasemobEntry(entry: HistoryEntryView): boolean {
  return entry.providerId === 'easemob' && typeof entry.details.url === 'string';
}

function factsOf(entry: HistoryEntryView): ChatfileFacts {
  if (!isEasemobEntry(entry)) {
    throw new TypeError(`History entry ${entry.id} is not an Easemob chat file.`);
  }
  const { details } = entry;
  return {
    url: details.url as string,
    filename: typeof details.fileName === 'string' ? details.fileName : entry.name,
    secret: typeof details.shareSecret === 'string' && details.shareSecret ? details.shareSecret : undefined,
    fileLength: typeof details.fileLength === 'number' ? details.fileLength : entry.size,
  };
}

/** The message type Ferry recorded at upload (from the MIME type), or derived now for older entries. */
export function easemobMessageType(entry: HistoryEntryView): EasemobMessageType {
  const recorded = entry.details.type;
  if (recorded === 'img' || recorded === 'file' || recorded === 'video' || recorded === 'audio')
    return recorded;
  if (entry.mimeType.startsWith('image/')) return 'img';
  if (entry.mimeType.startsWith('video/')) return 'video';
  if (entry.mimeType.startsWith('audio/')) return 'audio';
  return 'file';
}

function wholeSeconds(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) || value < 0 ? undefined : Math.round(value);
}

// Keys are laid out in the order of Easemob's documentation, so a pasted body reads like its examples.

export function easemobImageBody(entry: HistoryEntryView): EasemobImageBody {
  const facts = factsOf(entry);
  const { width, height } = entry.details;
  const known = typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0;
  return {
    filename: facts.filename,
    ...(facts.secret !== undefined && { secret: facts.secret }),
    ...(known && { size: { width, height } }),
    url: facts.url,
  };
}

export function easemobFileBody(entry: HistoryEntryView): EasemobFileBody {
  const facts = factsOf(entry);
  return {
    filename: facts.filename,
    ...(facts.secret !== undefined && { secret: facts.secret }),
    url: facts.url,
  };
}

export function easemobVideoBody(
  entry: HistoryEntryView,
  extras: EasemobMessageExtras = {},
): EasemobVideoBody {
  const facts = factsOf(entry);
  const thumb = extras.thumbnail === undefined ? undefined : factsOf(extras.thumbnail);
  const length = wholeSeconds(extras.lengthSeconds);
  return {
    filename: facts.filename,
    ...(thumb !== undefined && { thumb: thumb.url }),
    ...(thumb?.secret !== undefined && { thumb_secret: thumb.secret }),
    ...(length !== undefined && { length }),
    file_length: facts.fileLength,
    ...(facts.secret !== undefined && { secret: facts.secret }),
    url: facts.url,
  };
}

export function easemobAudioBody(
  entry: HistoryEntryView,
  extras: EasemobMessageExtras = {},
): EasemobAudioBody {
  const facts = factsOf(entry);
  const length = wholeSeconds(extras.lengthSeconds);
  return {
    filename: facts.filename,
    ...(facts.secret !== undefined && { secret: facts.secret }),
    ...(length !== undefined && { length }),
    url: facts.url,
  };
}

/** The `type` and `body` of the Easemob message that sends this upload. */
export function easemobMessage(entry: HistoryEntryView, extras: EasemobMessageExtras = {}): EasemobMessage {
  const type = easemobMessageType(entry);
  switch (type) {
    case 'img':
      return { type, body: easemobImageBody(entry) };
    case 'video':
      return { type, body: easemobVideoBody(entry, extras) };
    case 'audio':
      return { type, body: easemobAudioBody(entry, extras) };
    case 'file':
      return { type, body: easemobFileBody(entry) };
  }
}

/** The body as the JSON text a user pastes into a REST call or a server SDK. */
export function easemobMessageBodyJson(entry: HistoryEntryView, extras: EasemobMessageExtras = {}): string {
  return JSON.stringify(easemobMessage(entry, extras).body, null, 2);
}
