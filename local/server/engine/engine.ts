import type { Clock } from '../clock.js';
import { SwfFault, unknownOperation } from '../protocol/faults.js';
import { OPERATIONS, validateInput } from '../protocol/model.js';
import { type Store, StoreUnavailable } from '../store/store.js';
import { Core } from './core.js';
import { respondDecisionTaskCompleted } from './decisions.js';
import * as queries from './execution-queries.js';
import * as executions from './executions.js';
import type { Input } from './input.js';
import * as registry from './registry.js';
import * as tasks from './tasks.js';
import { processDeadlines } from './timeouts.js';

type Output = Input | undefined;
/**
 * Each operation takes its SDK input shape (`Checked<Swf.XInput>`); the table holds them all, so its parameter is
 * `never`: the body reaches an operation only after `validateInput` checked it against that operation's shape.
 */
type SyncOperation = (core: Core, input: never) => unknown;
type PollOperation = (core: Core, input: never, context: tasks.PollContext) => Promise<Input>;

const SYNC_OPERATIONS: Record<string, SyncOperation> = {
  RegisterDomain: registry.registerDomain,
  DescribeDomain: registry.describeDomain,
  ListDomains: registry.listDomains,
  DeprecateDomain: registry.deprecateDomain,
  UndeprecateDomain: registry.undeprecateDomain,
  RegisterActivityType: (core, input) => registry.registerType(core, 'activity', input),
  DescribeActivityType: (core, input) => registry.describeType(core, 'activity', input),
  ListActivityTypes: (core, input) => registry.listTypes(core, 'activity', input),
  DeprecateActivityType: (core, input) => registry.deprecateType(core, 'activity', input),
  UndeprecateActivityType: (core, input) => registry.undeprecateType(core, 'activity', input),
  DeleteActivityType: (core, input) => registry.deleteType(core, 'activity', input),
  RegisterWorkflowType: (core, input) => registry.registerType(core, 'workflow', input),
  DescribeWorkflowType: (core, input) => registry.describeType(core, 'workflow', input),
  ListWorkflowTypes: (core, input) => registry.listTypes(core, 'workflow', input),
  DeprecateWorkflowType: (core, input) => registry.deprecateType(core, 'workflow', input),
  UndeprecateWorkflowType: (core, input) => registry.undeprecateType(core, 'workflow', input),
  DeleteWorkflowType: (core, input) => registry.deleteType(core, 'workflow', input),
  StartWorkflowExecution: (core, input) => {
    try {
      return { runId: executions.startExecution(core, input as executions.StartRequest).runId };
    } catch (error) {
      if (error instanceof executions.StartFailure) throw error.fault;
      throw error;
    }
  },
  DescribeWorkflowExecution: queries.describeExecution,
  GetWorkflowExecutionHistory: queries.getHistory,
  ListOpenWorkflowExecutions: (core, input) => queries.listExecutions(core, input, true),
  ListClosedWorkflowExecutions: (core, input) => queries.listExecutions(core, input, false),
  CountOpenWorkflowExecutions: (core, input) => ({
    count: queries.selectExecutions(core, input, true).length,
    truncated: false,
  }),
  CountClosedWorkflowExecutions: (core, input) => ({
    count: queries.selectExecutions(core, input, false).length,
    truncated: false,
  }),
  SignalWorkflowExecution: executions.signalExecution,
  RequestCancelWorkflowExecution: executions.requestCancel,
  TerminateWorkflowExecution: executions.terminate,
  RespondDecisionTaskCompleted: respondDecisionTaskCompleted,
  CountPendingDecisionTasks: (core, input) => tasks.countPending(core, 'decision', input),
  RespondActivityTaskCompleted: tasks.respondActivityCompleted,
  RespondActivityTaskFailed: tasks.respondActivityFailed,
  RespondActivityTaskCanceled: tasks.respondActivityCanceled,
  RecordActivityTaskHeartbeat: tasks.recordHeartbeat,
  CountPendingActivityTasks: (core, input) => tasks.countPending(core, 'activity', input),
  TagResource: registry.tagResource,
  UntagResource: registry.untagResource,
  ListTagsForResource: registry.listTags,
};

const POLL_OPERATIONS: Record<string, PollOperation> = {
  PollForDecisionTask: tasks.pollForDecisionTask,
  PollForActivityTask: tasks.pollForActivityTask,
};

/** The SWF service in one object: every operation of the API, over a store and a clock. */
export class SwfEngine {
  readonly core: Core;

  constructor(clock: Clock, store: Store, onFault: (error: unknown) => void = () => {}) {
    this.core = new Core(clock, store);
    this.core.onDeadlineFault = onFault;
    this.core.onDeadline = (execution) => processDeadlines(this.core, execution);
    this.core.armDeadlines();
    // Timeouts that fell due while the server was down fire now (the virtual clock waits to be advanced).
    if (!clock.virtual) this.core.scheduler.fireDue();
    this.core.purgeExpired();
    if (!clock.virtual) {
      this.retention = setInterval(() => {
        try {
          this.core.purgeExpired();
        } catch (error) {
          // A busy or failing disk: the next hour tries again; nothing was half-deleted (one transaction).
          this.core.onDeadlineFault(error);
        }
      }, 3_600_000);
      this.retention.unref();
    }
  }

  private retention: NodeJS.Timeout | undefined;

  /** Runs one API operation; throws `SwfFault` for anything the caller got wrong. */
  async handle(operation: string, input: unknown, poll: tasks.PollContext): Promise<Output> {
    // Own properties only: an operation named "valueOf" or "constructor" must not reach Object.prototype.
    const sync = Object.hasOwn(SYNC_OPERATIONS, operation) ? SYNC_OPERATIONS[operation] : undefined;
    const longPoll = Object.hasOwn(POLL_OPERATIONS, operation) ? POLL_OPERATIONS[operation] : undefined;
    if (!sync && !longPoll) {
      throw unknownOperation(
        `Unknown operation ${operation.slice(0, 100)}; SWF has ${OPERATIONS.length} operations`,
      );
    }
    validateInput(operation, input);
    try {
      if (longPoll) return await longPoll(this.core, input as never, poll);
      return this.core.transaction(
        () => ((sync as SyncOperation)(this.core, input as never) ?? undefined) as Output,
      );
    } catch (error) {
      if (error instanceof StoreUnavailable) throw throttled(error);
      throw error;
    }
  }

  /** Virtual clock only: moves time forward, firing every timeout and timer that falls due, each at its instant. */
  advanceClock(milliseconds: number): { now: number; fired: number } {
    if (!this.core.clock.virtual)
      throw new Error('The clock is real; start the server with --virtual-clock to move time');
    const fired = this.core.scheduler.advance(this.core.clock.now() + milliseconds);
    this.core.purgeExpired();
    return { now: this.core.clock.now(), fired };
  }

  close(): void {
    if (this.retention) clearInterval(this.retention);
    this.core.scheduler.stop();
    this.core.store.close();
  }
}

/** A write the store could not take (busy, I/O): nothing was applied, and SDKs retry a ThrottlingException. */
export function throttled(error: StoreUnavailable): SwfFault {
  return new SwfFault(
    'ThrottlingException',
    `swf-local could not write its database (${error.code}); nothing was applied, retry the request`,
    'com.amazon.coral.availability',
  );
}

export { POLL_OPERATIONS, SYNC_OPERATIONS };
