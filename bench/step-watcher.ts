import { silentTelemetry, type WorkerTelemetry } from '../lambda/worker/telemetry.js';

/**
 * Telemetry for one worker loop that reports progress: `step()` for each activity completed, `closed(workflowId)`
 * when a decision completes a run. Keys are per task, so each loop gets its own watcher.
 */
export function stepWatcher(step: () => void, closed: (workflowId: string) => void): WorkerTelemetry {
  let keys: Record<string, unknown> = {};
  return {
    ...silentTelemetry,
    appendKeys: (more) => {
      keys = { ...keys, ...more };
    },
    resetKeys: () => {
      keys = {};
    },
    info: (message, fields) => {
      if (message === 'activity completed') step();
      const decisions = (fields?.decisions ?? []) as string[];
      if (decisions.includes('CompleteWorkflowExecution')) closed(String(keys.workflowId));
    },
  };
}
