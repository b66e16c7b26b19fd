import { Duration, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { durationSeconds } from '../../lambda/workflow/durations.js';
import type { Catalog, WorkflowConfig } from '../../lambda/workflow/index.js';
import { OrderFunction } from '../function-defaults.js';
import { IAM_LIMITS, policyCharacters } from '../iam-limits.js';
import { domainArns } from '../swf-arns.js';
import { scheduleEveryMinute } from './schedule.js';

export interface PollersProps {
  catalog: Catalog;
  config: WorkflowConfig;
  environment: Record<string, string>;
  concurrency: number;
  timeoutMinutes: number;
  reservedConcurrency: number;
}

/** SWF's long-poll hold, plus room to respond and flush logs and metrics. */
export const POLL_HOLD_SECONDS = 60;
export const MARGIN_SECONDS = 10;

/**
 * The decisions the decider emits: each one is authorised as its own IAM pseudo-action. ScheduleActivityTask is
 * granted apart, per activity type of the catalog (name, version and task list conditions).
 */
export const DECIDER_DECISIONS = [
  // The verdict on a resumed run's resume block, recorded once (see lambda/decider/resume-verdict.ts).
  'swf:RecordMarker',
  'swf:RequestCancelActivityTask',
  'swf:StartTimer',
  'swf:CancelTimer',
  'swf:CompleteWorkflowExecution',
  'swf:FailWorkflowExecution',
  'swf:CancelWorkflowExecution',
];

/**
 * ScheduleActivityTask for exactly the catalog's activity types, one statement per version and task list
 * (StringEquals with a list of names matches any of them), packed into as few managed policies as IAM's 6,144
 * characters allow.
 */
export function catalogScheduleGrants(
  catalog: Catalog,
  stack: Stack,
  domain: string[],
): iam.PolicyStatement[][] {
  const groups = new Map<string, { version: string; taskList: string; names: string[] }>();
  for (const activity of catalog.activityTypes()) {
    const key = JSON.stringify([activity.version, activity.taskList]);
    const group = groups.get(key) ?? { version: activity.version, taskList: activity.taskList, names: [] };
    group.names.push(activity.name);
    groups.set(key, group);
  }
  const policies: iam.PolicyStatement[][] = [[]];
  // The document's own envelope ({"Version":"2012-10-17","Statement":[…]}) and a margin for the separators.
  let size = 64;
  for (const group of groups.values()) {
    const statement = new iam.PolicyStatement({
      actions: ['swf:ScheduleActivityTask'],
      resources: domain,
      conditions: {
        StringEquals: {
          'swf:activityType.name': group.names.length === 1 ? group.names[0] : [...group.names].sort(),
          'swf:activityType.version': group.version,
          'swf:taskList.name': group.taskList,
        },
      },
    });
    const characters = policyCharacters(stack.resolve(statement.toStatementJson()));
    if (size + characters > IAM_LIMITS.managedPolicyCharacters && (policies.at(-1)?.length ?? 0) > 0) {
      policies.push([]);
      size = 64;
    }
    policies.at(-1)?.push(statement);
    size += characters + 1;
  }
  return policies;
}

/**
 * Refuses to synthesize pollers whose tasks could not finish inside one invocation: every activity's
 * start-to-close timeout (and the decision timeout), plus the 60 s poll and a margin, must fit the Lambda timeout.
 */
export function checkTimeoutsFit(catalog: Catalog, timeoutMinutes: number): void {
  const limit = timeoutMinutes * 60;
  const tasks = [
    ...catalog.activityTypes().map((a) => ({
      what: `activity ${a.name}@${a.version}`,
      seconds: durationSeconds(a.timeouts.startToClose),
    })),
    ...catalog.workflows.map((w) => ({
      what: `decision of ${w.name}@${w.version}`,
      seconds: durationSeconds(w.taskStartToCloseTimeout),
    })),
  ];
  const misfits = tasks.filter(
    (t) => !Number.isFinite(t.seconds) || t.seconds + POLL_HOLD_SECONDS + MARGIN_SECONDS > limit,
  );
  if (misfits.length > 0) {
    throw new Error(
      `Poller timeout of ${timeoutMinutes} min is too short: ${misfits
        .map(
          (t) =>
            `${t.what} needs ${Number.isFinite(t.seconds) ? `${t.seconds}s` : 'an unbounded time ("NONE")'} + ${POLL_HOLD_SECONDS}s poll + ${MARGIN_SECONDS}s margin`,
        )
        .join('; ')}. Raise -c pollerTimeoutMinutes (at most 15) or shorten the timeouts in the catalog.`,
    );
  }
}

/**
 * The decider and the activity worker: Lambda functions invoked every minute by EventBridge. Each invocation
 * polls until its deadline rule stops it, so pollers stay alive between ticks.
 */
export class Pollers extends Construct {
  readonly decider: OrderFunction;
  readonly activityWorker: OrderFunction;
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: PollersProps) {
    super(scope, id);
    checkTimeoutsFit(props.catalog, props.timeoutMinutes);
    const stack = Stack.of(this);
    const domain = domainArns(stack, props.config.domain);
    const timeout = Duration.minutes(props.timeoutMinutes);

    this.decider = new OrderFunction(this, 'Decider', {
      handler: 'decider',
      reservedConcurrentExecutions: props.reservedConcurrency > 0 ? props.reservedConcurrency : undefined,
      description: 'Polls SWF decision tasks and decides the next steps of order workflows',
      timeout,
      memorySize: 256,
      environment: props.environment,
    });
    this.decider.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PollItsTaskList',
        actions: ['swf:PollForDecisionTask'],
        resources: domain,
        conditions: { StringEquals: { 'swf:taskList.name': props.config.decisionTaskList } },
      }),
    );
    this.decider.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RespondAndDecide',
        actions: ['swf:RespondDecisionTaskCompleted', ...DECIDER_DECISIONS],
        resources: domain,
      }),
    );
    // A resumed run's resume block is checked against its source run (same domain) before it may touch effects.
    this.decider.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CheckResumeSources',
        actions: ['swf:DescribeWorkflowExecution', 'swf:GetWorkflowExecutionHistory'],
        resources: domain,
      }),
    );
    // Only the catalog's activity types, on their own task lists: a change to the catalog changes the grant. The
    // grants grow with the catalog, so they live in managed policies of their own (6,144 characters each), not
    // in the role's inline policies (10,240 in all); checkIamLimits refuses a catalog that outgrows them.
    for (const [i, statements] of catalogScheduleGrants(props.catalog, stack, domain).entries()) {
      new iam.ManagedPolicy(this, i === 0 ? 'DeciderCatalog' : `DeciderCatalog${i + 1}`, {
        description: `The activity types of the catalog the decider may schedule (part ${i + 1})`,
        statements,
        roles: [this.decider.role],
      });
    }

    this.activityWorker = new OrderFunction(this, 'ActivityWorker', {
      handler: 'activity-worker',
      reservedConcurrentExecutions: props.reservedConcurrency > 0 ? props.reservedConcurrency : undefined,
      description: 'Polls SWF activity tasks and runs the order activities',
      timeout,
      memorySize: 256,
      environment: props.environment,
    });
    this.activityWorker.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PollItsTaskList',
        actions: ['swf:PollForActivityTask'],
        resources: domain,
        conditions: { StringEquals: { 'swf:taskList.name': props.config.activityTaskList } },
      }),
    );
    this.activityWorker.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RespondAndHeartbeat',
        actions: [
          'swf:RespondActivityTaskCompleted',
          'swf:RespondActivityTaskFailed',
          'swf:RespondActivityTaskCanceled',
          'swf:RecordActivityTaskHeartbeat',
        ],
        resources: domain,
      }),
    );

    for (const [name, poller] of [
      ['Decider', this.decider],
      ['ActivityWorker', this.activityWorker],
    ] as const) {
      this.rules.push(
        scheduleEveryMinute(this, `${name}Schedule`, poller.fn, {
          description: `Invokes ${props.concurrency} ${name} poller(s) every minute`,
          copies: props.concurrency,
        }),
      );
    }
  }
}
