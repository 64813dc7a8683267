import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/** The longest a poll may run, in seconds, whatever the period. */
const MAX_POLL_SECONDS = 50;

/**
 * How long one poll may run: under the schedule period, so two polls never
 * overlap (at 1 minute: 50 s).
 */
export function pollerTimeout(pollMinutes: number): Duration {
  return Duration.seconds(Math.min(MAX_POLL_SECONDS, 60 * pollMinutes - 10));
}

/**
 * An EventBridge schedule that invokes `fn` every `pollMinutes` minutes. A
 * failed poll is not retried (neither by EventBridge nor by Lambda, which the
 * function's own retry setting covers): the next poll reads the same state.
 */
export function pollSchedule(scope: Construct, id: string, fn: IFunction, pollMinutes: number, what: string): Rule {
  return new Rule(scope, id, {
    description: `Vigil: poll ${what} every ${pollMinutes} minute(s)`,
    schedule: Schedule.rate(Duration.minutes(pollMinutes)),
    targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
  });
}
