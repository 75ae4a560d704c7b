import { describe, expect, it } from 'vitest';
import {
  byteCountHeader,
  encodeMetadata,
  listHeader,
  uploadIdOf,
} from '../../../../main/providers/tus/tus-protocol.ts';

describe('tus protocol helpers', () => {
  it('encodes Upload-Metadata as key base64(UTF-8 value) pairs', () => {
    expect(encodeMetadata({ filename: '报告.pdf', filetype: 'application/pdf' })).toBe(
      `filename ${Buffer.from('报告.pdf').toString('base64')},filetype YXBwbGljYXRpb24vcGRm`,
    );
  });

  it('reads byte-count headers strictly', () => {
    expect(byteCountHeader('Upload-Offset', '1048576')).toBe(1048576);
    expect(byteCountHeader('Upload-Offset', ['0', '5'])).toBe(0);
    expect(byteCountHeader('Upload-Offset', undefined)).toBeUndefined();
    for (const bad of ['-1', '1.5', '12abc', '', '99999999999999999']) {
      expect(byteCountHeader('Upload-Offset', bad), bad).toBeInstanceOf(Error);
    }
  });

  it('splits list headers and names the upload by its last path segment', () => {
    expect(listHeader('creation, termination,,expiration')).toEqual([
      'creation',
      'termination',
      'expiration',
    ]);
    expect(listHeader(undefined)).toEqual([]);
    expect(uploadIdOf('https://tus.example.com/files/ab%20c')).toBe('ab c');
    expect(uploadIdOf('https://tus.example.com/files/abc/')).toBe('abc');
  });
});
