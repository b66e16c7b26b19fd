import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS } from '../../local/cli/cost.js';
import { buildStack } from './stack-fixture.js';

const alarmsIn = (context: Record<string, unknown> = {}) =>
  Object.keys(buildStack(context).template.findResources('AWS::CloudWatch::Alarm')).length;

/** The cost model charges $0.10 a month per alarm: its count is the synthesized template's, not a hand number. */
describe('the cost model’s alarms', () => {
  it('are as many as the dev template holds', () => {
    expect(DEFAULT_INPUTS.alarms).toBe(alarmsIn());
  });

  it('follow the catalog the stack is built from', async () => {
    const { stackAlarmCount } = await import('../../lib/monitoring/alarm-count.js');
    const { buildCatalog } = await import('../../lambda/workflow/modules.js');
    const { readSettings } = await import('../../lib/settings.js');
    const { stageNames } = await import('../../lib/stage.js');
    for (const context of [{ stage: 'prod' }, { workflowVersions: 'OrderProcessing=1' }]) {
      const settings = readSettings(context);
      const catalog = buildCatalog(stageNames(settings.stage, settings).config);
      expect(stackAlarmCount(catalog), JSON.stringify(context)).toBe(alarmsIn(context));
    }
  });
});
