import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Lets `grantee` read one channel secret with GetSecretValue only (no
 * DescribeSecret, no other secret): the secret the stack created, or the one
 * the config names, whose ARN ends in six characters Secrets Manager picks.
 */
export function grantSecretValue(grantee: IGrantable, secret: ISecret, secretName: string | undefined): void {
  const secretArn =
    secretName === undefined
      ? secret.secretArn
      : Stack.of(secret).formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${secretName}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
  Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secretArn] });
}
