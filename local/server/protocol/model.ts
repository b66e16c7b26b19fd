import { readFileSync } from 'node:fs';
import { validation } from './faults.js';

interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'boolean'
    | 'timestamp'
    | 'double'
    | 'float';
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  min?: number;
  max?: number;
  enum?: string[];
  exception?: boolean;
}

interface Model {
  source: string;
  metadata: { targetPrefix: string };
  operations: Record<string, { input?: string; output?: string; errors: string[] }>;
  shapes: Record<string, Shape>;
}

/** The SWF API model (from botocore), used to validate every request as the service does. */
export const swfModel: Model = JSON.parse(
  readFileSync(new URL('./swf-model.json', import.meta.url), 'utf8'),
) as Model;

export const OPERATIONS = Object.keys(swfModel.operations);

const MAX_PROBLEMS = 10;

/**
 * Checks a request body against the operation's input shape: required members, types, lengths, ranges and
 * enums. Throws a `ValidationException` worded like SWF's ("1 validation error detected: Value null at
 * 'taskList.name' failed to satisfy constraint: Member must not be null").
 */
export function validateInput(operation: string, body: unknown): void {
  const inputShape = Object.hasOwn(swfModel.operations, operation)
    ? swfModel.operations[operation]?.input
    : undefined;
  if (!inputShape) return;
  const problems: string[] = [];
  checkShape(inputShape, body, '', problems, true);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    throw validation(
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${shown.join('; ')}`,
    );
  }
}

/** A value for a message: never more than 64 characters of it, and never a walk over an unbounded structure. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? `[a list of ${value.length}]`
        : typeof value === 'object'
          ? '{an object}'
          : String(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
}

/**
 * The API reference's rule for names, versions, ids and task lists: no leading or trailing whitespace, no `:`,
 * `/`, `|` or control characters (\u0000-\u001f, \u007f-\u009f), and not the literal string `arn`.
 */
const NAMED_SHAPES = new Set([
  'DomainName',
  'Name',
  'Version',
  'WorkflowId',
  'ActivityId',
  'TimerId',
  'MarkerName',
]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the API reference forbids exactly these characters
const FORBIDDEN_IN_NAMES = /[:/|\u0000-\u001f\u007f-\u009f]/;
function nameProblem(value: string): string | undefined {
  if (value !== value.trim()) return 'Member must not start or end with whitespace';
  if (FORBIDDEN_IN_NAMES.test(value))
    return 'Member must not contain a colon, slash, vertical bar or control characters';
  if (value === 'arn') return 'Member must not be the literal string arn';
  return undefined;
}

/** Durations are whole seconds as decimal digits; the optional ones may also be NONE. */
const DURATION_SHAPES: Record<string, boolean> = {
  DurationInSeconds: false,
  DurationInSecondsOptional: true,
};

function checkShape(shapeName: string, value: unknown, path: string, problems: string[], root = false): void {
  const shape = Object.hasOwn(swfModel.shapes, shapeName) ? swfModel.shapes[shapeName] : undefined;
  if (!shape || problems.length >= MAX_PROBLEMS * 2) return;
  const at = (message: string) =>
    problems.push(`Value ${describe(value)} at '${path}' failed to satisfy constraint: ${message}`);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        if (root) problems.push('The request body must be a JSON object');
        else at('Member must be a structure');
        return;
      }
      const record = value as Record<string, unknown>;
      for (const required of shape.required ?? []) {
        if (record[required] === undefined || record[required] === null) {
          problems.push(
            `Value null at '${path ? `${path}.` : ''}${required}' failed to satisfy constraint: Member must not be null`,
          );
        }
      }
      for (const [key, member] of Object.entries(shape.members ?? {})) {
        const child = record[key];
        if (child === undefined || child === null) continue;
        checkShape(member.shape, child, path ? `${path}.${key}` : key, problems);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void at('Member must be a list');
      if (shape.min !== undefined && value.length < shape.min)
        at(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        at(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((item, index) => {
        checkShape(shape.member?.shape ?? '', item, `${path}.${index + 1}.member`, problems);
      });
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void at('Member must be a string');
      if (shape.min !== undefined && value.length < shape.min)
        at(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        at(`Member must have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value))
        at(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (NAMED_SHAPES.has(shapeName)) {
        const problem = nameProblem(value);
        if (problem) at(problem);
      }
      if (
        shapeName in DURATION_SHAPES &&
        !/^\d+$/.test(value) &&
        !(DURATION_SHAPES[shapeName] && value === 'NONE')
      )
        at(
          `Member must be a whole number of seconds in decimal digits${DURATION_SHAPES[shapeName] ? ' or NONE' : ''}`,
        );
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void at('Member must be an integer');
      if (shape.min !== undefined && value < shape.min)
        at(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        at(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') at('Member must be a boolean');
      return;
    case 'timestamp':
      if (typeof value !== 'number' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
        at('Member must be a timestamp (epoch seconds)');
      }
      return;
    default:
      return;
  }
}

/** Epoch milliseconds of a request timestamp (epoch seconds as a number, or an ISO string). */
export function timestampMs(value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  return Date.parse(String(value));
}
