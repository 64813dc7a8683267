/**
 * Where the digest Lambda puts the report (its S3 adapter is
 * lambda/clients/s3-client.ts). The bucket is private (no public access, no
 * presigned link): people fetch the report with their own credentials
 * (`aws s3 cp s3://… report.html .`).
 */
export interface ReportStore {
  /** Writes `html` at `key`, replacing what is there; resolves to the object's s3:// URL. */
  put(key: string, html: string): Promise<string>;
}
