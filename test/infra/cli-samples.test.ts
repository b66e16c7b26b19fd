import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from './stack-fixture.js';

const root = new URL('../../', import.meta.url).pathname;
const markdown = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdown(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );

/** Each `aws lambda invoke … --payload …` command in a text, joined across `\` line continuations. */
const invokeCommands = (text: string) =>
  text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .flatMap((line) => line.match(/aws lambda invoke[^`]*/g) ?? [])
    .filter((command) => command.includes('--payload'));

/**
 * AWS CLI v2 reads `--payload` as base64 unless told otherwise: a JSON payload needs `--cli-binary-format
 * raw-in-base64-out` (AWS CLI User Guide, "Migrating from version 1 to version 2": binary parameters).
 */
describe('sample commands', () => {
  it('in the stack outputs pass JSON payloads as AWS CLI v2 needs them', () => {
    const outputs = buildStack().template.toJSON().Outputs as Record<string, { Description?: string }>;
    const commands = Object.entries(outputs).flatMap(([name, o]) =>
      invokeCommands(o.Description ?? '').map((command) => ({ name, command })),
    );
    expect(commands.map((c) => c.name).sort()).toEqual(['OperationsFunctionName', 'StarterFunctionName']);
    for (const { name, command } of commands)
      expect(command, name).toContain('--cli-binary-format raw-in-base64-out');
  });

  it('in the README and docs/ do too', () => {
    const files = ['README.md', ...markdown('docs')];
    const commands = files.flatMap((file) =>
      invokeCommands(readFileSync(join(root, file), 'utf8')).map((command) => ({ file, command })),
    );
    expect(commands.length).toBeGreaterThan(3);
    for (const { file, command } of commands)
      expect(command, file).toContain('--cli-binary-format raw-in-base64-out');
  });
});
