import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GLOBAL_INDEXES, KEY, TTL_ATTRIBUTE } from '../../lambda/record/table-schema';

/** Item-level DynamoDB actions a Vigil function may be granted on the history table. */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

/** The name of one of the table's global secondary indexes. */
export type GlobalIndexName = (typeof GLOBAL_INDEXES)[number]['name'];

/**
 * What a recorder needs: read the latest state, and write a change as one
 * transaction (TransactWriteItems is authorised by the Put, Update and
 * ConditionCheck actions it contains).
 */
export const RECORDER_ACTIONS: readonly ItemAction[] = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
];

const WRITE_ACTIONS: ReadonlySet<ItemAction> = new Set([
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
]);

/**
 * What a consumer of the outbox needs besides reading and recording:
 * removing the entries it has handled (one by one, or in batches), and
 * moving failed ones to the retry partition (a transaction of a put and a
 * delete).
 */
export const OUTBOX_ACTIONS: readonly ItemAction[] = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** What reading items needs from the table's key (as CDK's own table grants). */
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
/** What writing items needs in addition. */
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

export interface HistoryTableProps {
  /**
   * Keep the table and its key when the stack is deleted or the table would
   * be replaced, with deletion protection on. false deletes both with the
   * stack (the history is lost).
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

export interface ItemGrantOptions {
  /**
   * Also allow the actions on the table's global secondary indexes
   * (needed to Query `byTime` or `active`).
   * @default false
   */
  readonly indexes?: boolean;
}

/**
 * Vigil's one DynamoDB table (schema in lambda/record/table-schema.ts):
 * on-demand, encrypted with a customer-managed key, point-in-time recovery,
 * TTL on event items, and a stream of new images for the reacting functions.
 *
 * A `Table` (AWS::DynamoDB::Table), not a TableV2: a TableV2 with a
 * customer-managed key names its region in the template, and Vigil's
 * template must deploy to any region (StackSets).
 */
export class HistoryTable extends Construct {
  readonly table: Table;
  readonly encryptionKey: Key;

  constructor(scope: Construct, id: string, props: HistoryTableProps = {}) {
    super(scope, id);
    const retain = props.retainOnDelete ?? true;
    // The key must outlive the table: a retained table is unreadable without it.
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.encryptionKey = new Key(this, 'Key', {
      description: 'Vigil history table',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: KEY.pk, type: AttributeType.STRING },
      sortKey: { name: KEY.sk, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: StreamViewType.NEW_IMAGE,
      deletionProtection: retain,
      removalPolicy,
    });
    for (const index of GLOBAL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /**
   * Allows item actions on the table (and, with `indexes`, on each named
   * index, never `index/*`), plus the key actions they need. Transactions
   * (TransactWriteItems) are authorised by the item actions they contain.
   */
  grantItems(grantee: IGrantable, actions: readonly ItemAction[], options: ItemGrantOptions = {}): Grant {
    const tableArn = this.table.tableArn;
    const indexArns = options.indexes ? GLOBAL_INDEXES.map((index) => `${tableArn}/index/${index.name}`) : [];
    const writes = actions.some((action) => WRITE_ACTIONS.has(action));
    const items = Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [tableArn, ...indexArns] });
    const key = this.encryptionKey.grant(grantee, ...KEY_READ_ACTIONS, ...(writes ? KEY_WRITE_ACTIONS : []));
    return items.combine(key);
  }

  /**
   * Allows Query on one global secondary index (by name, never `index/*`),
   * plus reading with the table's key: for a function that must find items
   * through the index but needs no other action on it.
   */
  grantIndexQuery(grantee: IGrantable, indexName: GlobalIndexName): Grant {
    const query = Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${indexName}`],
    });
    return query.combine(this.encryptionKey.grant(grantee, ...KEY_READ_ACTIONS));
  }
}
