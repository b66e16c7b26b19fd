import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../lambda/workflow/durations.js';
import { ConfigError, loadConfig } from '../../../lambda/workflow/index.js';
import { buildCatalog } from '../../../lambda/workflow/modules.js';

describe('loadConfig', () => {
  it('has defaults for a fresh checkout', () => {
    expect(loadConfig({})).toEqual({
      domain: 'order-processing-dev',
      domainRetentionDays: 30,
      decisionTaskList: 'order-decisions',
      activityTaskList: 'order-activities',
      workflowVersion: '3',
      workflowVersions: {},
      workflowSettings: {},
      allowFailureInjection: false,
      timeoutScale: 1,
    });
  });

  it("reads a module's own settings, applies them, and refuses keys and workflows nobody reads", () => {
    const config = loadConfig({ SWF_WORKFLOW_SETTINGS: 'OrderProcessing.approvalTimeout=48h' });
    expect(config.workflowSettings).toEqual({ OrderProcessing: { approvalTimeout: '48h' } });
    const approval = (c: typeof config) =>
      buildCatalog(c)
        .workflow('OrderProcessing', '2')
        ?.flow.find((node) => node.kind === 'signal');
    expect(approval(config)).toMatchObject({ name: 'Approval', timeoutSeconds: 172_800 });
    expect(approval(loadConfig({}))).toMatchObject({ timeoutSeconds: 86_400 });

    expect(() =>
      buildCatalog(loadConfig({ SWF_WORKFLOW_SETTINGS: 'OrderProcessing.approvalTimout=1h' })),
    ).toThrow(
      /OrderProcessing has no setting approvalTimout \(it reads approvalTimeout: how long versions 2 and 3 wait/,
    );
    expect(() => buildCatalog(loadConfig({ SWF_WORKFLOW_SETTINGS: 'Refund.window=1d' }))).toThrow(
      /no workflow is named Refund \(workflows: OrderProcessing, SubscriptionRenewal\)/,
    );
    expect(() =>
      buildCatalog(loadConfig({ SWF_WORKFLOW_SETTINGS: 'OrderProcessing.approvalTimeout=soon' })),
    ).toThrow(/OrderProcessing\.approvalTimeout: cannot parse "soon" as a duration/);
    expect(() => buildCatalog(loadConfig({ SWF_WORKFLOW_VERSIONS: 'Refund=1' }))).toThrow(
      /SWF_WORKFLOW_VERSIONS names Refund, which is not a workflow/,
    );
    expect(() => loadConfig({ SWF_WORKFLOW_SETTINGS: 'approvalTimeout=1h' })).toThrow(
      /SWF_WORKFLOW_SETTINGS: must read Name\.key=value/,
    );
  });

  it('reads a version per workflow for new runs, and refuses a list it cannot read', () => {
    expect(loadConfig({ SWF_WORKFLOW_VERSIONS: 'OrderProcessing=2,Refund=1' }).workflowVersions).toEqual({
      OrderProcessing: '2',
      Refund: '1',
    });
    expect(() => loadConfig({ SWF_WORKFLOW_VERSIONS: 'OrderProcessing' })).toThrow(
      /SWF_WORKFLOW_VERSIONS: must read Name=version,Name=version/,
    );
  });

  it('reads the domain, task lists and version from the environment, and the catalog follows', () => {
    const config = loadConfig({
      SWF_DOMAIN: 'orders-prod',
      SWF_DECISION_TASK_LIST: 'prod-decisions',
      SWF_ACTIVITY_TASK_LIST: 'prod-activities',
      SWF_WORKFLOW_VERSION: '2',
      SWF_DOMAIN_RETENTION_DAYS: '7',
      SWF_ALLOW_FAILURE_INJECTION: 'true',
    });
    const catalog = buildCatalog(config);
    expect(catalog.domain.name).toBe('orders-prod');
    expect(catalog.domain.retentionDays).toBe(7);
    expect(catalog.workflow('OrderProcessing', '2')?.taskList).toBe('prod-decisions');
    expect(catalog.activityTypes().every((a) => a.taskList === 'prod-activities')).toBe(true);
    expect(config.allowFailureInjection).toBe(true);
  });

  it('names every invalid variable', () => {
    expect(() =>
      loadConfig({
        SWF_DOMAIN: 'bad:name',
        SWF_DOMAIN_RETENTION_DAYS: 'lots',
        SWF_ALLOW_FAILURE_INJECTION: 'maybe',
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ SWF_DOMAIN: 'bad:name', SWF_DOMAIN_RETENTION_DAYS: 'lots' })).toThrow(
      /SWF_DOMAIN: must not contain ":".*; SWF_DOMAIN_RETENTION_DAYS: /,
    );
  });
});

describe('parseDuration', () => {
  it.each([
    [300, '300'],
    ['300', '300'],
    ['90s', '90'],
    ['5m', '300'],
    ['2h', '7200'],
    ['1d', '86400'],
  ])('parses %j as %s seconds', (input, expected) => {
    expect(parseDuration(input, { allowNone: false })).toEqual({ ok: true, value: expected });
  });

  it('honours NONE only where allowed, and rejects nonsense and out-of-range values', () => {
    expect(parseDuration('NONE', { allowNone: true })).toEqual({ ok: true, value: 'NONE' });
    expect(parseDuration('NONE', { allowNone: false }).ok).toBe(false);
    expect(parseDuration('soon', { allowNone: true }).ok).toBe(false);
    expect(parseDuration(-5, { allowNone: true }).ok).toBe(false);
    expect(parseDuration('400d', { allowNone: true }).ok).toBe(false);
    expect(parseDuration(1.5, { allowNone: true }).ok).toBe(false);
  });
});
