/**
 * What each of Vigil's emulators supplies to the shared HTTP server: how a request
 * names its operation and input, how errors are shaped, and which errors the rate
 * limit and armed faults answer with.
 */
import type { IncomingMessage } from 'node:http';
import type { BaseFaultInjection } from './faults';

/** What every emulator records of one call. */
export interface RecordedCall {
  /** Operation name. */
  operation: string;
  /** HTTP status of the reply (0 while the call is still being served). */
  status: number;
  /**
   * The region the caller signed for (SigV4 credential scope), or undefined when
   * unsigned: proves which region a client targets even when its endpoint is overridden.
   */
  signingRegion?: string;
}

/** What an operation sees of the server besides its input. */
export interface OperationEnv {
  /** The step the emulator is at when the operation runs (after any delay). */
  readonly step: number;
  /** Items per page of the list operations. */
  readonly pageSize: number;
  /** The `empty-page` fault is armed for this call. */
  readonly emptyPage: boolean;
}

/** A request as the emulator's protocol reads it: what the call log shows, and what to do. */
export type ReadCall<Call, ApiError> =
  /** Refused before any fault or limit applies (unknown operation, malformed request). */
  | { readonly call: Call; readonly refusal: ApiError }
  /** Runs the operation; it may throw an `ApiError`. */
  | { readonly call: Call; readonly run: (env: OperationEnv) => object };

/** An error the emulator answers with, in its protocol's shape. */
export interface ApiErrorLike extends Error {
  /** HTTP status of the reply. */
  readonly status: number;
}

/** A class of errors, for `instanceof`. */
type ErrorClass<E> = abstract new (...args: never[]) => E;

/** What an emulator supplies to the shared server: its wire protocol and its errors. */
export interface EmulatorProtocol<
  Call extends RecordedCall,
  Fault extends BaseFaultInjection,
  ApiError extends ApiErrorLike,
> {
  /** `content-type` of every reply. */
  readonly contentType: string;
  /** The errors operations throw to be answered; anything else is an emulator bug. */
  readonly errorType: ErrorClass<ApiError>;
  /** Reads a request: its call record, and either its operation or why it is refused. */
  readCall(req: IncomingMessage): Promise<ReadCall<Call, ApiError>>;
  /** Body and extra headers of an error reply (its status is the error's). */
  errorReply(error: ApiError): { body: object; headers: Readonly<Record<string, string>> };
  /** The service's internal error, answered on an emulator bug. */
  bugError(message: string): ApiError;
  /** The service's throttling error, for a call over the rate limit. */
  rateLimitError(): ApiError;
  /** The error an armed fault answers with, or undefined when it lets the call run (`slow`, `empty-page`). */
  faultError(fault: Fault, operation: string): ApiError | undefined;
}
