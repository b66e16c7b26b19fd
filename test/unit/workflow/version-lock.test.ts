import { describe, expect, it } from 'vitest';
import type { WorkflowSpec } from '../../../lambda/workflow/catalog.js';
import { WORKFLOW_MODULES } from '../../../lambda/workflow/modules.js';
import { orderModule } from '../../../lambda/workflow/order/index.js';
import { VALIDATE_INPUT } from '../../../lambda/workflow/order/steps.js';
import { orderWorkflowV1, orderWorkflowV3 } from '../../../lambda/workflow/order/workflow.js';
import { extendLock, lockProblems } from '../../../lambda/workflow/version-lock.js';
import { LOCK_CONFIG, lockedSpecs, readLock } from '../../../local/scripts/version-locks.js';

const ORDER_LOCK = orderModule.versionLock;

/** Version 1 with one step's settings changed, as an edit of a shared step constant would change it. */
function withStep(spec: WorkflowSpec, name: string, change: (step: object) => object): WorkflowSpec {
  return {
    ...spec,
    steps: spec.steps.map((entry) => ('name' in entry && entry.name === name ? change(entry) : entry)),
  } as WorkflowSpec;
}

const orderSpecs = () => lockedSpecs(orderModule);
const replaced = (specs: WorkflowSpec[], version: string, spec: WorkflowSpec) =>
  specs.map((s) => (s.version === version ? spec : s));

describe('the version locks', () => {
  for (const module of WORKFLOW_MODULES) {
    it(`${module.name}: every released version matches its entry in ${module.versionLock}`, () => {
      const lock = readLock(module);
      expect(lock, `${module.versionLock} is missing: run npm run versions:lock`).toBeDefined();
      expect(lock?.workflow).toBe(module.name);
      // The problems are sentences that say which version, what changed, and which version to add instead.
      expect(lockProblems(lock, lockedSpecs(module), module.versionLock).join('\n\n')).toBe('');
    });
  }

  it('names the version, what changed, and the version to add when a released step changes', () => {
    const changed = withStep(orderWorkflowV1(LOCK_CONFIG), 'ValidateInput', (step) => ({
      ...step,
      activity: { ...VALIDATE_INPUT.activity, timeouts: { startToClose: '45s' } },
    }));
    const problems = lockProblems(readLock(orderModule), replaced(orderSpecs(), '1', changed), ORDER_LOCK);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`OrderProcessing version 1 is released and frozen`);
    expect(problems[0]).toContain(
      'flow step "ValidateInput" > activity > timeouts > startToClose: locked "30", now "45"',
    );
    expect(problems[0]).toContain('add version 4 instead');
  });

  it('reports a step added to a released version as a change of its nodes', () => {
    const v3 = orderWorkflowV3(LOCK_CONFIG);
    const grown = { ...v3, steps: [...v3.steps, { name: 'AuditTrail', activity: { run: () => null } }] };
    const [problem] = lockProblems(readLock(orderModule), replaced(orderSpecs(), '3', grown), ORDER_LOCK);
    expect(problem).toContain(
      'flow: the nodes were ValidateInput, ProcessData, Checks, Approval, SaveResults, NotifyCompletion; ' +
        'now ValidateInput, ProcessData, Checks, Approval, SaveResults, NotifyCompletion, AuditTrail',
    );
  });

  it('catches a shape edited by hand, a version no longer defined, and a version not yet locked', () => {
    const lock = structuredClone(readLock(orderModule));
    if (!lock?.versions['1']) throw new Error('no version 1 in the order lock');
    lock.versions['1'].shape.workflowType.taskStartToCloseTimeout = '60';
    const v4 = { ...orderWorkflowV3(LOCK_CONFIG), version: '4' };
    const problems = lockProblems(lock, [...orderSpecs().slice(1), v4], ORDER_LOCK);
    expect(problems).toEqual([
      expect.stringContaining('OrderProcessing version 4 has no entry in'),
      expect.stringContaining(
        'OrderProcessing version 1 is in lambda/workflow/order/versions.lock.json but no longer defined',
      ),
    ]);
    const edited = lockProblems(lock, orderSpecs(), ORDER_LOCK);
    expect(edited).toEqual([expect.stringContaining('was edited by hand')]);
  });

  it('the lock script adds new versions and refuses to rewrite a released one', () => {
    const lock = readLock(orderModule);
    const v4 = { ...orderWorkflowV3(LOCK_CONFIG), version: '4' };
    const grown = extendLock(lock, [...orderSpecs(), v4], ORDER_LOCK);
    expect(grown.refused).toEqual([]);
    expect(grown.added).toEqual(['4']);
    expect(Object.keys(grown.lock.versions)).toEqual(['1', '2', '3', '4']);
    expect(grown.lock.versions['1']).toEqual(lock?.versions['1']);

    const changed = withStep(orderWorkflowV1(LOCK_CONFIG), 'SaveResults', (step) => ({
      ...step,
      retry: { maximumAttempts: 9 },
    }));
    const refused = extendLock(lock, [...replaced(orderSpecs(), '1', changed), v4], ORDER_LOCK);
    expect(refused.added).toEqual([]);
    expect(refused.refused).toEqual([expect.stringContaining('retry > maximumAttempts: locked 5, now 9')]);
    expect(refused.lock.versions).toEqual(lock?.versions);
  });
});

describe('released versions are literals of frozen steps', () => {
  it('editing one version’s flow leaves the others as they were', () => {
    const v3 = orderWorkflowV3(LOCK_CONFIG);
    (v3.steps as unknown[]).splice(2, 1);
    expect(lockProblems(readLock(orderModule), orderSpecs(), ORDER_LOCK)).toEqual([]);
  });

  it('a shared step constant cannot be changed under the versions that list it', () => {
    expect(() => {
      (VALIDATE_INPUT.retry as { maximumAttempts: number }).maximumAttempts = 7;
    }).toThrow(TypeError);
    expect(() => {
      (orderWorkflowV1(LOCK_CONFIG).steps[0] as { name: string }).name = 'Renamed';
    }).toThrow(TypeError);
  });
});
