import { describe, expect, it } from 'vitest';
import {
  easemobAudioBody,
  easemobFileBody,
  easemobImageBody,
  easemobMessage,
  easemobMessageBodyJson,
  easemobMessageType,
  easemobVideoBody,
  isEasemobEntry,
} from '../../../../shared/copy-formats/easemob.ts';
import type { HistoryEntryView } from '../../../../shared/models.ts';

const base = 'https://a1.easemob.com/org/app/chatfiles';

function entry(
  overrides: Partial<HistoryEntryView> & { details?: HistoryEntryView['details'] },
): HistoryEntryView {
  const uuid = overrides.remoteId ?? '55f12940-0000-4000-8a5b-ff2336f03252';
  return {
    id: 'h1',
    accountId: 'a1',
    providerId: 'easemob',
    name: 'testimg.jpg',
    size: 58_103,
    mimeType: 'image/jpeg',
    sha256: 'f'.repeat(64),
    remoteId: uuid,
    links: [],
    createdAt: 0,
    ...overrides,
    details: {
      uuid,
      url: `${base}/${uuid}`,
      type: 'img',
      fileName: overrides.name ?? 'testimg.jpg',
      fileLength: overrides.size ?? 58_103,
      shareSecret: 'VfXXXXNb_',
      ...overrides.details,
    },
  };
}

describe('Easemob message bodies', () => {
  it('makes an image body with filename, secret, size and url, in the documented order', () => {
    const body = easemobImageBody(entry({ details: { width: 480, height: 720 } }));
    expect(body).toEqual({
      filename: 'testimg.jpg',
      secret: 'VfXXXXNb_',
      size: { width: 480, height: 720 },
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
    expect(Object.keys(body)).toEqual(['filename', 'secret', 'size', 'url']);
  });

  it('leaves out the size of a picture whose dimensions are unknown, and the secret of an unrestricted file', () => {
    const body = easemobImageBody(entry({ details: { shareSecret: '' } }));
    expect(body).toEqual({ filename: 'testimg.jpg', url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252` });
  });

  it('makes a file body', () => {
    const pdf = entry({ name: 'report.pdf', mimeType: 'application/pdf', details: { type: 'file' } });
    expect(easemobFileBody(pdf)).toEqual({
      filename: 'report.pdf',
      secret: 'VfXXXXNb_',
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
  });

  it('makes a video body with the thumbnail upload, rounded length and file_length', () => {
    const video = entry({
      name: 'test.avi',
      mimeType: 'video/x-msvideo',
      size: 58_103,
      details: { type: 'video' },
    });
    const thumb = entry({
      remoteId: '67279b20-7f69-11e4-8eee-21d3334b3a97',
      name: 'thumb.jpg',
      details: { shareSecret: 'ZyXXXX2I' },
    });
    const body = easemobVideoBody(video, { lengthSeconds: 9.6, thumbnail: thumb });
    expect(body).toEqual({
      filename: 'test.avi',
      thumb: `${base}/67279b20-7f69-11e4-8eee-21d3334b3a97`,
      thumb_secret: 'ZyXXXX2I',
      length: 10,
      file_length: 58_103,
      secret: 'VfXXXXNb_',
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
    expect(Object.keys(body)).toEqual([
      'filename',
      'thumb',
      'thumb_secret',
      'length',
      'file_length',
      'secret',
      'url',
    ]);
  });

  it('makes a video body without what it cannot know: no thumbnail, no length', () => {
    const video = entry({ name: 'clip.mp4', mimeType: 'video/mp4', size: 10, details: { type: 'video' } });
    expect(easemobVideoBody(video, { lengthSeconds: Number.NaN })).toEqual({
      filename: 'clip.mp4',
      file_length: 10,
      secret: 'VfXXXXNb_',
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
  });

  it('makes an audio body with its length in seconds', () => {
    const audio = entry({ name: 'testaudio.amr', mimeType: 'audio/amr', details: { type: 'audio' } });
    expect(easemobAudioBody(audio, { lengthSeconds: 10 })).toEqual({
      filename: 'testaudio.amr',
      secret: 'VfXXXXNb_',
      length: 10,
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
    expect(easemobAudioBody(audio)).not.toHaveProperty('length');
  });

  it('picks the message by the recorded type, or by the MIME type for entries without one', () => {
    expect(easemobMessage(entry({})).type).toBe('img');
    expect(easemobMessageType(entry({ mimeType: 'audio/mpeg', details: { type: 0 } }))).toBe('audio');
    expect(easemobMessageType(entry({ mimeType: 'video/mp4', details: { type: 0 } }))).toBe('video');
    expect(easemobMessageType(entry({ mimeType: 'text/plain', details: { type: 0 } }))).toBe('file');
    const json = easemobMessageBodyJson(
      entry({ mimeType: 'text/plain', name: 'a.txt', details: { type: 'file' } }),
    );
    expect(JSON.parse(json)).toEqual({
      filename: 'a.txt',
      secret: 'VfXXXXNb_',
      url: `${base}/55f12940-0000-4000-8a5b-ff2336f03252`,
    });
  });

  it('refuses entries of other providers', () => {
    const tencent = { ...entry({}), providerId: 'tencent-im', details: {} };
    expect(isEasemobEntry(tencent)).toBe(false);
    expect(() => easemobMessage(tencent)).toThrow(/not an Easemob chat file/);
  });
});
