/**
 * A strict SNS in front of fauxqs. fauxqs accepts any Subject; real SNS does
 * not, and the strictest reading (DESIGN.md, "Platform facts") refuses
 * anything but printable ASCII. This proxy forwards every request to the
 * upstream endpoint unchanged, except an SNS `Publish` (awsQuery: a
 * form-encoded body) that breaks one of AWS's documented rules, which it
 * answers itself the way SNS does: HTTP 400 and the XML error shape, code
 * `InvalidParameter`, which the SDK raises as `InvalidParameterException`.
 *
 * The rules (SNS API reference, Publish and MessageAttributeValue):
 * - Subject, when given: 1 to 99 characters, printable ASCII only (0x20–0x7E,
 *   so no control characters or line breaks).
 * - Message: present, and with the attributes (names, types, values) at most
 *   262,144 UTF-8 bytes; with MessageStructure=json, a JSON object with a
 *   `default` string.
 * - Message attributes: names of 1 to 256 of `A-Za-z0-9_-.`; values with a
 *   type and a non-empty value ("must not be empty or null").
 *
 * A test can add its own refusals (`refuse`) to play a permanent refusal of
 * one message or a burst of 500s. PublishBatch and other actions pass
 * through unchecked: Vigil does not use them.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { LocalService } from './dynamodb-local';
import { listenLocally } from './listen';

/** One Publish request, as the proxy read it from the form. */
export interface PublishRequest {
  readonly topicArn?: string;
  /** Undefined when the request has no Subject; '' when it has an empty one. */
  readonly subject?: string;
  readonly message?: string;
  readonly messageStructure?: string;
  readonly attributes: Readonly<Record<string, { readonly dataType?: string; readonly stringValue?: string }>>;
}

/** A Publish the proxy answered with an error instead of forwarding it. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly publish: PublishRequest;
}

export interface StrictSnsOptions {
  /** The real emulator's endpoint (`http://127.0.0.1:<port>` of fauxqs). */
  readonly upstream: string;
  /**
   * Extra faults: return an SNS error code to refuse this Publish with
   * (`InvalidParameter`, `InternalError` as HTTP 500, `Throttled` as 429), or
   * undefined to let AWS's rules decide. Called only for Publish requests
   * that pass those rules.
   */
  readonly refuse?: (publish: PublishRequest) => string | undefined;
}

/** A running strict SNS. */
export interface StrictSns extends LocalService {
  /** Every Publish refused so far, in order. */
  readonly refused: readonly Refusal[];
}

const SNS_MAX_BYTES = 262_144;
const SUBJECT_MAX_CHARS = 99;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!aws\.|amazon\.)[A-Za-z0-9_.-]{1,256}$/i;

/** HTTP status per SNS error code; anything else is a 400 (a sender fault). */
const STATUS: Readonly<Record<string, number>> = { InternalError: 500, Throttled: 429, NotFound: 404 };

/** The Publish in a form-encoded awsQuery body, or undefined for any other request. */
export function readPublish(body: string): PublishRequest | undefined {
  const form = new URLSearchParams(body);
  if (form.get('Action') !== 'Publish') return undefined;
  // URLSearchParams says null for a missing field and '' for an empty one: SNS tells them apart too.
  const optional = (name: string) => form.get(name) ?? undefined;
  const attributes: Record<string, { dataType?: string; stringValue?: string }> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const entry = `MessageAttributes.entry.${n}`;
    attributes[form.get(`${entry}.Name`) ?? ''] = {
      dataType: optional(`${entry}.Value.DataType`),
      stringValue: optional(`${entry}.Value.StringValue`),
    };
  }
  return {
    topicArn: optional('TopicArn'),
    subject: optional('Subject'),
    message: optional('Message'),
    messageStructure: optional('MessageStructure'),
    attributes,
  };
}

/** What real SNS, read strictly, says to `publish`: undefined when it accepts it. */
export function checkPublish(publish: PublishRequest): { code: string; message: string } | undefined {
  const invalid = (what: string) => ({ code: 'InvalidParameter', message: `Invalid parameter: ${what}` });
  const { subject, message } = publish;
  if (subject !== undefined && (subject.length > SUBJECT_MAX_CHARS || !PRINTABLE_ASCII.test(subject))) {
    return invalid('Subject');
  }
  if (message === undefined || message === '') return invalid('Message');
  let bytes = Buffer.byteLength(message);
  for (const [name, value] of Object.entries(publish.attributes)) {
    if (!ATTRIBUTE_NAME.test(name)) return invalid(`Message attribute name '${name}'`);
    if (!value.dataType) return invalid(`The message attribute '${name}' must contain a data type`);
    // Binary values travel as BinaryValue; Vigil sends only String ones.
    if (!value.stringValue && !value.dataType.startsWith('Binary')) {
      return invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${value.dataType}'.`,
      );
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.dataType) + Buffer.byteLength(value.stringValue ?? '');
  }
  if (bytes > SNS_MAX_BYTES) return invalid('Message too long');
  if (publish.messageStructure === 'json' && !hasDefaultEntry(message)) {
    return invalid('Message Structure - No default entry in JSON message body');
  }
  return undefined;
}

function hasDefaultEntry(message: string): boolean {
  try {
    const parsed: unknown = JSON.parse(message);
    return (
      typeof parsed === 'object' && parsed !== null && typeof (parsed as { default?: unknown }).default === 'string'
    );
  } catch {
    return false;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** SNS's awsQuery error reply. */
function sendError(res: ServerResponse, code: string, message: string): void {
  const status = STATUS[code] ?? 400;
  const body = [
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">',
    `  <Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>`,
    `  <RequestId>${randomUUID()}</RequestId>`,
    '</ErrorResponse>',
  ].join('\n');
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startStrictSns(options: StrictSnsOptions): Promise<StrictSns> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const refused: Refusal[] = [];
  const verdictOn = (publish: PublishRequest) => {
    const broken = checkPublish(publish);
    if (broken !== undefined) return broken;
    const code = options.refuse?.(publish);
    return code === undefined ? undefined : { code, message: `Refused by the test (${code})` };
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const out = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.on('error', (error) =>
      sendError(res, 'InternalError', `strict SNS: upstream ${upstream.host}: ${error.message}`),
    );
    out.end(body);
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const publish = readPublish(body.toString('utf8'));
        const verdict = publish === undefined ? undefined : verdictOn(publish);
        if (publish !== undefined && verdict !== undefined) {
          refused.push({ ...verdict, publish });
          sendError(res, verdict.code, verdict.message);
          return;
        }
        forward(req, res, body);
      })
      .catch((error: unknown) => sendError(res, 'InternalError', `strict SNS: ${String(error)}`));
  });
  const listening = await listenLocally(server, agent);
  return { ...listening, refused };
}
