/**
 * A fake PagerDuty, Opsgenie or webhook receiver: a plain HTTP server on
 * 127.0.0.1 that records every request (path, headers, raw body) and answers
 * from a script (429 with Retry-After, 500, …) before its default answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly raw: string;
  /** The body as JSON. */
  readonly json: Record<string, unknown>;
  /** What the fake answered. */
  readonly status: number;
}

export interface FakeReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Answers queued for the next requests, before the default answer. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeReceiver(defaultAnswer: Answer): Promise<FakeReceiver> {
  const received: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const answer = queue.shift() ?? defaultAnswer;
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        raw,
        json: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
        status: answer.status,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...answers) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
