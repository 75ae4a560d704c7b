// One contender of the benchmark in a process of its own, so that it shares neither an event loop nor a
// heap with the servers (the bench's process, or for tus and S3 one of their own) or another contender.
//   node test/bench/peer-child.ts '{"kind":…,"endpoint":{…},"paths":[…],…}'
// Prints one JSON line: the upload's time (from the first request to the last answer, process start-up
// excluded as it is for Ferry's child), GC count and peak RSS.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload as S3Upload } from '@aws-sdk/lib-storage';
import { Upload as TusUpload } from 'tus-js-client';
import { startProbe } from '../support/process-probe.ts';
import type { ChildEndpoint } from '../support/upload-child-harness.ts';
import { plainPicUp, plainPicUpMany, plainS3Put, plainStreamingPut, plainTusUpload } from './baselines.ts';

export interface TusPeerEndpoint {
  endpoint: string;
  authHeaderName?: string;
  authHeaderValue?: string;
}

export interface S3PeerEndpoint {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type PeerJob =
  | { kind: 'plain-put'; url: string; path: string }
  /** The whole file in one PATCH, or one PATCH per `chunkSize` bytes. */
  | { kind: 'plain-tus'; endpoint: TusPeerEndpoint; path: string; chunkSize?: number }
  | { kind: 'tus-js-client'; endpoint: TusPeerEndpoint; path: string; chunkSize: number }
  | { kind: 'plain-s3-put'; endpoint: S3PeerEndpoint; path: string }
  | { kind: 'lib-storage'; endpoint: S3PeerEndpoint; path: string; partSize: number; queueSize: number }
  | { kind: 'pic-up'; endpoint: ChildEndpoint; path: string; sliceSize: number }
  | { kind: 'pic-up-many'; endpoint: ChildEndpoint; paths: string[]; concurrency: number };

/** tus-js-client 4 as its README shows it for Node: a file stream, a chunk size, no retries to hide failures. */
async function tusJsClient(job: Extract<PeerJob, { kind: 'tus-js-client' }>): Promise<void> {
  const { size } = await stat(job.path);
  const { endpoint, authHeaderName, authHeaderValue } = job.endpoint;
  await new Promise<void>((resolve, reject) => {
    new TusUpload(createReadStream(job.path), {
      endpoint,
      chunkSize: job.chunkSize,
      uploadSize: size,
      retryDelays: [],
      storeFingerprintForResuming: false,
      headers: authHeaderName && authHeaderValue ? { [authHeaderName]: authHeaderValue } : {},
      onSuccess: () => resolve(),
      onError: reject,
    }).start();
  });
}

/** @aws-sdk/lib-storage's Upload with the SDK's defaults otherwise (its checksums included). */
async function libStorage(job: Extract<PeerJob, { kind: 'lib-storage' }>): Promise<void> {
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = job.endpoint;
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  try {
    await new S3Upload({
      client,
      params: { Bucket: bucket, Key: `lib-storage-${process.pid}.bin`, Body: createReadStream(job.path) },
      partSize: job.partSize,
      queueSize: job.queueSize,
    }).done();
  } finally {
    client.destroy();
  }
}

async function run(job: PeerJob): Promise<void> {
  switch (job.kind) {
    case 'plain-put':
      return plainStreamingPut(job.url, job.path);
    case 'plain-tus':
      return plainTusUpload(job.endpoint, job.path, job.chunkSize);
    case 'tus-js-client':
      return tusJsClient(job);
    case 'plain-s3-put':
      return plainS3Put(job.endpoint, job.path);
    case 'lib-storage':
      return libStorage(job);
    case 'pic-up':
      return void (await plainPicUp(job.endpoint, job.path, job.sliceSize));
    case 'pic-up-many':
      return plainPicUpMany(job.endpoint, job.paths, job.concurrency);
  }
}

const probe = startProbe();
const job = JSON.parse(process.argv[2]!) as PeerJob;
const start = performance.now();
await run(job);
const uploadMs = performance.now() - start;
process.stdout.write(`${JSON.stringify({ uploadMs, ...(await probe.read()) })}\n`);
