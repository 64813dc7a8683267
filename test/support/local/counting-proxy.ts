/**
 * A counting proxy for a JSON-protocol AWS endpoint (DynamoDB Streams on
 * DynamoDB Local): forwards every request unchanged and counts what went
 * over the wire, per operation (`X-Amz-Target`), and the stream records
 * that `GetRecords` replies carried. What a process read, counted from
 * outside it, with no change to the process.
 */
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { LocalService } from './dynamodb-local';
import { listenLocally } from './listen';

/** What went through the proxy so far. */
export interface Counts {
  /** Requests per operation, e.g. `GetRecords`. */
  readonly calls: Readonly<Record<string, number>>;
  /** Stream records in every `GetRecords` reply. */
  readonly records: number;
}

export interface CountingProxy extends LocalService {
  /** A copy of the counts now. */
  counts(): Counts;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The number of `Records` in a GetRecords reply (0 when it is not one, or an error). */
function recordsIn(body: Buffer): number {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const records = (parsed as { Records?: unknown }).Records;
    return Array.isArray(records) ? records.length : 0;
  } catch {
    return 0;
  }
}

/** Starts the proxy on a free port of 127.0.0.1, in front of `upstream` (`http://127.0.0.1:<port>`). */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const calls: Record<string, number> = {};
  let records = 0;

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const operation = String(req.headers['x-amz-target'] ?? '<none>').replace(/^.*\./, '');
        calls[operation] = (calls[operation] ?? 0) + 1;
        const out = request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
          },
          (reply) => {
            readBody(reply)
              .then((answer) => {
                if (operation === 'GetRecords' && (reply.statusCode ?? 500) < 300) records += recordsIn(answer);
                res.writeHead(reply.statusCode ?? 502, { ...reply.headers, 'content-length': String(answer.length) });
                res.end(answer);
              })
              .catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
          },
        );
        out.on('error', (error) => res.destroy(error));
        out.end(body);
      })
      .catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  const listening = await listenLocally(server, agent);
  return { ...listening, counts: () => ({ calls: { ...calls }, records }) };
}
