import * as z from 'zod';
import { ConfigError } from './errors.js';
import { swfNameProblem } from './swf-names.js';

const name = z.string().superRefine((value, context) => {
  const problem = swfNameProblem(value) ?? (/\s/.test(value) ? 'must not contain whitespace' : undefined);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The environment variables the catalog reads, with their defaults. */
export const configSchema = z.object({
  SWF_DOMAIN: name.default('order-processing-dev'),
  SWF_DOMAIN_RETENTION_DAYS: z.coerce.number().int().min(0).max(90).default(30),
  SWF_DECISION_TASK_LIST: name.default('order-decisions'),
  SWF_ACTIVITY_TASK_LIST: name.default('order-activities'),
  SWF_WORKFLOW_VERSION: name.refine((v) => v.length <= 64, 'must be at most 64 characters').default('3'),
  /** The version new runs of each workflow start on, as `Name=version,…` (overrides SWF_WORKFLOW_VERSION). */
  SWF_WORKFLOW_VERSIONS: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+)*$/,
      'must read Name=version,Name=version',
    )
    .optional(),
  /** A workflow module's own settings, as `Name.key=value,…` (each module lists the keys it reads). */
  SWF_WORKFLOW_SETTINGS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+=[^,=]+(,[A-Za-z0-9_-]+\.[A-Za-z0-9_]+=[^,=]+)*$/,
      'must read Name.key=value,Name.key=value (e.g. OrderProcessing.approvalTimeout=48h)',
    )
    .optional(),
  SWF_ALLOW_FAILURE_INJECTION: booleanFlag.default(false),
  /** Multiplies every order timeout (0.01 to 1): fast-failing test environments such as the chaos run. */
  SWF_TIMEOUT_SCALE: z.coerce.number().min(0.01).max(1).default(1),
});

/** Validated settings every part of the system shares. */
export interface WorkflowConfig {
  domain: string;
  domainRetentionDays: number;
  decisionTaskList: string;
  activityTaskList: string;
  workflowVersion: string;
  /** Per-workflow versions for new runs (SWF_WORKFLOW_VERSIONS); a workflow not named here uses its own default. */
  workflowVersions: Record<string, string>;
  /** Each workflow module's own settings (SWF_WORKFLOW_SETTINGS), by workflow name then key. */
  workflowSettings: Record<string, Record<string, string>>;
  /** Lets order inputs carry a `simulate` block; off unless explicitly enabled (demos and tests). */
  allowFailureInjection: boolean;
  /** Scales the order workflow's timeouts (1 in production). */
  timeoutScale: number;
}

/** Reads and validates the configuration from an environment map (pass `process.env` at the edge only). */
export function loadConfig(env: Record<string, string | undefined> = {}): WorkflowConfig {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    domain: c.SWF_DOMAIN,
    domainRetentionDays: c.SWF_DOMAIN_RETENTION_DAYS,
    decisionTaskList: c.SWF_DECISION_TASK_LIST,
    activityTaskList: c.SWF_ACTIVITY_TASK_LIST,
    workflowVersion: c.SWF_WORKFLOW_VERSION,
    workflowVersions: Object.fromEntries(
      (c.SWF_WORKFLOW_VERSIONS?.split(',') ?? []).map((pair) => pair.split('=') as [string, string]),
    ),
    workflowSettings: parseWorkflowSettings(c.SWF_WORKFLOW_SETTINGS),
    allowFailureInjection: c.SWF_ALLOW_FAILURE_INJECTION,
    timeoutScale: c.SWF_TIMEOUT_SCALE,
  };
}

function parseWorkflowSettings(text: string | undefined): Record<string, Record<string, string>> {
  const settings: Record<string, Record<string, string>> = {};
  for (const pair of text?.split(',') ?? []) {
    const [path = '', value = ''] = pair.split('=');
    const dot = path.indexOf('.');
    const workflow = path.slice(0, dot);
    settings[workflow] = { ...settings[workflow], [path.slice(dot + 1)]: value.trim() };
  }
  return settings;
}

/** The settings back in their environment form (the stack hands them to every function). */
export function formatWorkflowMap(config: Pick<WorkflowConfig, 'workflowVersions' | 'workflowSettings'>): {
  SWF_WORKFLOW_VERSIONS?: string;
  SWF_WORKFLOW_SETTINGS?: string;
} {
  const versions = Object.entries(config.workflowVersions).map(([name, version]) => `${name}=${version}`);
  const settings = Object.entries(config.workflowSettings).flatMap(([name, values]) =>
    Object.entries(values).map(([key, value]) => `${name}.${key}=${value}`),
  );
  return {
    ...(versions.length > 0 ? { SWF_WORKFLOW_VERSIONS: versions.join(',') } : {}),
    ...(settings.length > 0 ? { SWF_WORKFLOW_SETTINGS: settings.join(',') } : {}),
  };
}
