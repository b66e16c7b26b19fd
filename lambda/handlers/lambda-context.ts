/** The parts of the Lambda context the handlers use. The local runtime adds `abortSignal` to stop them. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  /** Not in Lambda: set by the local runtime (swfctl dev) so Ctrl+C stops a running invocation gracefully. */
  abortSignal?: AbortSignal;
}

/** Who is polling, as SWF records it: the function and its request id (within SWF's 256 characters). */
export function identityOf(context: LambdaContext): string {
  return `${context.functionName}:${context.awsRequestId}`.slice(0, 256);
}
