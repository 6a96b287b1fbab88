#!/usr/bin/env node
// Deploys cfm. Build the Lambda binaries first (README "Deploy to AWS"); CFM_LAMBDA_DIR points at
// cargo lambda's output (default: the workspace's target/lambda).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfmStack } from '../lib/cfm-stack';

const lambdaDir = process.env.CFM_LAMBDA_DIR ?? path.resolve(__dirname, '../../../target/lambda');
for (const bin of ['cfm-worker', 'cfm-api']) {
  if (!fs.existsSync(path.join(lambdaDir, bin, 'bootstrap'))) {
    throw new Error(`no ${bin}/bootstrap in ${lambdaDir}: run 'cargo lambda build --release --arm64 --bin cfm-worker --bin cfm-api' at the repository root, or set CFM_LAMBDA_DIR`);
  }
}
const app = new App();
const architecture = app.node.tryGetContext('architecture') === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64;
new CfmStack(app, app.node.tryGetContext('stackName') ?? 'Cfm', {
  lambdaDir,
  architecture,
  // `cdk deploy -c corsOrigins=https://console.example.com,https://admin.example.com`
  corsOrigins: String(app.node.tryGetContext('corsOrigins') ?? '').split(',').map((o) => o.trim()).filter((o) => o),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
