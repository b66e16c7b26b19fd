/** An error the server answers with HTTP 400 and a `__type` the AWS SDKs map to a named exception. */
export class SwfFault extends Error {
  constructor(
    /** The fault name, e.g. `UnknownResourceFault`. */
    readonly fault: string,
    message: string,
    /** The namespace SWF uses for this fault. */
    readonly namespace = 'com.amazonaws.swf.base.model',
    readonly status = 400,
  ) {
    super(message);
    this.name = fault;
  }

  get type(): string {
    return `${this.namespace}#${this.fault}`;
  }
}

export const unknownResource = (message: string) => new SwfFault('UnknownResourceFault', message);
export const validation = (message: string) =>
  new SwfFault('ValidationException', message, 'com.amazon.coral.validate');
export const serialization = (message: string) =>
  new SwfFault('SerializationException', message, 'com.amazon.coral.service');
export const unknownOperation = (message: string) =>
  new SwfFault('UnknownOperationException', message, 'com.amazon.coral.service');

export const unknownDomain = (domain: string) => unknownResource(`Unknown domain: ${domain}`);
export const unknownType = (kind: 'ActivityType' | 'WorkflowType', name: string, version: string) =>
  unknownResource(`Unknown type: ${kind}=[name=${name}, version=${version}]`);
export const unknownExecution = (workflowId: string, runId?: string) =>
  unknownResource(
    runId === undefined
      ? `Unknown execution, workflowId = ${workflowId}`
      : `Unknown execution: WorkflowExecution=[workflowId=${workflowId}, runId=${runId}]`,
  );
