/**
 * restJson1 error replies. The SDK takes the error name from the `x-amzn-errortype`
 * header (then the body's `code`/`__type`) and the modeled members from the JSON body.
 */

/** Members of an error body besides `message`. */
export type ErrorMembers = Record<string, unknown>;

/** An error the emulator answers with. */
export class DeadlineApiError extends Error {
  constructor(
    /** Error shape name, e.g. `ResourceNotFoundException`. */
    readonly type: string,
    /** HTTP status of the reply. */
    readonly status: number,
    message: string,
    /** Other modeled members of the body (`resourceId`, `reason`, ...). */
    readonly members: ErrorMembers = {},
    /** Extra response headers (`Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = type;
  }

  /** The JSON body of the reply. */
  body(): Record<string, unknown> {
    return { message: this.message, ...this.members };
  }
}

/** 404 ResourceNotFoundException (also for jobs/sessions not created yet at the current step). */
export function notFound(resourceType: string, resourceId: string): DeadlineApiError {
  return new DeadlineApiError(
    'ResourceNotFoundException',
    404,
    `Resource ${resourceId} of type ${resourceType} not found`,
    {
      resourceId,
      resourceType,
    },
  );
}

/** 400 ValidationException; `field` adds a `fieldList` entry. */
export function validationError(
  message: string,
  reason: 'CANNOT_PARSE' | 'FIELD_VALIDATION_FAILED' | 'OTHER' | 'UNKNOWN_OPERATION' = 'FIELD_VALIDATION_FAILED',
  field?: string,
): DeadlineApiError {
  const members: ErrorMembers = { reason };
  if (field !== undefined) members.fieldList = [{ name: field, message }];
  return new DeadlineApiError('ValidationException', 400, message, members);
}

/** `Retry-After` header for an optional number of seconds. */
function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'Retry-After': String(seconds) };
}

/** 429 ThrottlingException: the SDK retries it as throttling (status 429 and the name both qualify). */
export function throttled(message: string, retryAfterSeconds?: number): DeadlineApiError {
  return new DeadlineApiError('ThrottlingException', 429, message, {}, retryAfter(retryAfterSeconds));
}

/** 500 InternalServerErrorException: the SDK retries it as a transient error. */
export function internalError(message: string, retryAfterSeconds?: number): DeadlineApiError {
  return new DeadlineApiError('InternalServerErrorException', 500, message, {}, retryAfter(retryAfterSeconds));
}

/** 403 AccessDeniedException: not retried. */
export function accessDenied(message: string): DeadlineApiError {
  return new DeadlineApiError('AccessDeniedException', 403, message);
}
