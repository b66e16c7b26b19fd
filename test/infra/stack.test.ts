import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OrderWorkflowStack } from '../../lib/order-workflow-stack.js';
import { stageNames } from '../../lib/stage.js';

describe('stage naming', () => {
  it('names the stack, domain and task lists after the stage', () => {
    const prod = stageNames('prod');
    expect(prod.stackName).toBe('SwfOrders-prod');
    expect(prod.config).toMatchObject({
      domain: 'order-processing-prod',
      decisionTaskList: 'order-decisions-prod',
      activityTaskList: 'order-activities-prod',
    });
  });

  it('rejects a stage that cannot name AWS resources', () => {
    expect(() => stageNames('Prod/1')).toThrow(/Invalid stage "Prod\/1": use 1-16 lower-case letters/);
  });
});

describe('OrderWorkflowStack', () => {
  it('synthesizes offline, without credentials, with the stage names as outputs', () => {
    const app = new App();
    const stack = new OrderWorkflowStack(app, 'SwfOrders-dev', { names: stageNames('dev') });
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(outputs.SwfDomain.Value).toBe('order-processing-dev');
    expect(outputs.WorkflowTypes.Value).toBe('OrderProcessing@1');
  });
});
