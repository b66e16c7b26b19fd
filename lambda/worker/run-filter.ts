import type * as S from '@aws-sdk/client-swf';
import { OperationError } from './operations.js';

/** Which runs a bulk action applies to. */
export interface RunFilter {
  /** Only runs started at or after this time. */
  since?: Date;
  /** Only runs whose failure names this step (resume-failed). */
  failedStep?: string;
  workflowType?: string;
  workflowVersion?: string;
  /** Only workflowIds starting with this. */
  prefix?: string;
}

/** Each filter by its name in the operations function and its swfctl option. */
const FILTER_NAMES = {
  prefix: 'prefix (--prefix)',
  workflowType: 'workflowType (--type)',
  workflowVersion: 'workflowVersion (--type-version)',
  failedStep: 'failedStep (--failed-step)',
} as const;

/**
 * Refuses a filter given but empty: `--prefix ""` reads as "only these", yet it tests nothing and would select
 * every run. One check for swfctl, the console and the operations function, so all say the same.
 */
export function checkRunFilter(filter: RunFilter): void {
  const empty = (Object.keys(FILTER_NAMES) as (keyof typeof FILTER_NAMES)[]).filter(
    (name) => filter[name] === '',
  );
  if (empty.length > 0)
    throw new OperationError(
      'EmptyFilter',
      `${empty.map((name) => FILTER_NAMES[name]).join(', ')} ${empty.length > 1 ? 'are' : 'is'} empty, which would select every run: leave a filter out to mean every run, or give it a value`,
    );
}

/** Whether a run passes the filter's prefix and type tests (the list calls take one filter at a time). */
export function matches(filter: RunFilter, run: S.WorkflowExecutionInfo): boolean {
  return (
    (!filter.prefix || Boolean(run.execution?.workflowId?.startsWith(filter.prefix))) &&
    (!filter.workflowType || run.workflowType?.name === filter.workflowType) &&
    (!filter.workflowVersion || run.workflowType?.version === filter.workflowVersion)
  );
}
