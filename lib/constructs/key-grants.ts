import { Validations } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';

/** The KMS action families CDK's encrypt/decrypt grants (DynamoDB write, SQS send) use. */
const KEY_ACTION_FAMILIES = ['kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * Acknowledges the cdk-nag AwsSolutions-IAM5 findings on the KMS action
 * families in `policy` (a function's default policy, after its grants).
 * `keys` names the keys its statements are limited to, for the reason.
 */
export function acknowledgeKeyActionFamilies(policy: Policy, grants: string, keys: string): void {
  const validations = Validations.of(policy);
  for (const action of KEY_ACTION_FAMILIES) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${action} is the KMS action family that CDK's ${grants} grants use; each statement names only ${keys}.`,
    });
  }
}
