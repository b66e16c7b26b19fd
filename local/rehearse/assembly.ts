import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Json = unknown;
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}

/** One Lambda function of the template: where its bundle is and how it is configured. */
export interface TemplateFunction {
  logicalId: string;
  bundleDir: string;
  handler: string;
  timeoutSeconds: number;
  environment: Record<string, Json>;
}

/** A synthesized stack: its template and the functions' bundles in the cloud assembly. */
export interface Assembly {
  stackName: string;
  outdir: string;
  resources: Record<string, Resource>;
  outputs: Record<string, { Value: Json }>;
  functions: Map<string, TemplateFunction>;
}

/** Reads the one stack of a cloud assembly (`cdk synth -o outdir`). */
export function readAssembly(outdir: string): Assembly {
  const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  if (templates.length !== 1)
    throw new Error(`expected one stack template in ${outdir}, found ${templates.length}`);
  const file = templates[0] as string;
  const template = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
    Resources: Record<string, Resource>;
    Outputs?: Record<string, { Value: Json }>;
  };
  const functions = new Map<string, TemplateFunction>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const p = resource.Properties ?? {};
    const key = String((p.Code as { S3Key?: string })?.S3Key ?? '').replace(/\.zip$/, '');
    functions.set(logicalId, {
      logicalId,
      bundleDir: join(outdir, `asset.${key}`),
      handler: String(p.Handler),
      timeoutSeconds: Number(p.Timeout ?? 3),
      environment: ((p.Environment as { Variables?: Record<string, Json> })?.Variables ?? {}) as Record<
        string,
        Json
      >,
    });
  }
  return {
    stackName: file.replace(/\.template\.json$/, ''),
    outdir,
    resources: template.Resources,
    outputs: template.Outputs ?? {},
    functions,
  };
}

/** The physical values a deploy would give: Ref and Fn::GetAtt of each resource the rehearsal stands up. */
export interface Physical {
  ref: string;
  arn?: string;
}

/**
 * Resolves the intrinsic functions a template uses in the values the rehearsal reads (Ref, Fn::GetAtt,
 * Fn::Join, Fn::Sub with plain references); anything unresolvable is an error that names it.
 */
export function resolve(value: Json, physical: Map<string, Physical>, pseudo: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(v, physical, pseudo));
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, Json>;
  if ('Ref' in object) {
    const name = String(object.Ref);
    const known = pseudo[name] ?? physical.get(name)?.ref;
    if (known === undefined)
      throw new Error(`cannot resolve {"Ref": "${name}"}: the rehearsal does not stand it up`);
    return known;
  }
  if ('Fn::GetAtt' in object) {
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    const target = physical.get(id);
    if (attribute === 'Arn' && target?.arn) return target.arn;
    throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, Json[]];
    return parts.map((part) => String(resolve(part, physical, pseudo))).join(separator);
  }
  if ('Fn::Sub' in object && typeof object['Fn::Sub'] === 'string') {
    return (object['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) =>
      String(resolve({ Ref: name }, physical, pseudo)),
    );
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v, physical, pseudo)]));
}

/** `cdk synth` of the app as a deploy would run it, into `outdir` (offline, no credentials). */
export async function synthesize(outdir: string, context: Record<string, string>): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const args = [
    'synth',
    '--quiet',
    '-o',
    outdir,
    ...Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'cdk'), args, {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`cdk synth failed (exit ${code}):\n${output.slice(-3000)}`);
}
