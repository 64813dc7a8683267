/**
 * The S3 side of the digest's report bucket, apart from aws-clients.ts: the
 * digest function alone uses it, and it loads the Lambda runtime's
 * @aws-sdk/client-s3 (kept out of the bundles, lib/constructs/vigil-function.ts)
 * on the first report written, not when the function starts.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Tally } from '../core/tally';
import { countCalls } from './call-counter';
import { httpOptions } from './http-options';

/**
 * @aws-sdk/client-s3, loaded on first use: a require inside a function, which
 * esbuild leaves to the runtime for an external module and nothing runs at start.
 */
function s3(): typeof S3 {
  return require('@aws-sdk/client-s3') as typeof S3;
}

/**
 * S3, for the report bucket. An endpoint from AWS_ENDPOINT_URL_S3 (a local
 * emulator) is addressed by path, since it has no per-bucket host names.
 */
export function createS3Client(tally?: Tally, env: NodeJS.ProcessEnv = process.env): S3.S3Client {
  const local = env.AWS_ENDPOINT_URL_S3 !== undefined || env.AWS_ENDPOINT_URL !== undefined;
  const client = new (s3().S3Client)({
    retryMode: 'standard',
    maxAttempts: 4,
    forcePathStyle: local,
    ...httpOptions(env),
  });
  if (tally !== undefined) countCalls(client, tally, 's3');
  return client;
}

/** The report bucket: one object per report, written whole. The bucket is private; nothing is presigned. */
/** A ReportStore (deliver/report/store.ts) over S3. */
export class S3ReportStore {
  private client: S3.S3Client | undefined;

  /** `client` is made on the first put: @default createS3Client */
  constructor(
    private readonly bucket: string,
    private readonly makeClient: () => S3.S3Client = () => createS3Client(),
  ) {}

  async put(key: string, html: string): Promise<string> {
    this.client ??= this.makeClient();
    await this.client.send(
      new (s3().PutObjectCommand)({
        Bucket: this.bucket,
        Key: key,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
        // A browser that opens it from the console shows it rather than saving it.
        ContentDisposition: 'inline; filename="vigil-report.html"',
      }),
    );
    return `s3://${this.bucket}/${key}`;
  }
}
