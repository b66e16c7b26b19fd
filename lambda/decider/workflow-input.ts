import { parseBoundedJson } from '../workflow/bounded-json.js';
import type { Json, JsonObject, WorkflowDefinition } from '../workflow/types.js';

/** What a resumed run's input carries (see the `resume` operation). */
export interface ResumeRequest {
  fromStep: string;
  previousResults: Record<string, Json>;
  sourceRunId?: string;
  /** The first run of the resume chain: it owns the effects this run may undo. */
  lineageId?: string;
}

export type ParsedInput =
  | { input: JsonObject; resume?: ResumeRequest }
  | { error: string; reason: 'InvalidInput' | 'InvalidResume' };

/** The workflow input is a JSON object; a `resume` block names a known step and carries earlier results. */
export function parseWorkflowInput(raw: string | undefined, workflow: WorkflowDefinition): ParsedInput {
  let value: unknown = {};
  if (raw !== undefined && raw !== '') {
    const parsed = parseBoundedJson(raw);
    if (!parsed.ok)
      return { reason: 'InvalidInput', error: `The workflow input cannot be read: ${parsed.error}` };
    value = parsed.value;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { reason: 'InvalidInput', error: 'The workflow input must be a JSON object' };
  }
  const { resume, ...input } = value as JsonObject;
  if (resume === undefined) return { input };
  const stepNames = workflow.steps.map((step) => step.name);
  const request = resume as Partial<ResumeRequest> | null;
  if (!request || typeof request !== 'object' || typeof request.fromStep !== 'string') {
    return {
      reason: 'InvalidResume',
      error: `resume.fromStep is required; valid steps: ${stepNames.join(', ')}`,
    };
  }
  if (!stepNames.includes(request.fromStep)) {
    return {
      reason: 'InvalidResume',
      error: `resume.fromStep "${request.fromStep.slice(0, 64)}" is not a step of ${workflow.name}@${workflow.version}; valid steps: ${stepNames.join(', ')}`,
    };
  }
  const previous = request.previousResults;
  if (
    previous !== undefined &&
    (typeof previous !== 'object' || previous === null || Array.isArray(previous))
  ) {
    return { reason: 'InvalidResume', error: 'resume.previousResults must be an object of step results' };
  }
  return {
    input,
    resume: {
      fromStep: request.fromStep,
      previousResults: (previous ?? {}) as Record<string, Json>,
      ...(typeof request.sourceRunId === 'string' ? { sourceRunId: request.sourceRunId } : {}),
      ...(typeof request.lineageId === 'string' ? { lineageId: request.lineageId } : {}),
    },
  };
}
