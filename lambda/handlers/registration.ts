import * as S from '@aws-sdk/client-swf';
import { errorName } from '../worker/errors.js';
import { registerCatalog } from '../worker/registration.js';
import type { Catalog } from '../workflow/module.js';
import { catalog, swf, telemetry } from './function-runtime.js';

/** The catalog asks for what SWF cannot do; the message says what to change (CloudFormation shows it). */
export class RegistrationConflict extends Error {
  override name = 'RegistrationConflict';
  constructor(readonly conflicts: string[]) {
    super(`Deploy refused: ${conflicts.join('; ')}`);
  }
}

/** What the CDK Provider framework sends the onEvent handler. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties?: { RetainDomain?: string | boolean; [key: string]: unknown };
}

/**
 * Registers the catalog on create and update (the same code as `swfctl register`: idempotent, undeprecates,
 * registers new versions). On delete the domain is kept unless RetainDomain is "false", then deprecated.
 */
export async function onEvent(
  event: CustomResourceEvent,
  client: S.SWFClient = swf,
  source: Catalog = catalog,
) {
  const domain = source.domain.name;
  if (event.RequestType === 'Delete') {
    const retain = String(event.ResourceProperties?.RetainDomain ?? 'true') !== 'false';
    const target = event.PhysicalResourceId ?? domain;
    if (!retain) {
      try {
        await client.send(new S.DeprecateDomainCommand({ name: target }));
        telemetry.info('domain deprecated', { domain: target });
      } catch (error) {
        // Already deprecated or gone: the goal is met. Anything else must fail the delete visibly.
        if (!['DomainDeprecatedFault', 'UnknownResourceFault'].includes(errorName(error))) throw error;
      }
    }
    return { PhysicalResourceId: target };
  }
  const report = await registerCatalog(client, source);
  // A deploy whose catalog SWF cannot honour fails, rather than run on defaults other than the ones it declares.
  if (report.warnings.length > 0) throw new RegistrationConflict(report.warnings);
  telemetry.info('catalog registered', { ...report });
  return {
    PhysicalResourceId: domain,
    Data: {
      Domain: domain,
      DomainAction: report.domain.action,
      WorkflowTypes: report.workflowTypes.map((t) => `${t.name}@${t.version}:${t.action}`).join(','),
      ActivityTypes: report.activityTypes.map((t) => `${t.name}@${t.version}:${t.action}`).join(','),
    },
  };
}

export const handler = (event: CustomResourceEvent) => onEvent(event);
