import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertTopicProps {
  /**
   * Addresses subscribed to every alert. SNS sends each a confirmation
   * email; nothing is delivered to an address until it confirms.
   * @default - no email subscriptions
   */
  readonly emails?: readonly string[];
}

/**
 * The SNS topic the notifier publishes to: the one place alerts leave Vigil.
 * Encrypted with a customer-managed key, HTTPS-only, with email subscribers
 * from the config; other subscribers (Slack forwarder, SQS, HTTPS) attach to
 * `topic`.
 */
export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly encryptionKey: Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.encryptionKey = new Key(this, 'Key', {
      description: 'Vigil alert topic',
      enableKeyRotation: true,
      // Protects messages in flight only; nothing is left to decrypt once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms publish as the service itself, not through an IAM
    // role, so only the key policy can let them use the key; limited to
    // alarms of this account and region (confused-deputy protection).
    // The account and region the template is deployed to (tokens), never the ones of the machine
    // that synthesized it: a template built in CI for another account would leave alarms unable to publish.
    const fromAlarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          region: Aws.REGION,
          account: Aws.ACCOUNT_ID,
        }),
      },
    };
    this.encryptionKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromAlarmsOfThisAccount,
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'Vigil',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    // The topic policy enforceSSL creates replaces SNS's default one (which
    // let this account's services publish), so the alarms of
    // lib/constructs/operations.ts need their own allow, with the same limits.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromAlarmsOfThisAccount,
      }),
    );
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new EmailSubscription(email));
    }
  }

  /** Allows sns:Publish on the topic and the use of its key for that. */
  grantPublish(grantee: IGrantable): Grant {
    return this.topic.grantPublish(grantee);
  }
}
