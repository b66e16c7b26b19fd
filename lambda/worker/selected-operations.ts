import * as S from '@aws-sdk/client-swf';
import { checkCallerInput } from '../workflow/caller-input.js';
import {
  actOne,
  type BulkActionRow,
  type BulkOptions,
  type BulkResumeRow,
  pacer,
  resumeOne,
} from './bulk-operations.js';
import type { OperationsContext } from './operations.js';

/**
 * A bulk action on runs picked by hand (the console's selection), with the same rules as the filtered
 * commands: resume takes failed runs only (from the step each failed at, skipping those with a newer run);
 * cancel and terminate take open runs only. Each run gets a row; one refusal never stops the others.
 */
export async function actOnSelected(
  context: OperationsContext,
  action: 'resume' | 'cancel' | 'terminate',
  runs: { workflowId: string; runId: string }[],
  options: BulkOptions = {},
): Promise<(BulkResumeRow | BulkActionRow)[]> {
  checkCallerInput({ reason: options.reason });
  const pace = pacer(options.maxPerSecond);
  const rows: (BulkResumeRow | BulkActionRow)[] = [];
  for (const ref of runs) {
    let info: S.WorkflowExecutionInfo | undefined;
    try {
      info = (
        await context.swf.send(
          new S.DescribeWorkflowExecutionCommand({ domain: context.config.domain, execution: ref }),
        )
      ).executionInfo;
    } catch (error) {
      rows.push({
        ...ref,
        outcome: 'error',
        detail: `${(error as Error).name}: ${(error as Error).message}`,
      });
      continue;
    }
    const status = info?.executionStatus === 'OPEN' ? 'OPEN' : (info?.closeStatus ?? 'CLOSED');
    if (action === 'resume') {
      if (status !== 'FAILED') {
        rows.push({
          ...ref,
          outcome: 'skipped',
          detail: `not failed (${status}): resume it from its own page`,
        });
        continue;
      }
      rows.push(
        (await resumeOne(context, info as S.WorkflowExecutionInfo, {}, options, pace)) as BulkResumeRow,
      );
    } else if (status !== 'OPEN') {
      rows.push({ ...ref, outcome: 'error', detail: `already closed (${status})` });
    } else {
      rows.push(await actOne(context, info as S.WorkflowExecutionInfo, action, options, pace));
    }
  }
  return rows;
}
