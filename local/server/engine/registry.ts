import { SwfFault, unknownType, validation } from '../protocol/faults.js';
import type { Core } from './core.js';
import type { Checked, Input, Swf } from './input.js';

/** The requests that name one type: `activityType` or `workflowType`. */
type TypeRequest = {
  domain: string;
  activityType?: Checked<Swf.ActivityType>;
  workflowType?: Checked<Swf.WorkflowType>;
};

import { page } from './paging.js';
import type { DomainRecord, TypeKind, TypeRecord } from './records.js';

const TYPE_LABEL = { activity: 'ActivityType', workflow: 'WorkflowType' } as const;
const MAX_TAGS = 50;

const ACTIVITY_DEFAULTS = [
  'defaultTaskStartToCloseTimeout',
  'defaultTaskHeartbeatTimeout',
  'defaultTaskList',
  'defaultTaskPriority',
  'defaultTaskScheduleToStartTimeout',
  'defaultTaskScheduleToCloseTimeout',
];
const WORKFLOW_DEFAULTS = [
  'defaultTaskStartToCloseTimeout',
  'defaultExecutionStartToCloseTimeout',
  'defaultTaskList',
  'defaultTaskPriority',
  'defaultChildPolicy',
  'defaultLambdaRole',
];

function checkDuration(value: unknown, member: string): void {
  if (value === undefined || value === 'NONE') return;
  if (typeof value !== 'string' || !/^\d{1,8}$/.test(value)) {
    throw validation(
      `Invalid duration for ${member}: ${JSON.stringify(value)} (use a whole number of seconds or NONE)`,
    );
  }
}

export function registerDomain(core: Core, input: Checked<Swf.RegisterDomainInput>): void {
  if (core.registry.findDomain(input.name)) throw new SwfFault('DomainAlreadyExistsFault', input.name);
  const retention = input.workflowExecutionRetentionPeriodInDays;
  if (retention !== 'NONE' && !(/^\d{1,2}$/.test(retention) && Number(retention) <= 90)) {
    throw validation(`workflowExecutionRetentionPeriodInDays must be 0 to 90 or NONE (got ${retention})`);
  }
  if ((input.tags?.length ?? 0) > MAX_TAGS)
    throw new SwfFault('TooManyTagsFault', `A domain may have at most ${MAX_TAGS} tags`);
  core.registry.saveDomain({
    name: input.name,
    description: input.description,
    status: 'REGISTERED',
    retentionDays: retention,
    tags: input.tags ?? [],
  });
}

function domainInfo(core: Core, domain: DomainRecord): Input {
  return {
    name: domain.name,
    status: domain.status,
    description: domain.description,
    arn: core.domainArn(domain.name),
  };
}

export function describeDomain(core: Core, input: Checked<Swf.DescribeDomainInput>): Input {
  const domain = core.domain(input.name);
  return {
    domainInfo: domainInfo(core, domain),
    configuration: { workflowExecutionRetentionPeriodInDays: domain.retentionDays },
  };
}

export function listDomains(core: Core, input: Checked<Swf.ListDomainsInput>): Input {
  const domains = core.registry
    .domains()
    .filter((d) => d.status === input.registrationStatus)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (input.reverseOrder) domains.reverse();
  const { items, nextPageToken } = page(
    core,
    `domains|${input.registrationStatus}|${Boolean(input.reverseOrder)}`,
    domains,
    input,
  );
  return { domainInfos: items.map((d) => domainInfo(core, d)), nextPageToken };
}

export function deprecateDomain(core: Core, input: Checked<Swf.DeprecateDomainInput>): void {
  const domain = core.domain(input.name);
  if (domain.status === 'DEPRECATED') throw new SwfFault('DomainDeprecatedFault', domain.name);
  core.registry.saveDomain({ ...domain, status: 'DEPRECATED' });
  // "Deprecating a domain also deprecates all activity and workflow types registered in the domain."
  const now = core.clock.now();
  for (const type of core.registry.types()) {
    if (type.domain === domain.name && type.status === 'REGISTERED')
      core.registry.saveType({ ...type, status: 'DEPRECATED', deprecationDate: now });
  }
}

export function undeprecateDomain(core: Core, input: Checked<Swf.UndeprecateDomainInput>): void {
  const domain = core.domain(input.name);
  if (domain.status === 'REGISTERED') throw new SwfFault('DomainAlreadyExistsFault', domain.name);
  core.registry.saveDomain({ ...domain, status: 'REGISTERED' });
}

export function registerType(
  core: Core,
  kind: TypeKind,
  input: Checked<Swf.RegisterActivityTypeInput> | Checked<Swf.RegisterWorkflowTypeInput>,
): void {
  const domain = core.domain(input.domain);
  if (domain.status === 'DEPRECATED')
    throw new SwfFault('OperationNotPermittedFault', `Domain is deprecated: ${domain.name}`);
  const label = `${TYPE_LABEL[kind]}=[name=${input.name}, version=${input.version}]`;
  if (core.type(domain.name, kind, input.name, input.version))
    throw new SwfFault('TypeAlreadyExistsFault', label);
  const configuration: Input = {};
  const given = input as Record<string, unknown>;
  for (const member of kind === 'activity' ? ACTIVITY_DEFAULTS : WORKFLOW_DEFAULTS) {
    const value = given[member];
    if (value === undefined) continue;
    if (member.endsWith('Timeout')) checkDuration(value as string, member);
    configuration[member] = value;
  }
  if (kind === 'workflow' && configuration.defaultExecutionStartToCloseTimeout === 'NONE') {
    throw validation('defaultExecutionStartToCloseTimeout cannot be NONE');
  }
  core.registry.saveType({
    domain: domain.name,
    kind,
    name: input.name,
    version: input.version,
    status: 'REGISTERED',
    description: input.description,
    creationDate: core.clock.now(),
    configuration,
  });
}

function typeRef(kind: TypeKind, input: TypeRequest): { name: string; version: string } {
  const ref = kind === 'activity' ? input.activityType : input.workflowType;
  // The model requires the member each operation names; a missing one never gets this far.
  if (!ref) throw validation(`${kind}Type is required`);
  return ref;
}

function findType(core: Core, kind: TypeKind, input: TypeRequest): TypeRecord {
  core.domain(input.domain);
  const ref = typeRef(kind, input);
  const type = core.type(input.domain, kind, ref.name, ref.version);
  if (!type) throw unknownType(TYPE_LABEL[kind], ref.name, ref.version);
  return type;
}

function typeInfo(kind: TypeKind, type: TypeRecord): Input {
  return {
    [kind === 'activity' ? 'activityType' : 'workflowType']: { name: type.name, version: type.version },
    status: type.status,
    description: type.description,
    creationDate: type.creationDate / 1000,
    deprecationDate: type.deprecationDate === undefined ? undefined : type.deprecationDate / 1000,
  };
}

export function describeType(core: Core, kind: TypeKind, input: TypeRequest): Input {
  const type = findType(core, kind, input);
  return { typeInfo: typeInfo(kind, type), configuration: type.configuration };
}

export function listTypes(
  core: Core,
  kind: TypeKind,
  input: Checked<Swf.ListActivityTypesInput> | Checked<Swf.ListWorkflowTypesInput>,
): Input {
  core.domain(input.domain);
  const types = core.registry
    .types()
    .filter(
      (t) =>
        t.domain === input.domain &&
        t.kind === kind &&
        t.status === input.registrationStatus &&
        (input.name === undefined || t.name === input.name),
    )
    .sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1));
  if (input.reverseOrder) types.reverse();
  const scope = `types|${kind}|${input.domain}|${input.name ?? ''}|${input.registrationStatus}|${Boolean(input.reverseOrder)}`;
  const { items, nextPageToken } = page(core, scope, types, input);
  return { typeInfos: items.map((t) => typeInfo(kind, t)), nextPageToken };
}

export function deprecateType(core: Core, kind: TypeKind, input: TypeRequest): void {
  const type = findType(core, kind, input);
  if (type.status === 'DEPRECATED') {
    throw new SwfFault(
      'TypeDeprecatedFault',
      `${TYPE_LABEL[kind]}=[name=${type.name}, version=${type.version}]`,
    );
  }
  core.registry.saveType({ ...type, status: 'DEPRECATED', deprecationDate: core.clock.now() });
}

export function undeprecateType(core: Core, kind: TypeKind, input: TypeRequest): void {
  const type = findType(core, kind, input);
  if (type.status === 'REGISTERED') {
    throw new SwfFault(
      'TypeAlreadyExistsFault',
      `${TYPE_LABEL[kind]}=[name=${type.name}, version=${type.version}]`,
    );
  }
  core.registry.saveType({ ...type, status: 'REGISTERED', deprecationDate: undefined });
}

export function deleteType(core: Core, kind: TypeKind, input: TypeRequest): void {
  const type = findType(core, kind, input);
  if (type.status !== 'DEPRECATED') {
    throw new SwfFault(
      'TypeNotDeprecatedFault',
      `${TYPE_LABEL[kind]}=[name=${type.name}, version=${type.version}] must be deprecated before it is deleted`,
    );
  }
  core.registry.deleteType(type);
}

function domainOfArn(core: Core, arn: string): DomainRecord {
  const match = /^arn:aws[\w-]*:swf:[\w-]*:\d*:\/domain\/(.+)$/.exec(arn);
  const domain = match?.[1] ? core.registry.findDomain(match[1]) : undefined;
  if (!domain)
    throw new SwfFault(
      'UnknownResourceFault',
      `Unknown resource: ${arn} (tags apply to domains: arn:aws:swf:REGION:ACCOUNT:/domain/NAME)`,
    );
  return domain;
}

export function tagResource(core: Core, input: Checked<Swf.TagResourceInput>): void {
  const domain = domainOfArn(core, input.resourceArn);
  const tags = new Map(domain.tags.map((t) => [t.key, t]));
  for (const tag of input.tags as DomainRecord['tags']) tags.set(tag.key, tag);
  if (tags.size > MAX_TAGS)
    throw new SwfFault('TooManyTagsFault', `A domain may have at most ${MAX_TAGS} tags`);
  core.registry.saveDomain({ ...domain, tags: [...tags.values()] });
}

export function untagResource(core: Core, input: Checked<Swf.UntagResourceInput>): void {
  const domain = domainOfArn(core, input.resourceArn);
  const remove = new Set(input.tagKeys as string[]);
  core.registry.saveDomain({ ...domain, tags: domain.tags.filter((t) => !remove.has(t.key)) });
}

export function listTags(core: Core, input: Checked<Swf.ListTagsForResourceInput>): Input {
  return { tags: domainOfArn(core, input.resourceArn).tags };
}
