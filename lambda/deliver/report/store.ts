/**
 * Where the digest Lambda puts the report: a port, and its S3 adapter. The
 * bucket is private (no public access, no presigned link): people fetch the
 * report with their own credentials (`aws s3 cp s3://… report.html .`).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ReportStore {
  /** Writes `html` at `key`, replacing what is there; resolves to the object's s3:// URL. */
  put(key: string, html: string): Promise<string>;
}

export class S3ReportStore implements ReportStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, html: string): Promise<string> {
    await this.client.send(
      new PutObjectCommand({
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
