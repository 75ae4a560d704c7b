// s3rver 3.7.1 ships no types; only what main/sandbox/s3/ uses is declared.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    serviceEndpoint?: string;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    /** Koa's handler: settles once the middleware (and so the store operation) has finished. */
    callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
    configureBuckets(): Promise<void>;
    store: { deleteObject(bucket: string, key: string): Promise<void> };
    logger: { close(): void; exceptions: { unhandle(): void } };
  }

  export = S3rver;
}
