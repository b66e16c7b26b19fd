import { defineCatalog } from '../../lambda/workflow/catalog.js';
import type { ActivityFunction } from '../../lambda/workflow/types.js';

/**
 * A catalog of one workflow whose steps are these activities, each named as its step (version 1, task list
 * `activities`); `heartbeatTimeouts` gives some of them a heartbeat timeout.
 */
export function activitiesCatalog(
  activities: Record<string, ActivityFunction>,
  options: { heartbeatTimeouts?: Record<string, string> } = {},
) {
  return defineCatalog({
    domain: { name: 'activities-domain', retentionDays: 1 },
    workflows: [
      {
        name: 'Activities',
        version: '1',
        taskList: 'decisions',
        executionStartToCloseTimeout: '600',
        taskStartToCloseTimeout: '10',
        defaults: { activityTaskList: 'activities' },
        steps: Object.entries(activities).map(([name, run]) => {
          const heartbeat = options.heartbeatTimeouts?.[name];
          return { name, activity: { run, ...(heartbeat ? { timeouts: { heartbeat } } : {}) } };
        }),
      },
    ],
  });
}
