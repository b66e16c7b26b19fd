#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { OrderWorkflowStack } from '../lib/order-workflow-stack.js';
import { stageNames } from '../lib/stage.js';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const names = stageNames(stage);
new OrderWorkflowStack(app, names.stackName, {
  names,
  description: `SWF order processing (${stage})`,
});
