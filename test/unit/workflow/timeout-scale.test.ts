import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lambda/workflow/index.js';
import { buildCatalog } from '../../../lambda/workflow/modules.js';

describe('SWF_TIMEOUT_SCALE', () => {
  it('scales every order timeout and versions the activity types, since SWF types are immutable', () => {
    const catalog = buildCatalog(loadConfig({ SWF_TIMEOUT_SCALE: '0.1' }));
    expect(catalog.workflows[0]).toMatchObject({
      executionStartToCloseTimeout: '360',
      taskStartToCloseTimeout: '3',
    });
    expect(catalog.activity('ProcessData', '1-x0.1')?.timeouts).toEqual({
      scheduleToStart: '30',
      scheduleToClose: '60',
      startToClose: '30',
      heartbeat: '3',
    });
    expect(catalog.activity('ProcessData', '1')).toBeUndefined();
    expect(buildCatalog(loadConfig({})).activity('ProcessData', '1')?.timeouts.startToClose).toBe('300');
    expect(() => loadConfig({ SWF_TIMEOUT_SCALE: '3' })).toThrow(/SWF_TIMEOUT_SCALE/);
  });
});
