#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrderWorkflowStack } from '../lib/order-workflow-stack.js';
import { readSettings } from '../lib/settings.js';
import { stageNames } from '../lib/stage.js';

const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as unknown;
let settings: ReturnType<typeof readSettings>;
let names: ReturnType<typeof stageNames>;
try {
  settings = readSettings(
    Object.fromEntries(
      [
        'stage',
        'alertEmail',
        'alertPhone',
        'notificationEmail',
        'allowFailureInjection',
        'pollerConcurrency',
        'pollerTimeoutMinutes',
        'reservedConcurrency',
        'retainDomain',
        'workflowVersion',
        'workflowVersions',
        'workflowSettings',
        'production',
      ].map((key) => [key, context(key)]),
    ),
  );
  names = stageNames(settings.stage, settings);
} catch (error) {
  // A user's mistake in -c values: one line naming every bad key, never a stack trace.
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
new OrderWorkflowStack(app, names.stackName, {
  names,
  settings,
  description: `SWF order processing (${settings.stage})`,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
