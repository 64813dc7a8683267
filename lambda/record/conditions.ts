/**
 * How a conditional write to the table reads when its condition failed:
 * every ledger's "someone was there first" (a duplicate, a conflict, a claim
 * that is no longer ours) is one of these two answers.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { errorName } from '../core/errors';

/** A single Put, Update or Delete refused by its condition (ConditionalCheckFailedException). */
export function isConditionFailure(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/** A transaction cancelled because at least one of its conditions failed (not throttling or a conflict). */
export function isTransactionConditionFailure(error: unknown): error is TransactionCanceledException {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason?.Code === 'ConditionalCheckFailed')
  );
}
