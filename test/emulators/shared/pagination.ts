/**
 * Opaque page tokens shared by Vigil's emulators: a token names the list it belongs
 * to, so replaying it against another list is rejected with the service's own error.
 */

/** Contents of an emulator page token; opaque to clients. */
interface TokenBody {
  /** Operation the token belongs to. */
  op: string;
  /** Parent resource (ARN or path), so a token cannot be replayed against another list. */
  scope: string;
  offset: number;
  /**
   * Serial number: makes every token unique, so a paginator that stops on a repeated
   * token (`stopOnSameToken`) is not fooled by an `empty-page` fault.
   */
  n: number;
}

/** A page of `items` plus the token of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Issues and checks opaque `nextToken`s. */
export class PageTokens {
  private serial = 0;

  /** @param invalidToken the error the service answers to a token it did not issue for this list. */
  constructor(private readonly invalidToken: () => Error) {}

  /** Encodes a token that resumes `op` on `scope` at `offset`. */
  issue(op: string, scope: string, offset: number): string {
    this.serial += 1;
    const body: TokenBody = { op, scope, offset, n: this.serial };
    return Buffer.from(JSON.stringify(body)).toString('base64url');
  }

  /** Offset encoded in `token` (0 when absent); the `invalidToken` error when it belongs elsewhere. */
  offsetOf(op: string, scope: string, token: unknown): number {
    if (token === undefined || token === null) return 0;
    if (typeof token !== 'string' || token.length < 4 || token.length > 1024) throw this.invalidToken();
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw this.invalidToken();
    }
    if (!isTokenBody(body) || body.op !== op || body.scope !== scope) throw this.invalidToken();
    return body.offset;
  }

  /** Slices one page out of `all`, starting where `token` says. */
  page<T>(op: string, scope: string, all: readonly T[], token: unknown, size: number): Page<T> {
    const offset = this.offsetOf(op, scope, token);
    const items = all.slice(offset, offset + size);
    const end = offset + items.length;
    return end < all.length ? { items, nextToken: this.issue(op, scope, end) } : { items };
  }

  /** The `empty-page` fault: no items, and a token resuming exactly where the call would have started. */
  emptyPage<T>(op: string, scope: string, token: unknown): Page<T> {
    const offset = this.offsetOf(op, scope, token);
    return { items: [], nextToken: this.issue(op, scope, offset) };
  }
}

function isTokenBody(value: unknown): value is TokenBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    typeof body.op === 'string' &&
    typeof body.scope === 'string' &&
    typeof body.offset === 'number' &&
    Number.isInteger(body.offset) &&
    body.offset >= 0
  );
}
