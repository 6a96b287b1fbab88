// Builds the stack the way `cdk synth` does (feature flags from cdk.json) with placeholder
// Lambda assets, so tests need neither AWS nor a Rust cross-build.
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfmStack } from '../lib/cfm-stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdkJson = require('../cdk.json') as { context: Record<string, unknown> };

let cached: { stack: CfmStack; template: Template } | undefined;

export function synth(): { stack: CfmStack; template: Template } {
  if (!cached) {
    cached = synthWith({});
  }
  return cached;
}

/** A fresh stack with these extra props (not cached). */
export function synthWith(props: { corsOrigins?: string[] }): { stack: CfmStack; template: Template } {
  const app = new App({ context: cdkJson.context });
  const stack = new CfmStack(app, 'CfmTest', {
    lambdaDir: path.join(__dirname, 'fixtures', 'lambda'),
    env: { account: '123456789012', region: 'eu-west-1' },
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

export type Resource = { Type: string; Properties: Record<string, any> };

export function resources(type: string): Record<string, Resource> {
  return synth().template.findResources(type) as Record<string, Resource>;
}

/** Every IAM policy: inline ones, and the managed ones CDK moves statements to when a role's
 * inline policy would outgrow IAM's size limit. */
export function policies(): Record<string, Resource> {
  return { ...resources('AWS::IAM::Policy'), ...resources('AWS::IAM::ManagedPolicy') };
}
