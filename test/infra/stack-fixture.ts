import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OrderWorkflowStack } from '../../lib/order-workflow-stack.js';
import { readSettings } from '../../lib/settings.js';
import { stageNames } from '../../lib/stage.js';

/** Builds the stack as `cdk synth` would, without bundling unless asked (one test bundles for real). */
export function buildStack(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; outdir?: string } = {},
) {
  const app = new App({
    outdir: options.outdir,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const settings = readSettings(context);
  const names = stageNames(settings.stage, settings);
  const stack = new OrderWorkflowStack(app, names.stackName, { names, settings });
  return { app, stack, template: Template.fromStack(stack) };
}

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Sid?: string;
  Effect: string;
};

/** Every policy statement attached to the role whose logical id starts with `rolePrefix` (inline or managed). */
export function statementsOf(template: Template, rolePrefix: string): Statement[] {
  const policies = {
    ...template.findResources('AWS::IAM::Policy'),
    ...template.findResources('AWS::IAM::ManagedPolicy'),
  };
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
