import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import validator = require('asl-validator');
import { loadTopology, definitionText } from '../lib/topology';
import { UNSCOPABLE_ACTIONS } from '../lib/iam-actions';
import { policies, resources, synth, synthWith } from './helpers';

const topology = loadTopology();
const families = topology.workerQueues.length;

test('deploys every workflow, queue, worker and mapping the topology declares', () => {
  const { template } = synth();
  template.resourceCountIs('AWS::StepFunctions::StateMachine', topology.stateMachines.length);
  // a queue and a DLQ per family and for history, plus the history rule's DLQ
  template.resourceCountIs('AWS::SQS::Queue', 2 * (families + 1) + 1);
  template.resourceCountIs('AWS::Lambda::EventSourceMapping', families + 1);
  template.resourceCountIs('AWS::Lambda::Function', families + 2);
  template.resourceCountIs('AWS::Events::EventBus', 1);
  template.resourceCountIs('AWS::Events::Archive', 1);
  template.resourceCountIs('AWS::Scheduler::Schedule', topology.scheduled.length);
  template.resourceCountIs('AWS::DynamoDB::Table', 1);
});

/** Replaces CloudFormation tokens with plausible values so the ASL can be validated. */
function filled(machine: Record<string, any>): string {
  const body = machine.Properties.DefinitionString;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  const subs = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
  return text.replace(/\$\{(\w+)\}/g, (_m: string, name: string) => {
    assert.ok(name in subs, `unfilled placeholder \${${name}}`);
    const value = subs[name];
    return typeof value === 'string' ? value : 'https://sqs.eu-west-1.amazonaws.com/123456789012/queue';
  });
}

test('every state machine has all placeholders filled, passes asl-validator, logs and traces', () => {
  const machines = Object.values(resources('AWS::StepFunctions::StateMachine'));
  assert.equal(machines.length, topology.stateMachines.length);
  for (const machine of machines) {
    const definition = JSON.parse(filled(machine));
    const result = validator(definition);
    assert.ok(result.isValid, result.errorsText('\n'));
    assert.equal(machine.Properties.StateMachineType, 'STANDARD');
    assert.equal(machine.Properties.TracingConfiguration.Enabled, true);
    assert.equal(machine.Properties.LoggingConfiguration.Level, 'ALL');
    assert.equal(machine.Properties.LoggingConfiguration.IncludeExecutionData, true);
  }
  // the definitions are the repository's files, not a copy
  const names = machines.map((m) => m.Properties.StateMachineName as string);
  for (const workflow of topology.stateMachines) {
    assert.ok(names.some((n: string) => n.endsWith(`-${workflow}`)), `${workflow} missing`);
    assert.ok(definitionText(workflow).length > 0);
  }
});

test('every worker queue has a DLQ and stays invisible at least 6x the function timeout', () => {
  const queues = resources('AWS::SQS::Queue');
  const timeouts = Object.values(resources('AWS::Lambda::Function')).map((f) => f.Properties.Timeout as number);
  const longest = Math.max(...timeouts.filter((t) => t < 29 || timeouts.length === 1));
  const dlqIds = new Set<string>();
  for (const q of Object.values(queues)) {
    const redrive = q.Properties.RedrivePolicy;
    if (redrive) dlqIds.add(redrive.deadLetterTargetArn['Fn::GetAtt'][0]);
  }
  const mapped = Object.values(resources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties.EventSourceArn['Fn::GetAtt'][0]);
  assert.equal(mapped.length, families + 1);
  for (const id of mapped) {
    const queue = queues[id];
    assert.ok(queue.Properties.RedrivePolicy, `${id} has no DLQ`);
    assert.ok(queue.Properties.VisibilityTimeout >= 6 * longest, `${id} visibility ${queue.Properties.VisibilityTimeout} < 6 x ${longest}`);
  }
  for (const [id, q] of Object.entries(queues)) {
    assert.ok(q.Properties.RedrivePolicy || dlqIds.has(id) || id.startsWith('HistoryRuleDlq'), `${id} is neither a DLQ nor has one`);
  }
});

test('every event source mapping reports batch item failures and caps concurrency', () => {
  for (const mapping of Object.values(resources('AWS::Lambda::EventSourceMapping'))) {
    assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
    const max = mapping.Properties.ScalingConfig?.MaximumConcurrency;
    assert.ok(max >= 2 && max <= 5, `MaximumConcurrency ${max}`);
  }
  const distributions = Object.entries(resources('AWS::Lambda::EventSourceMapping')).filter(([, m]) =>
    JSON.stringify(m.Properties.EventSourceArn).includes('DistributionsQueue'));
  assert.equal(distributions.length, 1);
  assert.equal(distributions[0][1].Properties.ScalingConfig.MaximumConcurrency, 2, 'CloudFront control-plane limits');
});

/** Actions AWS only allows on resource `*` (X-Ray, CloudWatch Logs delivery for Step Functions, List* calls). */
const STAR_ONLY = new Set([
  ...UNSCOPABLE_ACTIONS,
  'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
]);

test('IAM grants no wildcard action, and no wildcard resource where AWS allows scoping', () => {
  const all = Object.entries(policies());
  assert.ok(all.length > 0);
  for (const [id, policy] of all) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      const actions: string[] = [statement.Action].flat();
      const resourcesOf: unknown[] = [statement.Resource].flat();
      for (const action of actions) {
        assert.ok(action !== '*' && !action.endsWith(':*'), `${id}: wildcard action ${action}`);
      }
      if (resourcesOf.includes('*')) {
        for (const action of actions) assert.ok(STAR_ONLY.has(action), `${id}: ${action} on resource *`);
      }
    }
  }
});

test('each worker family may call only its own services', () => {
  const statements = (id: string) =>
    Object.entries(policies())
      .filter(([policyId]) => policyId.startsWith(id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat());
  const origins = statements('OriginsWorker');
  const history = statements('HistoryWorker');
  assert.ok(origins.includes('s3:CreateBucket') && !origins.includes('cloudfront:CreateDistribution'));
  // a custom origin's change reaches its distributions
  assert.ok(origins.includes('cloudfront:UpdateDistribution'), `origins worker: ${origins}`);
  // buckets are tagged in the CreateBucket call itself
  assert.ok(origins.includes('s3:TagResource'), `origins worker: ${origins}`);
  const distributions = statements('DistributionsWorker');
  assert.ok(distributions.includes('cloudfront:UpdateDistribution'));
  // the policy workflows run on the Distributions worker; only it changes policies
  for (const action of ['cloudfront:CreateCachePolicy', 'cloudfront:DeleteOriginRequestPolicy', 'cloudfront:ListCachePolicies', 'cloudfront:PublishFunction']) {
    assert.ok(distributions.includes(action), `distributions worker lacks ${action}`);
    assert.ok(!origins.includes(action), `origins worker has ${action}`);
  }
  // DNS validation: the Certificates worker alone writes records, only CNAME UPSERTs
  const certificates = statements('CertificatesWorker');
  assert.ok(certificates.includes('route53:ChangeResourceRecordSets') && certificates.includes('route53:ListHostedZones'), `${certificates}`);
  assert.ok(!origins.includes('route53:ChangeResourceRecordSets'));
  const change = (worker: string) => Object.entries(policies())
    .filter(([id]) => id.startsWith(worker))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: any; Resource?: any }[])
    .find((s) => [s.Action].flat().includes('route53:ChangeResourceRecordSets'));
  const only = (worker: string) => change(worker)?.Condition['ForAllValues:StringEquals'];
  assert.deepEqual(only('CertificatesWorker')['route53:ChangeResourceRecordSetsRecordTypes'], ['CNAME']);
  // alias records: the Distributions worker writes only A/AAAA, upserts and deletes
  assert.deepEqual(only('DistributionsWorker')['route53:ChangeResourceRecordSetsRecordTypes'], ['A', 'AAAA']);
  assert.deepEqual(only('DistributionsWorker')['route53:ChangeResourceRecordSetsActions'], ['UPSERT', 'DELETE']);
  // and keeps each distribution's 5xx alarm, on cfm's alarms only
  for (const action of ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'route53:ListResourceRecordSets']) {
    assert.ok(distributions.includes(action), `distributions worker lacks ${action}`);
  }
  const alarms = Object.entries(policies())
    .filter(([id]) => id.startsWith('DistributionsWorker'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource?: any }[])
    .find((s) => [s.Action].flat().includes('cloudwatch:PutMetricAlarm'));
  assert.match(JSON.stringify(alarms?.Resource), /alarm:cfm-\*/);
  // reconcile asks how a claiming execution ended before it settles a record
  assert.ok(distributions.includes('states:DescribeExecution'), `distributions worker: ${distributions}`);
  // and hands the edge functions a distribution lets go of to retire-edge-function
  assert.ok(distributions.includes('states:StartExecution'), `distributions worker: ${distributions}`);
  assert.ok(!origins.includes('states:StartExecution'), `origins worker: ${origins}`);
  // the bulk worker invalidates and runs update-distribution, and changes nothing itself
  const bulk = statements('BulkWorker');
  for (const action of ['cloudfront:CreateInvalidation', 'states:StartExecution', 'states:DescribeExecution']) {
    assert.ok(bulk.includes(action), `bulk worker lacks ${action}: ${bulk}`);
  }
  assert.ok(!bulk.some((a) => a === 'cloudfront:UpdateDistribution' || a.startsWith('s3:')), `bulk worker: ${bulk}`);
  // the API lists executions, machine by machine, and reads their histories
  const api = statements('ApiFunction');
  for (const action of ['states:ListExecutions', 'states:GetExecutionHistory', 'cloudwatch:GetMetricData']) assert.ok(api.includes(action), `api lacks ${action}: ${api}`);
  assert.ok(!history.some((a) => a.startsWith('s3:') || a.startsWith('cloudfront:') || a.startsWith('states:')), `history worker: ${history}`);
});

test('Lambda@Edge: the Distributions worker makes cfm functions in us-east-1 and passes the edge role only', () => {
  const all = Object.entries(policies());
  const statementsOf = (worker: string) => all
    .filter(([id]) => id.startsWith(worker))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: any }[]);
  const distributions = statementsOf('DistributionsWorker');
  const create = distributions.find((s) => [s.Action].flat().includes('lambda:CreateFunction'));
  assert.match(JSON.stringify(create?.Resource), /lambda:us-east-1:.*:function:cfm-\*/);
  const pass = distributions.find((s) => [s.Action].flat().includes('iam:PassRole'));
  assert.match(JSON.stringify(pass?.Resource), /EdgeFunctionRole/, 'the edge role, nothing else');
  assert.ok(distributions.some((s) => [s.Action].flat().includes('cloudfront:CreateCloudFrontOriginAccessIdentity')));
  for (const other of ['OriginsWorker', 'CertificatesWorker', 'TemplatesWorker', 'ApiFunction']) {
    const actions = statementsOf(other).flatMap((s) => [s.Action].flat());
    assert.ok(!actions.some((a) => a.startsWith('lambda:Create') || a === 'iam:PassRole'), `${other}: ${actions}`);
  }
  assert.ok(statementsOf('ApiFunction').some((s) => [s.Action].flat().includes('lambda:ListVersionsByFunction')), 'the API reads versions');
  const roles = Object.values(resources('AWS::IAM::Role'));
  const edge = roles.find((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('edgelambda.amazonaws.com'));
  assert.ok(edge, 'a role Lambda@Edge can assume');
  assert.match(JSON.stringify(edge.Properties.AssumeRolePolicyDocument), /lambda\.amazonaws\.com/);
  const workers = Object.entries(resources('AWS::Lambda::Function'));
  const env = (id: string) => workers.find(([name]) => name.startsWith(id))?.[1].Properties.Environment.Variables;
  assert.ok(env('DistributionsWorker').CFM_EDGE_ROLE_ARN, 'the worker knows the role');
  assert.equal(env('OriginsWorker').CFM_EDGE_ROLE_ARN, undefined);
});

test('events are archived, history has a DLQ, the table has point-in-time recovery', () => {
  const { template } = synth();
  const rules = Object.values(resources('AWS::Events::Rule'));
  assert.equal(rules.length, 1);
  assert.ok(rules[0].Properties.Targets[0].DeadLetterConfig, 'history rule target has a DLQ');
  assert.deepEqual(rules[0].Properties.EventPattern, { source: ['cfm'] });
  template.hasResourceProperties('AWS::DynamoDB::Table', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
});

test('the API sits behind a Cognito authorizer and runs the Rust API Lambda', () => {
  const { template } = synth();
  const methods = Object.values(resources('AWS::ApiGateway::Method'));
  const open = methods.filter((m) => m.Properties.AuthorizationType !== 'COGNITO_USER_POOLS');
  // only the OpenAPI document and the console's files are served without a token
  const parts = open.map((m) => {
    assert.equal(m.Properties.HttpMethod, 'GET');
    assert.equal(m.Properties.AuthorizationType, 'NONE');
    return resources('AWS::ApiGateway::Resource')[m.Properties.ResourceId.Ref]?.Properties.PathPart;
  });
  assert.deepEqual(parts.sort(), ['console', 'console.css', 'console.js', 'openapi.json']);
  template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
  for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
    assert.equal(fn.Properties.Runtime, 'provided.al2023');
    assert.equal(fn.Properties.Handler, 'bootstrap');
    assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
  }
  const groups = Object.values(resources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName).sort();
  assert.deepEqual(groups, ['admin', 'read-only']);
});

/** Whether a method is one of the unauthenticated GETs (the OpenAPI document, the console). */
function isOpen(method: { Properties: Record<string, any> }): boolean {
  const ref = method.Properties.ResourceId?.Ref;
  const resource = ref && resources('AWS::ApiGateway::Resource')[ref];
  return method.Properties.HttpMethod === 'GET' && ['openapi.json', 'console', 'console.js', 'console.css'].includes(resource?.Properties.PathPart);
}

test('with CORS origins, API Gateway answers preflights without the authorizer and the API knows them', () => {
  const { template } = synthWith({ corsOrigins: ['https://console.example.com'] });
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as { Properties: Record<string, any> }[];
  const options = methods.filter((m) => m.Properties.HttpMethod === 'OPTIONS');
  assert.ok(options.length > 0, 'preflight methods exist');
  for (const method of options) assert.equal(method.Properties.AuthorizationType, 'NONE');
  for (const method of methods.filter((m) => m.Properties.HttpMethod !== 'OPTIONS')) {
    assert.equal(method.Properties.AuthorizationType, isOpen(method) ? 'NONE' : 'COGNITO_USER_POOLS');
  }
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: Record<string, any> }[];
  const api = functions.find((f) => f.Properties.Environment?.Variables?.CFM_CORS_ORIGINS !== undefined);
  assert.equal(api?.Properties.Environment.Variables.CFM_CORS_ORIGINS, 'https://console.example.com');
});

test('alarms watch failed executions, every DLQ and API 5xx; a dashboard exists', () => {
  const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
  const metrics = alarms.map((a) => a.Properties.MetricName);
  assert.equal(metrics.filter((m) => m === 'ExecutionsFailed').length, topology.stateMachines.length);
  assert.equal(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible').length, families + 2);
  assert.equal(metrics.filter((m) => m === '5XXError').length, 1);
  synth().template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  const rates = Object.values(resources('AWS::Scheduler::Schedule')).map((s) => s.Properties.ScheduleExpression).sort();
  assert.deepEqual(rates, topology.scheduled.map((s) => s.rate).sort());
});
