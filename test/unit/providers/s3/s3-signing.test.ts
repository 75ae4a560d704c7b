import { describe, expect, it } from 'vitest';
import { presignGet, s3Location, signRequest } from '../../../../main/providers/s3/s3-signing.ts';

// The worked examples of AWS's "Signature Version 4 (AWS4-HMAC-SHA256)" S3 documentation.
const example = {
  endpoint: 'https://s3.amazonaws.com',
  region: 'us-east-1',
  bucket: 'examplebucket',
  pathStyle: false,
};
const exampleKeys = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const exampleDate = new Date('2013-05-24T00:00:00Z');

describe('SigV4 against AWS published examples', () => {
  it('presigns GET /test.txt for 86400 s exactly as AWS documents', () => {
    const url = new URL(presignGet(example, exampleKeys, 'test.txt', 86_400, exampleDate));
    expect(url.host).toBe('examplebucket.s3.amazonaws.com');
    expect(url.pathname).toBe('/test.txt');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
    );
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs the PUT Object example header for header', () => {
    const signed = signRequest(example, exampleKeys, {
      method: 'PUT',
      key: 'test$file.text',
      headers: {
        Date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'X-Amz-Content-Sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      },
      date: exampleDate,
    });
    expect(signed.url).toBe('https://examplebucket.s3.amazonaws.com/test%24file.text');
    expect(signed.headers.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, ' +
        'Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    );
  });

  it('signs the GET Bucket Lifecycle example (a sub-resource with no value)', () => {
    const signed = signRequest(example, exampleKeys, {
      method: 'GET',
      query: { lifecycle: '' },
      headers: { 'X-Amz-Content-Sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      date: exampleDate,
    });
    expect(signed.headers.Authorization).toMatch(
      /Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543$/,
    );
  });

  it('sends UNSIGNED-PAYLOAD unless told otherwise, so bodies can stream', () => {
    const signed = signRequest(example, exampleKeys, { method: 'PUT', key: 'a' });
    expect(signed.headers['X-Amz-Content-Sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(signed.headers.Authorization).toContain('x-amz-content-sha256');
  });
});

describe('s3Location', () => {
  it('puts the bucket in the path or the host, keeps the port, and encodes key segments', () => {
    const local = { endpoint: 'http://127.0.0.1:9000', region: 'r', bucket: 'b', pathStyle: true };
    expect(s3Location(local, 'a b/c+d/é#?')).toEqual({
      protocol: 'http:',
      host: '127.0.0.1:9000',
      path: '/b/a%20b/c%2Bd/%C3%A9%23%3F',
    });
    expect(s3Location(local)).toMatchObject({ path: '/b' });
    expect(s3Location({ ...local, pathStyle: false }, "x/(y)!'*")).toEqual({
      protocol: 'http:',
      host: 'b.127.0.0.1:9000',
      path: '/x/%28y%29%21%27%2A',
    });
  });
});
