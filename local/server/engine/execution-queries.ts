import { validation } from '../protocol/faults.js';
import { timestampMs } from '../protocol/model.js';
import type { Core } from './core.js';
import { findExecution } from './executions.js';
import type { Checked, Input, Swf } from './input.js';

/** ListOpen/ListClosed/CountOpen/CountClosed: the members they share. */
type ListInput = Checked<Swf.ListClosedWorkflowExecutionsInput> & {
  startTimeFilter?: Checked<Swf.ExecutionTimeFilter>;
};

import { page } from './paging.js';
import type { ExecutionRecord } from './records.js';

export function executionInfo(execution: ExecutionRecord): Input {
  return {
    execution: { workflowId: execution.workflowId, runId: execution.runId },
    workflowType: execution.workflowType,
    startTimestamp: execution.startTimestamp / 1000,
    closeTimestamp: execution.closeTimestamp === undefined ? undefined : execution.closeTimestamp / 1000,
    executionStatus: execution.status,
    closeStatus: execution.closeStatus,
    parent: execution.parent
      ? { workflowId: execution.parent.workflowId, runId: execution.parent.runId }
      : undefined,
    tagList: execution.tagList.length > 0 ? execution.tagList : undefined,
    cancelRequested: execution.cancelRequested,
  };
}

export function describeExecution(core: Core, input: Checked<Swf.DescribeWorkflowExecutionInput>): Input {
  const execution = findExecution(core, input.domain, input.execution.workflowId, input.execution.runId);
  return {
    executionInfo: executionInfo(execution),
    executionConfiguration: {
      taskStartToCloseTimeout: execution.taskStartToCloseTimeout,
      executionStartToCloseTimeout: execution.executionStartToCloseTimeout,
      taskList: { name: execution.taskList },
      taskPriority: execution.taskPriority,
      childPolicy: execution.childPolicy,
      lambdaRole: execution.lambdaRole,
    },
    openCounts: {
      openActivityTasks: Object.keys(execution.activities).length,
      openDecisionTasks: execution.decision.state === 'none' ? 0 : 1,
      openTimers: Object.keys(execution.timers).length,
      openChildWorkflowExecutions: Object.keys(execution.children).length,
      openLambdaFunctions: 0,
    },
    latestActivityTaskTimestamp:
      execution.latestActivityTaskTimestamp === undefined
        ? undefined
        : execution.latestActivityTaskTimestamp / 1000,
    latestExecutionContext: execution.latestExecutionContext,
  };
}

export function getHistory(core: Core, input: Checked<Swf.GetWorkflowExecutionHistoryInput>): Input {
  const execution = findExecution(core, input.domain, input.execution.workflowId, input.execution.runId);
  const events = core.runs.history(execution.runId);
  const ordered = input.reverseOrder ? [...events].reverse() : events;
  const { items, nextPageToken } = page(
    core,
    `history|${execution.runId}|${Boolean(input.reverseOrder)}`,
    ordered,
    input,
  );
  return { events: items, nextPageToken };
}

/** The runIds ListOpen/ListClosed/CountOpen/CountClosed select, newest first (oldest first if reversed). */
export function selectExecutions(core: Core, input: ListInput, open: boolean): string[] {
  core.domain(input.domain);
  const filters = (['executionFilter', 'typeFilter', 'tagFilter', 'closeStatusFilter'] as const).filter(
    (f) => input[f] !== undefined,
  );
  if (filters.length > 1) {
    throw validation(
      `executionFilter, typeFilter, tagFilter and closeStatusFilter are mutually exclusive (got ${filters.join(', ')})`,
    );
  }
  let byClose = false;
  let range: Input | undefined = input.startTimeFilter;
  if (!open) {
    if ((input.startTimeFilter === undefined) === (input.closeTimeFilter === undefined)) {
      throw validation('Exactly one of startTimeFilter or closeTimeFilter must be given');
    }
    if (input.closeTimeFilter) {
      byClose = true;
      range = input.closeTimeFilter;
    }
  } else if (!range) {
    throw validation("Value null at 'startTimeFilter' failed to satisfy constraint: Member must not be null");
  }
  const oldest = timestampMs(range?.oldestDate);
  const latest = range?.latestDate === undefined ? Number.POSITIVE_INFINITY : timestampMs(range.latestDate);
  // Closed runs live on disk: the store selects them.
  if (!open) {
    return core.store.closedRunIds({
      domain: input.domain,
      byClose,
      oldest,
      latest,
      workflowId: input.executionFilter?.workflowId,
      typeName: input.typeFilter?.name,
      typeVersion: input.typeFilter?.version,
      tag: input.tagFilter?.tag,
      closeStatus: input.closeStatusFilter?.status,
      reverse: Boolean(input.reverseOrder),
    });
  }
  const result: ExecutionRecord[] = [];
  for (const execution of core.runs.values()) {
    if (execution.domain !== input.domain) continue;
    const time = execution.startTimestamp;
    if (time < oldest || time > latest) continue;
    if (input.executionFilter && execution.workflowId !== input.executionFilter.workflowId) continue;
    if (input.typeFilter) {
      if (execution.workflowType.name !== input.typeFilter.name) continue;
      if (
        input.typeFilter.version !== undefined &&
        execution.workflowType.version !== input.typeFilter.version
      )
        continue;
    }
    if (input.tagFilter && !execution.tagList.includes(input.tagFilter.tag)) continue;
    result.push(execution);
  }
  result.sort((a, b) => b.startTimestamp - a.startTimestamp || (a.runId < b.runId ? -1 : 1));
  if (input.reverseOrder) result.reverse();
  return result.map((e) => e.runId);
}

export function listExecutions(core: Core, input: ListInput, open: boolean): Input {
  const selected = selectExecutions(core, input, open);
  const scope = `list|${open}|${JSON.stringify({ ...input, nextPageToken: undefined, maximumPageSize: undefined })}`;
  const { items, nextPageToken } = page(core, scope, selected, input);
  const infos = items.flatMap((runId) => {
    const execution = core.runs.find(runId);
    return execution ? [executionInfo(execution)] : [];
  });
  return { executionInfos: infos, nextPageToken };
}
