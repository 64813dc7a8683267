import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HistoryTable } from './history-table';
import type { VigilFunction } from './vigil-function';

/** A Lambda event filter pattern (FilterCriteria.Filters[].Pattern), as lambda/record/stream-filter.ts exports them. */
export type StreamFilterPattern = Readonly<Record<string, unknown>>;

export interface TableStreamConsumerProps {
  /** The function that handles the stream's records. */
  readonly fn: VigilFunction;
  /** Whose stream is followed. */
  readonly history: HistoryTable;
  /** Which records reach the function (one filter; Lambda drops the rest before invoking). */
  readonly filterPattern: StreamFilterPattern;
  /** Names the consumer in the key description and the acknowledgements, e.g. `notifier`. */
  readonly consumer: string;
}

/** What {@link consumeTableStream} created. */
export interface TableStreamConsumer {
  /** Receives a description (not the records) of stream batches that failed every retry. */
  readonly onFailureQueue: Queue;
  readonly onFailureQueueKey: Key;
  readonly eventSource: DynamoEventSource;
}

/**
 * Feeds `fn` from the history table's stream, the way every Vigil reactor
 * reads it: from the oldest record still in the stream, up to 100 records
 * or 5 s per batch, only the records `filterPattern` matches. A batch that
 * keeps failing is split to isolate the bad record (the handler also
 * reports the failed items itself), retried up to 10 times, and finally
 * described in an on-failure queue (14 days, its own rotating KMS key,
 * HTTPS only), so no event is dropped silently.
 *
 * Creates `OnFailureQueueKey` and `OnFailureQueue` in `scope`. Call it after
 * the function's other grants: it acknowledges the cdk-nag finding on
 * dynamodb:ListStreams in the function's default policy.
 */
export function consumeTableStream(scope: Construct, props: TableStreamConsumerProps): TableStreamConsumer {
  const onFailureQueueKey = new Key(scope, 'OnFailureQueueKey', {
    description: `Vigil ${props.consumer} on-failure queue`,
    enableKeyRotation: true,
    // Protects failure descriptions only; they go with the queue.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  const onFailureQueue = new Queue(scope, 'OnFailureQueue', {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: onFailureQueueKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(onFailureQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter destination: the on-failure destination of the ${props.consumer} stream event source mapping, which cdk-nag cannot see.`,
  });

  const eventSource = new DynamoEventSource(props.history.table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(5),
    bisectBatchOnError: true,
    retryAttempts: 10,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(onFailureQueue),
    filters: [FilterCriteria.filter({ ...props.filterPattern })],
  });
  props.fn.function.addEventSource(eventSource);

  Validations.of(props.fn.defaultPolicy()).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only dynamodb:ListStreams, granted by the DynamoDB event source: it supports no resource type (Service Authorization Reference), so IAM accepts only "*", and Lambda lists it among the permissions a stream event source needs. It returns stream ARNs, no data.',
  });

  return { onFailureQueue, onFailureQueueKey, eventSource };
}
