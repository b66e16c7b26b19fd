import * as S from '@aws-sdk/client-swf';
import type { Catalog } from '../workflow/module.js';
import type { ActivityType, WorkflowDefinition } from '../workflow/types.js';
import { errorName } from './errors.js';

export type RegistrationAction = 'created' | 'existing' | 'undeprecated';

export interface RegistrationReport {
  domain: { name: string; action: RegistrationAction };
  workflowTypes: { name: string; version: string; action: RegistrationAction }[];
  activityTypes: { name: string; version: string; action: RegistrationAction }[];
  /**
   * What the catalog asks for and SWF cannot do: types already registered with other defaults (types are
   * immutable, so those need a new version), or a new retention for an existing domain.
   */
  warnings: string[];
}

const isUnknown = (error: unknown) => errorName(error) === 'UnknownResourceFault';
const alreadyExists = (error: unknown) =>
  ['DomainAlreadyExistsFault', 'TypeAlreadyExistsFault'].includes(errorName(error));

/**
 * Registers the domain and every workflow and activity type of the catalog. Idempotent: what exists is left
 * alone, and what is deprecated is undeprecated (SWF's register calls would otherwise fail on it, and a
 * deprecated domain or type cannot start work). Shared by `swfctl register` and the CDK custom resource.
 */
export async function registerCatalog(swf: S.SWFClient, catalog: Catalog): Promise<RegistrationReport> {
  const report: RegistrationReport = {
    domain: { name: catalog.domain.name, action: 'existing' },
    workflowTypes: [],
    activityTypes: [],
    warnings: [],
  };
  const domain = catalog.domain.name;
  try {
    const described = await swf.send(new S.DescribeDomainCommand({ name: domain }));
    const retention = described.configuration?.workflowExecutionRetentionPeriodInDays;
    if (retention !== undefined && retention !== String(catalog.domain.retentionDays)) {
      report.warnings.push(
        `domain ${domain} keeps ${retention} days of retention: SWF cannot change an existing domain's retention (the catalog says ${catalog.domain.retentionDays}); set it back to ${retention}, or use a new domain (a new stage)`,
      );
    }
    if (described.domainInfo?.status === 'DEPRECATED') {
      await swf.send(new S.UndeprecateDomainCommand({ name: domain }));
      report.domain.action = 'undeprecated';
    }
  } catch (error) {
    if (!isUnknown(error)) throw error;
    try {
      await swf.send(
        new S.RegisterDomainCommand({
          name: domain,
          description: catalog.domain.description || undefined,
          workflowExecutionRetentionPeriodInDays: String(catalog.domain.retentionDays),
        }),
      );
      report.domain.action = 'created';
    } catch (raced) {
      if (!alreadyExists(raced)) throw raced;
    }
  }
  for (const workflow of catalog.workflows) {
    report.workflowTypes.push({
      name: workflow.name,
      version: workflow.version,
      action: await ensureWorkflowType(swf, domain, workflow, report),
    });
  }
  for (const activity of catalog.activityTypes()) {
    report.activityTypes.push({
      name: activity.name,
      version: activity.version,
      action: await ensureActivityType(swf, domain, activity, report),
    });
  }
  return report;
}

type TypeDescription = { typeInfo?: { status?: string }; configuration?: object };

/** Registers one type unless it exists; undeprecates it if deprecated; warns if its defaults differ. */
async function ensureType(
  label: string,
  wanted: Record<string, unknown>,
  calls: {
    describe(): Promise<TypeDescription>;
    undeprecate(): Promise<unknown>;
    register(): Promise<unknown>;
  },
  report: RegistrationReport,
): Promise<RegistrationAction> {
  try {
    const described = await calls.describe();
    compare(label, described.configuration ?? {}, wanted, report);
    if (described.typeInfo?.status === 'DEPRECATED') {
      await calls.undeprecate();
      return 'undeprecated';
    }
    return 'existing';
  } catch (error) {
    if (!isUnknown(error)) throw error;
  }
  try {
    await calls.register();
    return 'created';
  } catch (error) {
    if (alreadyExists(error)) return 'existing';
    throw error;
  }
}

function ensureWorkflowType(
  swf: S.SWFClient,
  domain: string,
  workflow: WorkflowDefinition,
  report: RegistrationReport,
) {
  const workflowType = { name: workflow.name, version: workflow.version };
  const wanted = {
    defaultTaskList: { name: workflow.taskList },
    defaultExecutionStartToCloseTimeout: workflow.executionStartToCloseTimeout,
    defaultTaskStartToCloseTimeout: workflow.taskStartToCloseTimeout,
    defaultChildPolicy: workflow.childPolicy,
  };
  return ensureType(
    `Workflow type ${workflow.name}@${workflow.version}`,
    wanted,
    {
      describe: () => swf.send(new S.DescribeWorkflowTypeCommand({ domain, workflowType })),
      undeprecate: () => swf.send(new S.UndeprecateWorkflowTypeCommand({ domain, workflowType })),
      register: () =>
        swf.send(
          new S.RegisterWorkflowTypeCommand({
            domain,
            ...workflowType,
            description: workflow.description || undefined,
            ...wanted,
          }),
        ),
    },
    report,
  );
}

function ensureActivityType(
  swf: S.SWFClient,
  domain: string,
  activity: ActivityType,
  report: RegistrationReport,
) {
  const activityType = { name: activity.name, version: activity.version };
  const wanted = {
    defaultTaskList: { name: activity.taskList },
    defaultTaskScheduleToStartTimeout: activity.timeouts.scheduleToStart,
    defaultTaskScheduleToCloseTimeout: activity.timeouts.scheduleToClose,
    defaultTaskStartToCloseTimeout: activity.timeouts.startToClose,
    defaultTaskHeartbeatTimeout: activity.timeouts.heartbeat,
  };
  return ensureType(
    `Activity type ${activity.name}@${activity.version}`,
    wanted,
    {
      describe: () => swf.send(new S.DescribeActivityTypeCommand({ domain, activityType })),
      undeprecate: () => swf.send(new S.UndeprecateActivityTypeCommand({ domain, activityType })),
      register: () =>
        swf.send(
          new S.RegisterActivityTypeCommand({
            domain,
            ...activityType,
            description: activity.description || undefined,
            ...wanted,
          }),
        ),
    },
    report,
  );
}

function compare(
  label: string,
  registered: object,
  wanted: Record<string, unknown>,
  report: RegistrationReport,
): void {
  const have = registered as Record<string, unknown>;
  const differences = Object.entries(wanted)
    .filter(([key, value]) => JSON.stringify(have[key]) !== JSON.stringify(value))
    .map(
      ([key, value]) => `${key} is ${JSON.stringify(have[key])}, the catalog says ${JSON.stringify(value)}`,
    );
  if (differences.length > 0) {
    report.warnings.push(
      `${label} is registered with other defaults (${differences.join('; ')}); SWF types are immutable, so give it a new version`,
    );
  }
}
