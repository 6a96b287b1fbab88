// The one declaration of queues, tasks, workflows, settings and schedules
// (statemachines/topology.json), shared with the local provisioner and the ASL lint.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WorkerQueue {
  family: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  tasks: string[];
}

export interface Setting { name: string; local: string; aws: string; description: string }
export interface Schedule { workflow: string; rate: string }

export interface Topology {
  workerQueues: WorkerQueue[];
  historyQueue: WorkerQueue;
  stateMachines: string[];
  settings: Setting[];
  scheduled: Schedule[];
  references: string[];
}

export const STATEMACHINES_DIR = path.resolve(__dirname, '../../../statemachines');

export function loadTopology(): Topology {
  return JSON.parse(fs.readFileSync(path.join(STATEMACHINES_DIR, 'topology.json'), 'utf8')) as Topology;
}

export function definitionText(workflow: string): string {
  return fs.readFileSync(path.join(STATEMACHINES_DIR, `${workflow}.asl.json`), 'utf8');
}

/** The ASL placeholder naming a family's queue URL (as in statemachines/src/lib.rs). */
export function queuePlaceholder(queue: WorkerQueue): string {
  return `${queue.family}QueueUrl`;
}

/** `create-distribution` → `CreateDistribution`. */
export function pascal(name: string): string {
  return name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/** The placeholder naming a referenced workflow's ARN (as in statemachines/src/lib.rs). */
export function machinePlaceholder(workflow: string): string {
  return `${pascal(workflow)}MachineArn`;
}

/** The families whose queues a definition sends task messages to. */
export function familiesUsedBy(definition: string, topology: Topology): WorkerQueue[] {
  return topology.workerQueues.filter((q) => definition.includes('${' + queuePlaceholder(q) + '}'));
}
