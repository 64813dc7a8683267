/** Reading an emulator request: headers, SigV4 signing region, body. */
import type { IncomingMessage } from 'node:http';

/** Largest request body read; a larger one fails the call as an internal error. */
const MAX_BODY_BYTES = 1024 * 1024;

/** First value of a request header. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The region of the request's SigV4 credential scope, or undefined when unsigned. */
export function signingRegionOf(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headerValue(req, 'authorization') ?? '')?.[1];
}

/** Reads the whole request body as UTF-8; fails past 1 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
