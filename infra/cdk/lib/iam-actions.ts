// The IAM actions cfm's workers and API call, by family and by feature (read from
// adapters/aws/src); cfm-stack.ts grants them on the narrowest resources AWS allows.

/** The AWS actions each worker family calls (read from adapters/aws/src). */
export const FAMILY_ACTIONS: Record<string, { s3: string[]; cloudfront: string[]; acm: boolean }> = {
  Origins: {
    s3: [
      's3:CreateBucket', 's3:DeleteBucket', 's3:DeleteBucketPolicy', 's3:DeleteBucketWebsite', 's3:DeleteObject',
      's3:DeleteObjectVersion', 's3:GetBucketCORS', 's3:GetBucketPolicy', 's3:GetBucketTagging', 's3:ListBucket',
      's3:ListBucketVersions', 's3:PutBucketCORS', 's3:PutBucketPolicy', 's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging', 's3:PutBucketWebsite', 's3:TagResource',
    ],
    cloudfront: ['cloudfront:CreateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl', 'cloudfront:GetOriginAccessControl'],
    acm: false,
  },
  Distributions: {
    s3: ['s3:DeleteBucketPolicy', 's3:GetBucketPolicy', 's3:GetBucketTagging', 's3:ListBucket', 's3:PutBucketPolicy'],
    cloudfront: [
      'cloudfront:CreateDistribution', 'cloudfront:CreateInvalidation', 'cloudfront:DeleteDistribution',
      'cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:GetInvalidation',
      'cloudfront:TagResource', 'cloudfront:UpdateDistribution',
    ],
    acm: true,
  },
  Certificates: { s3: [], cloudfront: [], acm: true },
  Templates: { s3: [], cloudfront: [], acm: false },
  // bulk invalidations are made by the bulk worker itself; bulk changes run update-distribution
  Bulk: { s3: [], cloudfront: ['cloudfront:CreateInvalidation'], acm: false },
};
/** The workflow a family's tasks start through the Step Functions API, and what they read of it. */
export const CHILD_WORKFLOWS: Record<string, { workflow: string; reads: string[] }> = {
  Templates: { workflow: 'create-distribution', reads: ['states:DescribeExecution', 'states:GetExecutionHistory'] },
  Bulk: { workflow: 'update-distribution', reads: ['states:DescribeExecution'] },
};
/** Distribution actions a family calls besides its own resources'. */
export const FAMILY_DISTRIBUTION_ACTIONS: Record<string, string[]> = {
  // a custom origin's changed settings reach the distributions that use it
  Origins: ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
};
/** The cache and origin-request policy actions of the policy workflows (Distributions family). */
export const POLICY_ACTIONS = [
  'cloudfront:CreateCachePolicy', 'cloudfront:DeleteCachePolicy', 'cloudfront:GetCachePolicyConfig', 'cloudfront:UpdateCachePolicy',
  'cloudfront:CreateOriginRequestPolicy', 'cloudfront:DeleteOriginRequestPolicy', 'cloudfront:GetOriginRequestPolicyConfig',
  'cloudfront:UpdateOriginRequestPolicy',
];
/** The CloudFront Functions routed distributions run (published and retired by the Distributions family). */
export const FUNCTION_ACTIONS = [
  'cloudfront:CreateFunction', 'cloudfront:DeleteFunction', 'cloudfront:DescribeFunction', 'cloudfront:GetFunction',
  'cloudfront:PublishFunction', 'cloudfront:UpdateFunction',
];
/** Lambda@Edge: a function per routing generation (named `cfm-…`), in us-east-1. */
export const LAMBDA_EDGE_ACTIONS = [
  'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration',
  'lambda:ListVersionsByFunction', 'lambda:PublishVersion', 'lambda:UpdateFunctionCode',
  // CloudFront replicates the version it is associated with, on behalf of the caller.
  'lambda:EnableReplication*', 'lambda:DisableReplication*',
];
/** A Lambda@Edge distribution's Origin Access Identity (one per distribution). */
export const IDENTITY_ACTIONS = [
  'cloudfront:CreateCloudFrontOriginAccessIdentity', 'cloudfront:GetCloudFrontOriginAccessIdentity',
  'cloudfront:DeleteCloudFrontOriginAccessIdentity',
];
/** Listing policies finds one by name (a redelivered create; the API's name check). */
export const POLICY_LIST_ACTIONS = ['cloudfront:ListCachePolicies', 'cloudfront:ListOriginRequestPolicies'];
/** Actions AWS does not allow to scope to a resource (their IAM resource must be `*`). */
export const UNSCOPABLE_ACTIONS = [
  'acm:ListCertificates', 'acm:RequestCertificate', 'cloudfront:ListDistributions', 'cloudfront:ListOriginAccessControls',
  'route53:ListHostedZones', 'cloudwatch:GetMetricData', ...POLICY_LIST_ACTIONS,
];
export const FAMILY_LIST_ACTIONS: Record<string, string[]> = {
  Origins: ['cloudfront:ListOriginAccessControls'],
  Distributions: ['cloudfront:ListDistributions', 'route53:ListHostedZones', ...POLICY_LIST_ACTIONS],
  Certificates: ['acm:ListCertificates', 'acm:RequestCertificate', 'route53:ListHostedZones'],
  Templates: [],
  Bulk: [],
};
