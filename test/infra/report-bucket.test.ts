/**
 * The report bucket of the daily digest: private, encrypted, TLS only,
 * reports expired, and the digest function may only put reports under
 * reports/ (no read, no delete, no other key). No other role has any S3 action.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { REPORT_PREFIX } from '../../lambda/core/reports';
import {
  arnText,
  asList,
  build,
  logicalId,
  present,
  ref,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from '../support/stack';

describe('the report bucket', () => {
  const built = build({ history: { eventRetentionDays: 45 } });
  const digest = present(built.stack.digest, 'the digest');
  const bucket = digest.reportBucket;

  it('blocks every public access, encrypts with S3-managed keys, and expires reports after the history retention', () => {
    built.template.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [{ Id: 'ExpireReports', Prefix: REPORT_PREFIX, ExpirationInDays: 45, Status: 'Enabled' }],
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('denies every request that is not over TLS', () => {
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(bucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: { AWS: '*' },
          }),
        ]),
      },
    });
  });

  it('lets the digest function put objects under reports/ and nothing else, and gives it the bucket name', () => {
    const s3 = resourcesByAction(statementsOfRole(built.template, roleOf(digest)), 's3:');
    expect(s3).toEqual({ 's3:PutObject': [`<{"Fn::GetAtt":["${logicalId(bucket)}","Arn"]}>/reports/*`] });
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REPORT_BUCKET: ref(bucket) }) },
    });
    // No other role may touch S3.
    const others = statementsOf(built.template).filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')));
    expect(others.map((s) => asList(s.Resource).map(arnText))).toEqual([
      [`<{"Fn::GetAtt":["${logicalId(bucket)}","Arn"]}>/reports/*`],
    ]);
  });

  it('says where the reports are in an output', () => {
    built.template.hasOutput('ReportBucketName', { Value: ref(bucket) });
  });
});
