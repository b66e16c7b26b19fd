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

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
}

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
