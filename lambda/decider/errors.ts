/** The history names a workflow type or version the catalog does not have. Poll loops log and alarm on it. */
export class UnknownWorkflowTypeError extends Error {
  override name = 'UnknownWorkflowTypeError';
  constructor(
    readonly workflowName: string,
    readonly workflowVersion: string,
    knownVersions: readonly string[],
  ) {
    super(
      `Unknown workflow type ${workflowName}@${workflowVersion}; this decider knows ${
        knownVersions.length > 0 ? knownVersions.join(', ') : 'no version of it'
      }. Deploy a decider whose catalog still has this version until its runs finish.`,
    );
  }
}

/** The history lacks what every SWF history has (a WorkflowExecutionStarted event). */
export class MalformedHistoryError extends Error {
  override name = 'MalformedHistoryError';
}
