// cfm on AWS: everything the local cloud provisions from the topology, plus what only AWS has
// (Lambda, API Gateway + Cognito, Scheduler, logs, tracing, alarms).
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, StackProps, CfnOutput, Aws } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  CHILD_WORKFLOWS, FAMILY_ACTIONS, FAMILY_DISTRIBUTION_ACTIONS, FAMILY_LIST_ACTIONS, FUNCTION_ACTIONS, IDENTITY_ACTIONS, LAMBDA_EDGE_ACTIONS,
  POLICY_ACTIONS, POLICY_LIST_ACTIONS,
} from './iam-actions';
import { definitionText, familiesUsedBy, loadTopology, machinePlaceholder, pascal, queuePlaceholder, WorkerQueue } from './topology';

export interface CfmStackProps extends StackProps {
  /** Directory holding `<bin>/bootstrap` for `cfm-worker` and `cfm-api` (cargo lambda's target/lambda). */
  readonly lambdaDir: string;
  /** Lambda architecture of the binaries. */
  readonly architecture?: lambda.Architecture;
  /**
   * Browser origins that may call the API (e.g. a console at `https://console.example.com`).
   * API Gateway answers their preflight without the authorizer; the API marks its answers.
   */
  readonly corsOrigins?: string[];
}

/** Worker Lambda timeout; queues keep messages invisible at least 6x as long (Lambda's SQS rule). */
const WORKER_TIMEOUT = Duration.seconds(60);
/**
 * Maximum concurrent worker invocations per family. CloudFront's control plane throttles at a
 * few mutations per second per account (aws-facts.md §2.1), so the Distributions family stays low.
 */
const MAX_CONCURRENCY: Record<string, number> = { Distributions: 2 };
const DEFAULT_MAX_CONCURRENCY = 5;
/** CloudFront and ACM (for CloudFront) live in us-east-1. */
const GLOBAL_REGION = 'us-east-1';

export class CfmStack extends Stack {
  constructor(scope: Construct, id: string, props: CfmStackProps) {
    super(scope, id, props);
    const topology = loadTopology();
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    const code = (bin: string) => lambda.Code.fromAsset(path.join(props.lambdaDir, bin));

    // --- storage and events -------------------------------------------------------------
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: 'byKind',
      partitionKey: { name: 'kind', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sortKey', type: dynamodb.AttributeType.STRING },
    });

    const bus = new events.EventBus(this, 'Bus', { eventBusName: `${this.stackName}-bus` });
    bus.archive('Archive', {
      archiveName: `${this.stackName}-events`,
      description: 'Every cfm event, for replay.',
      eventPattern: { source: ['cfm'] },
      retention: Duration.days(365),
    });

    // --- queues, one per worker family, plus history ------------------------------------
    const queueFor = (decl: WorkerQueue) => {
      const dlq = new sqs.Queue(this, `${decl.family}Dlq`, { retentionPeriod: Duration.days(14), enforceSSL: true });
      const visibility = Math.max(decl.visibilityTimeoutSeconds, 6 * WORKER_TIMEOUT.toSeconds());
      const queue = new sqs.Queue(this, `${decl.family}Queue`, {
        visibilityTimeout: Duration.seconds(visibility),
        deadLetterQueue: { queue: dlq, maxReceiveCount: decl.maxReceiveCount },
        enforceSSL: true,
      });
      return { decl, queue, dlq };
    };
    const families = topology.workerQueues.map(queueFor);
    const history = queueFor(topology.historyQueue);

    const ruleDlq = new sqs.Queue(this, 'HistoryRuleDlq', { retentionPeriod: Duration.days(14), enforceSSL: true });
    new events.Rule(this, 'HistoryRule', {
      eventBus: bus,
      description: 'Every cfm event to the history projector.',
      eventPattern: { source: ['cfm'] },
      targets: [new targets.SqsQueue(history.queue, { deadLetterQueue: ruleDlq, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
    });

    // --- state machines -----------------------------------------------------------------
    const substitutions: Record<string, string> = {};
    for (const { decl, queue } of families) substitutions[queuePlaceholder(decl)] = queue.queueUrl;
    for (const setting of topology.settings) substitutions[setting.name] = setting.aws;

    const machines: Record<string, sfn.StateMachine> = {};
    for (const workflow of topology.stateMachines) {
      const text = definitionText(workflow);
      const logGroup = new logs.LogGroup(this, `${pascal(workflow)}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
      const machine = new sfn.StateMachine(this, pascal(workflow), {
        stateMachineName: `${this.stackName}-${workflow}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(text),
        // A copy: later workflows' references must not reach back into earlier definitions.
        definitionSubstitutions: { ...substitutions },
        tracingEnabled: true,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      });
      // The ASL comes from a file, so CDK cannot infer what it sends where: grant each queue it uses.
      for (const decl of familiesUsedBy(text, topology)) {
        families.find((f) => f.decl.family === decl.family)!.queue.grantSendMessages(machine);
      }
      machines[workflow] = machine;
      // Workflows listed after it may name this one (apply-template runs create-distribution).
      if (topology.references.includes(workflow)) substitutions[machinePlaceholder(workflow)] = machine.stateMachineArn;
    }

    // --- the role Lambda@Edge functions run with ---------------------------------------------
    // Lambda and its edge replicas assume it; it may only write logs (in any region they run).
    const edgeRole = new iam.Role(this, 'EdgeFunctionRole', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('edgelambda.amazonaws.com')),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      description: 'cfm: Lambda@Edge routing functions',
    });

    // --- worker Lambdas -------------------------------------------------------------------
    const workers: lambda.Function[] = [];
    const worker = (name: string, queueUrl: string, dlqUrl: string, env: Record<string, string>) =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.PROVIDED_AL2023,
        architecture,
        handler: 'bootstrap',
        code: code('cfm-worker'),
        timeout: WORKER_TIMEOUT,
        memorySize: 256,
        tracing: lambda.Tracing.ACTIVE,
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY }),
        environment: { CFM_TABLE: table.tableName, CFM_QUEUE_URL: queueUrl, CFM_DLQ_URL: dlqUrl, RUST_LOG: 'info', ...env },
      });

    for (const { decl, queue, dlq } of families) {
      const edgeEnv: Record<string, string> = decl.family === 'Distributions' ? { CFM_EDGE_ROLE_ARN: edgeRole.roleArn } : {};
      const fn = worker(`${decl.family}Worker`, queue.queueUrl, dlq.queueUrl, { CFM_WORKER: 'tasks', CFM_EVENT_BUS: bus.eventBusName, ...edgeEnv });
      fn.addEventSource(new SqsEventSource(queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: MAX_CONCURRENCY[decl.family] ?? DEFAULT_MAX_CONCURRENCY,
      }));
      table.grantReadWriteData(fn);
      bus.grantPutEventsTo(fn);
      dlq.grantSendMessages(fn);
      for (const machine of Object.values(machines)) machine.grantTaskResponse(fn);
      this.grantFamilyActions(fn, decl.family);
      // apply-template's worker starts and watches create-distribution executions; a bulk
      // change runs an update-distribution execution per distribution and follows it.
      const child = CHILD_WORKFLOWS[decl.family];
      if (child) {
        machines[child.workflow].grantStartExecution(fn);
        machines[child.workflow].grantExecution(fn, ...child.reads);
      }
      if (decl.family === 'Distributions') {
        // reconcile settles records whose claiming execution ended: it asks how it ended, and
        // reads origin buckets' tags (the S3 read actions are the family's already).
        for (const machine of Object.values(machines)) {
          machine.grantExecution(fn, 'states:DescribeExecution', 'states:GetExecutionHistory');
        }
        // Distribution workflows hand the edge functions they let go of to retire-edge-function.
        machines['retire-edge-function'].grantStartExecution(fn);
        // Lambda@Edge: cfm's functions, passing the edge role only, and the service-linked role
        // CloudFront's replication needs the first time.
        fn.addToRolePolicy(new iam.PolicyStatement({
          actions: LAMBDA_EDGE_ACTIONS,
          resources: [`arn:${Aws.PARTITION}:lambda:${GLOBAL_REGION}:${Aws.ACCOUNT_ID}:function:cfm-*`],
        }));
        edgeRole.grantPassRole(fn.grantPrincipal);
        fn.addToRolePolicy(new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [
            `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/replicator.lambda.amazonaws.com/AWSServiceRoleForLambdaReplicator`,
            `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/logger.cloudfront.amazonaws.com/AWSServiceRoleForCloudFrontLogger`,
          ],
        }));
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: IDENTITY_ACTIONS, resources: [this.cloudfrontArn('origin-access-identity/*')] }));
      }
      workers.push(fn);
    }
    const projector = worker('HistoryWorker', history.queue.queueUrl, history.dlq.queueUrl, { CFM_WORKER: 'history' });
    projector.addEventSource(new SqsEventSource(history.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: DEFAULT_MAX_CONCURRENCY }));
    table.grantReadWriteData(projector);
    history.dlq.grantSendMessages(projector);
    workers.push(projector);

    // --- schedules ------------------------------------------------------------------------
    const schedulerRole = new iam.Role(this, 'SchedulerRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    for (const schedule of topology.scheduled) {
      const machine = machines[schedule.workflow];
      machine.grantStartExecution(schedulerRole);
      new scheduler.CfnSchedule(this, `${pascal(schedule.workflow)}Schedule`, {
        scheduleExpression: schedule.rate,
        flexibleTimeWindow: { mode: 'OFF' },
        target: { arn: machine.stateMachineArn, roleArn: schedulerRole.roleArn, input: '{}' },
      });
    }

    // --- API: API Gateway + Cognito in front of the Rust API Lambda -------------------------
    const users = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const client = users.addClient('CliClient', { authFlows: { userPassword: true, userSrp: true }, preventUserExistenceErrors: true });
    new cognito.CfnUserPoolGroup(this, 'AdminGroup', { userPoolId: users.userPoolId, groupName: 'admin', description: 'May change resources.' });
    new cognito.CfnUserPoolGroup(this, 'ReadOnlyGroup', { userPoolId: users.userPoolId, groupName: 'read-only', description: 'May only read.' });

    const machineArns: Record<string, string> = {};
    for (const [workflow, machine] of Object.entries(machines)) machineArns[workflow] = machine.stateMachineArn;
    const api = new lambda.Function(this, 'ApiFunction', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture,
      handler: 'bootstrap',
      code: code('cfm-api'),
      timeout: Duration.seconds(29),
      memorySize: 256,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'ApiLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY }),
      environment: {
        CFM_TABLE: table.tableName,
        CFM_MACHINES: JSON.stringify(machineArns),
        CFM_EVENT_BUS: bus.eventBusName,
        CFM_COGNITO_ISSUER: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${users.userPoolId}`,
        CFM_COGNITO_CLIENT_ID: client.userPoolClientId,
        CFM_CORS_ORIGINS: (props.corsOrigins ?? []).join(','),
        // API Gateway's stage (/api) is not part of the routes.
        AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH: 'true',
        RUST_LOG: 'info',
      },
    });
    table.grantReadWriteData(api);
    bus.grantPutEventsTo(api); // template events are published by the API itself
    for (const machine of Object.values(machines)) {
      machine.grantStartExecution(api);
      machine.grantExecution(api, 'states:DescribeExecution', 'states:GetExecutionHistory');
      // GET /executions lists each machine's executions.
      machine.grant(api, 'states:ListExecutions');
    }
    // Reads and up-front checks: bucket existence, origin OAC state, certificates, live status,
    // policy names.
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketTagging'], resources: ['arn:aws:s3:::*'] }));
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudfront:GetDistribution'], resources: [this.cloudfrontArn('distribution/*')] }));
    // GET /edge-functions/{id} says whether a Lambda@Edge function's version is published.
    api.addToRolePolicy(new iam.PolicyStatement({
      actions: ['lambda:ListVersionsByFunction'],
      resources: [`arn:${Aws.PARTITION}:lambda:${GLOBAL_REGION}:${Aws.ACCOUNT_ID}:function:cfm-*`],
    }));
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['acm:DescribeCertificate'], resources: [this.acmArn()] }));
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['acm:ListCertificates', ...POLICY_LIST_ACTIONS], resources: ['*'] }));
    // GET /distributions/{id}/metrics (CloudWatch does not scope GetMetricData to a resource).
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));

    const rest = new apigw.LambdaRestApi(this, 'Api', {
      handler: api,
      proxy: true,
      deployOptions: { stageName: 'api', tracingEnabled: true, metricsEnabled: true },
      defaultMethodOptions: {
        authorizationType: apigw.AuthorizationType.COGNITO,
        authorizer: new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [users] }),
      },
      // Browsers send preflights without a token: API Gateway answers them (no authorizer).
      defaultCorsPreflightOptions: props.corsOrigins?.length
        ? {
            allowOrigins: props.corsOrigins,
            allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
            allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id'],
            maxAge: Duration.minutes(10),
          }
        : undefined,
    });
    // Served without a token: the OpenAPI document (for integrators before they have one) and
    // the console's files (its script calls the API with the user's token).
    // (A proxying API refuses addResource on its root; Resources made beside it are allowed.)
    const open = (parent: apigw.IResource, pathPart: string, id: string) => {
      const resource = new apigw.Resource(this, id, { parent, pathPart });
      resource.addMethod('GET', new apigw.LambdaIntegration(api), { authorizationType: apigw.AuthorizationType.NONE });
      return resource;
    };
    open(rest.root, 'openapi.json', 'OpenApiDocument');
    const consolePage = open(rest.root, 'console', 'ConsolePage');
    open(consolePage, 'console.js', 'ConsoleScript');
    open(consolePage, 'console.css', 'ConsoleStyle');

    // --- alarms and dashboard ---------------------------------------------------------------
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${this.stackName}-cfm` });
    for (const [workflow, machine] of Object.entries(machines)) {
      new cloudwatch.Alarm(this, `${pascal(workflow)}FailedAlarm`, {
        alarmDescription: `${workflow} executions failed`,
        metric: machine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const dlqs = [...families.map((f) => f.dlq), history.dlq, ruleDlq];
    for (const dlq of dlqs) {
      new cloudwatch.Alarm(this, `${dlq.node.id}Alarm`, {
        alarmDescription: `messages in ${dlq.node.id}`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    new cloudwatch.Alarm(this, 'Api5xxAlarm', {
      alarmDescription: 'API answered 5xx',
      metric: rest.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions',
        left: Object.values(machines).flatMap((m) => [m.metricStarted(), m.metricSucceeded(), m.metricFailed()]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Task latency (worker duration p90)', left: workers.map((w) => w.metricDuration({ statistic: 'p90' })), width: 12 }),
      new cloudwatch.GraphWidget({ title: 'DLQ depth', left: dlqs.map((q) => q.metricApproximateNumberOfMessagesVisible()), width: 12 }),
    );

    new CfnOutput(this, 'ApiUrl', { value: rest.url });
    new CfnOutput(this, 'UserPoolId', { value: users.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
  }

  private cloudfrontArn(resource: string): string {
    return `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:${resource}`;
  }

  private acmArn(): string {
    return `arn:${Aws.PARTITION}:acm:${GLOBAL_REGION}:${Aws.ACCOUNT_ID}:certificate/*`;
  }

  /** Grants a family exactly the S3, CloudFront and ACM actions its tasks call. */
  private grantFamilyActions(fn: lambda.Function, family: string) {
    const actions = FAMILY_ACTIONS[family];
    if (!actions) throw new Error(`no IAM actions declared for worker family ${family}`);
    // Origin bucket names are chosen by users, so buckets are addressed by ARN pattern.
    if (actions.s3.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: actions.s3, resources: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'] }));
    const cloudfrontResources = family === 'Origins' ? [this.cloudfrontArn('origin-access-control/*')] : [this.cloudfrontArn('distribution/*')];
    if (actions.cloudfront.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: actions.cloudfront, resources: cloudfrontResources }));
    const distributionActions = FAMILY_DISTRIBUTION_ACTIONS[family] ?? [];
    if (distributionActions.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: distributionActions, resources: [this.cloudfrontArn('distribution/*')] }));
    if (family === 'Distributions') {
      const policies = [this.cloudfrontArn('cache-policy/*'), this.cloudfrontArn('origin-request-policy/*')];
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: POLICY_ACTIONS, resources: policies }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: FUNCTION_ACTIONS, resources: [this.cloudfrontArn('function/cfm-*')] }));
    }
    if (FAMILY_LIST_ACTIONS[family].length) fn.addToRolePolicy(new iam.PolicyStatement({ actions: FAMILY_LIST_ACTIONS[family], resources: ['*'] }));
    if (actions.acm) fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['acm:DescribeCertificate'], resources: [this.acmArn()] }));
    if (family === 'Distributions') {
      // Alias records: only A/AAAA, upserted or deleted (the worker changes only aliases to its own distributions).
      const zones = [`arn:${Aws.PARTITION}:route53:::hostedzone/*`];
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['route53:ListResourceRecordSets'], resources: zones }));
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets'],
        resources: zones,
        conditions: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA'], 'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'] },
        },
      }));
      // The 5xx alarm cfm keeps per distribution (CloudFront's metrics live in us-east-1).
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'],
        resources: [`arn:${Aws.PARTITION}:cloudwatch:us-east-1:${Aws.ACCOUNT_ID}:alarm:cfm-*`],
      }));
    }
    if (family === 'Certificates') {
      // DNS validation: only UPSERTs of CNAME records, in the account's hosted zones.
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [`arn:${Aws.PARTITION}:route53:::hostedzone/*`],
        conditions: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'], 'route53:ChangeResourceRecordSetsActions': ['UPSERT'] },
        },
      }));
    }
  }
}
