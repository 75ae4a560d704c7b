import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { tencentImCatalog } from '../../../shared/catalog/tencent-im.ts';
import type { LinkView } from '../../../shared/models.ts';
import { httpStatusFailure, requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { parseAccountConfig } from '../account-config.ts';
import { base64Into, base64Length } from '../base64-into.ts';
import type { LocalFile, Provider, StepContext, StepResult } from '../provider.ts';
import {
  busiIds,
  fileTypeFor,
  picTypes,
  picUpResponseSchema,
  type PicUpResponse,
} from './pic-up-protocol.ts';
import { defaultSliceSize, minSliceSize, planSlice, sliceAlignment, type Slice } from './slice-plan.ts';

export const picUpConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  sdkAppId: z.string().regex(/^\d+$/, 'SDKAppID is a number'),
  identifier: z.string().min(1),
  fromAccount: z.string().min(1),
  toAccount: z.string().min(1),
  busiId: z.coerce.number().int().min(1).max(4).default(busiIds.c2c),
  sliceSize: z.coerce.number().int().positive().multipleOf(sliceAlignment).default(defaultSliceSize),
});
export type PicUpConfig = z.infer<typeof picUpConfigSchema>;

/** The server-side identity of one file's upload: fixed at start, repeated on every slice. */
export const picUpSessionSchema = z.object({
  seq: z.number().int().nonnegative(),
  timestamp: z.number().int().positive(),
  random: z.number().int().nonnegative(),
  /** Where the server said to continue. */
  nextOffset: z.number().int().nonnegative(),
  /** Set when the server refused a slice as too large (413): the size every later slice is sent at. */
  sliceSize: z.number().int().positive().multipleOf(sliceAlignment).optional(),
});
export type PicUpSession = z.infer<typeof picUpSessionSchema>;

const linkKindByPicType: Record<number, LinkView['kind']> = {
  [picTypes.original]: 'original',
  [picTypes.small]: 'small',
  [picTypes.large]: 'large',
};

function rejected(response: PicUpResponse, retryable: boolean): UploadError {
  return new UploadError(
    {
      code: 'provider-rejected',
      message: `Tencent IM refused the upload (code ${response.ErrorCode})${response.ErrorInfo ? `: ${response.ErrorInfo}` : ''}`,
      providerMessage: response.ErrorInfo || undefined,
      providerCode: String(response.ErrorCode),
    },
    { retryable },
  );
}

/**
 * Tencent IM's UserSig/identity errors (REST API error code table): the account's credentials, not the
 * request, are what is wrong.
 */
const credentialErrorCodes = new Set([70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70020, 70052]);

/** `account_check`'s answer; only the status matters to a connection test. */
const accountCheckResponseSchema = z.object({
  ActionStatus: z.string(),
  ErrorCode: z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number),
  ErrorInfo: z.string().optional().default(''),
});

function malformed(detail: string): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `Tencent IM sent an answer Ferry cannot read: ${detail}` },
    { retryable: true },
  );
}

/**
 * Tencent Cloud IM `pic_up` (docs/providers.md#tencent-cloud-im): base64 slices in JSON, offsets 4K-aligned,
 * and the server decides where the next slice starts — resumable by construction.
 */
export const picUpProvider: Provider<PicUpConfig, PicUpSession> = {
  id: 'tencent-im',
  // DownUrl links are plain CDN URLs.
  capabilities: { resumable: true, needsMd5First: true, linkAccess: 'public' },

  parseConfig(fields) {
    return parseAccountConfig(tencentImCatalog, picUpConfigSchema, fields);
  },

  parseSession(value) {
    return picUpSessionSchema.parse(value);
  },

  /**
   * `POST v4/im_open_login_svc/account_check` (Tencent IM REST API "query accounts") for From_Account:
   * the cheapest authenticated call on the same host and credentials as pic_up, and it uploads nothing.
   * A base URL that serves only pic_up (the web SDK's pic.tim.qq.com) fails this test but may upload.
   */
  async testConnection(ctx) {
    const { config } = ctx;
    let response;
    try {
      response = await ctx.http.post(
        new URL('v4/im_open_login_svc/account_check', withTrailingSlash(config.baseUrl)),
        {
          searchParams: {
            sdkappid: config.sdkAppId,
            identifier: config.identifier,
            usersig: ctx.secrets.userSig ?? '',
            random: randomInt(0, 2 ** 32 - 1),
            contenttype: 'json',
          },
          json: { CheckItem: [{ UserID: config.fromAccount }] },
          signal: ctx.signal,
          throwHttpErrors: false,
          responseType: 'text',
        },
      );
    } catch (error) {
      throw requestFailure(error, ctx.signal);
    }
    if (response.statusCode !== 200) throw httpStatusFailure(response.statusCode, response.body);
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      throw malformed('the body is not JSON');
    }
    const parsed = accountCheckResponseSchema.safeParse(json);
    if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
    const answer = parsed.data;
    if (answer.ActionStatus === 'OK' && answer.ErrorCode === 0) return;
    const credentials = credentialErrorCodes.has(answer.ErrorCode);
    throw new UploadError({
      code: credentials ? 'credentials-rejected' : 'provider-rejected',
      message: `Tencent IM refused the ${credentials ? 'credentials' : 'request'} (code ${answer.ErrorCode})${answer.ErrorInfo ? `: ${answer.ErrorInfo}` : ''}`,
      providerMessage: answer.ErrorInfo || undefined,
      providerCode: String(answer.ErrorCode),
    });
  },

  async startSession() {
    // Seq/Timestamp/Random identify the upload on the server; journaled before the first slice so a
    // resumed upload continues the same server-side file instead of starting a second one.
    return {
      seq: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      random: randomInt(0, 2 ** 32 - 1),
      nextOffset: 0,
    };
  },

  async step(
    ctx: StepContext<PicUpConfig>,
    file: LocalFile,
    session: PicUpSession,
  ): Promise<StepResult<PicUpSession>> {
    const { config } = ctx;
    let slice: Slice;
    try {
      slice = planSlice(session.nextOffset, file.size, session.sliceSize ?? config.sliceSize);
    } catch (error) {
      throw new UploadError(
        {
          code: 'malformed-response',
          message: `Tencent IM asked for an impossible offset: ${(error as Error).message}`,
        },
        { retryable: false },
      );
    }
    // Read before the first step (needsMd5First).
    const md5 = file.upfrontDigests?.md5 ?? '';
    // Slice_Data is last, so the JSON splits into a head, the base64 of the slice, and `"}`. The
    // base64 is produced while the request is being written, from reused read buffers: no
    // slice-sized buffer or string exists, and memory stays flat however large the file.
    const envelope = JSON.stringify({
      App_Version: '1.0',
      From_Account: config.fromAccount,
      To_Account: config.toAccount,
      Seq: session.seq,
      Timestamp: session.timestamp,
      Random: session.random,
      File_Str_Md5: md5,
      File_Size: file.size,
      File_Type: fileTypeFor(file.mimeType),
      Busi_Id: config.busiId,
      PkgFlag: 1,
      Slice_Offset: slice.offset,
      Slice_Size: slice.size,
      Slice_Data: '',
    });
    const head = envelope.slice(0, -2);
    const tail = envelope.slice(-2);
    const wireBytes = Buffer.byteLength(head) + base64Length(slice.size) + tail.length;
    let readFailure: unknown;
    const buffers = sliceBuffers.pop() ?? newSliceBuffers();
    // The slice reaching the end completes the upload: the file is checked before its last bytes.
    const completesUpload = slice.offset + slice.size === file.size;
    const read = (chunkBytes: number) =>
      file.readChunks(slice.offset, slice.offset + slice.size, chunkBytes, {
        completesUpload,
        readBuffers: buffers.read,
      });
    // A slice of one piece (a small file, a file's short last slice) is read and encoded before the
    // request, into one buffer: one write to the socket instead of three and no generator for got to
    // drive, and the file's check comes before any byte leaves. A failed read is the file's, as is.
    let single: Buffer | null = null;
    if (slice.size <= singleBodyBytes) {
      single = Buffer.allocUnsafe(wireBytes);
      let at = single.write(head);
      for await (const chunk of read(singleBodyBytes)) at += base64Into(chunk, single, at);
      single.write(tail, at);
    }
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from(head);
      // got asks for the next piece only once the socket took the last, so one buffer carries every
      // piece's base64, encoded straight into it: a piece leaves no string or buffer to collect.
      const { encoded } = buffers;
      try {
        // A multiple of 3 bytes, so each chunk's base64 concatenates without padding in the middle.
        for await (const chunk of read(base64ChunkBytes))
          yield encoded.subarray(0, base64Into(chunk, encoded));
      } catch (error) {
        readFailure = error; // the file shrank or changed: reported as such, not as a network error
        throw error;
      }
      yield Buffer.from(tail);
    }

    let response;
    try {
      const request = ctx.http.post(new URL('v4/openpic/pic_up', withTrailingSlash(config.baseUrl)), {
        searchParams: {
          sdkappid: config.sdkAppId,
          identifier: config.identifier,
          usersig: ctx.secrets.userSig ?? '',
          contenttype: 'json',
        },
        headers: { 'content-type': 'application/json', 'content-length': String(wireBytes) },
        body: single ?? body(),
        signal: ctx.signal,
        throwHttpErrors: false,
        responseType: 'text',
      });
      // The wire carries base64 (4/3 of the raw bytes): report progress in raw bytes of the file.
      request.on('uploadProgress', (progress: { transferred: number }) => {
        ctx.onBytesSent(Math.min(slice.size, Math.floor((progress.transferred / wireBytes) * slice.size)));
      });
      response = await request;
      // A 200 answers a body the server parsed whole, so the next slice (of any file) may reuse its
      // buffers. Any other answer may come before the body went out (a 413 does), and a failed request
      // may leave a write queued on its socket: those buffers are left to the GC. A single body was
      // copied out of them before the request.
      const reusable = response.statusCode === 200 || single !== null;
      if (reusable && sliceBuffers.length < keptSliceBuffers) sliceBuffers.push(buffers);
    } catch (error) {
      if (readFailure !== undefined) throw readFailure;
      throw requestFailure(error, ctx.signal);
    }

    if (response.statusCode === 413 && slice.size > minSliceSize) {
      // The server takes smaller bodies than this slice's: the same offset again at half the size, and
      // that size (journaled with the session) for the rest of the file, resumes included.
      const smaller = Math.max(minSliceSize, Math.floor(slice.size / 2 / sliceAlignment) * sliceAlignment);
      return {
        kind: 'progress',
        session: { ...session, sliceSize: smaller },
        committedBytes: session.nextOffset,
      };
    }
    if (response.statusCode !== 200) {
      throw httpStatusFailure(response.statusCode, response.body, response.headers['retry-after']);
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      throw malformed('the body is not JSON');
    }
    const parsed = picUpResponseSchema.safeParse(json);
    if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
    const answer = parsed.data;

    if (answer.ActionStatus !== 'OK' || answer.ErrorCode !== 0) {
      throw rejected(answer, answer.IsRejectRetry !== 1);
    }
    if (answer.IsFinish === 1) {
      if (!answer.File_UUID) throw malformed('finished without File_UUID');
      const links = (answer.URL_INFO ?? []).flatMap((info): LinkView[] => {
        const kind = linkKindByPicType[info.PIC_TYPE];
        if (kind === undefined) return [];
        const link: LinkView = { kind, url: info.DownUrl };
        if (info.PIC_Width) link.width = info.PIC_Width;
        if (info.PIC_Height) link.height = info.PIC_Height;
        if (info.PIC_Size !== undefined) link.size = info.PIC_Size;
        return [link];
      });
      return {
        kind: 'done',
        session: { ...session, nextOffset: file.size },
        result: { remoteId: answer.File_UUID, links },
      };
    }
    if (answer.Next_Offset === undefined) throw malformed('no Next_Offset on an unfinished upload');
    // The server's word wins, even when it rewinds: the next step re-plans from it.
    return {
      kind: 'progress',
      session: { ...session, nextOffset: answer.Next_Offset },
      committedBytes: answer.Next_Offset,
    };
  },
};

/**
 * 192 KiB of file per base64 chunk (256 KiB on the wire): a multiple of 3, so no padding mid-slice, and
 * few enough chunks per slice that their promises and stream writes stay a small part of what a slice
 * allocates.
 */
const base64ChunkBytes = 3 * 64 * 1024;
/** Slices up to this size go as one buffer built before the request (a multiple of 3, as above). */
const singleBodyBytes = 3 * 16 * 1024;

interface SliceBuffers {
  read: [Buffer, Buffer];
  encoded: Buffer;
}

/**
 * Buffers of slices answered, for the next ones: a new set per slice would hand V8 external memory
 * at the rate of the upload, and that pressure makes it run full collections.
 */
const sliceBuffers: SliceBuffers[] = [];
/** One set per file sent at once (one slice in flight per file), for the usual concurrency. */
const keptSliceBuffers = 4;

function newSliceBuffers(): SliceBuffers {
  return {
    read: [Buffer.allocUnsafeSlow(base64ChunkBytes), Buffer.allocUnsafeSlow(base64ChunkBytes)],
    encoded: Buffer.allocUnsafeSlow(base64Length(base64ChunkBytes)),
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
