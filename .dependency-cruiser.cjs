/**
 * The project's module boundaries, checked in `npm test` (`npm run lint:deps`):
 * - the decider and the workers are generic: they import no workflow module (lambda/workflow/<name>/);
 * - so is lambda/workflow's own top level: only modules.ts, the registry, names the workflows;
 * - swf-local is an SWF server for any application: local/server imports nothing from lambda/;
 * - the IAM evaluator (AGPL-3.0, a devDependency) serves the deploy rehearsal only: nothing deployed imports it;
 * - no import cycles anywhere.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide layering mistakes and break bundling order.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'generic-decider-and-workers',
      severity: 'error',
      comment:
        'The decider and the workers serve every workflow: they reach a workflow only through the catalog and the registry.',
      from: { path: '^lambda/(decider|worker)/' },
      to: { path: '^lambda/workflow/[^/]+/' },
    },
    {
      name: 'generic-workflow-core',
      severity: 'error',
      comment:
        "lambda/workflow's top level (catalog, config, ports, module contract) serves every workflow: only the registry, modules.ts, imports the workflows, and generic code never imports the registry.",
      from: {
        path: '^lambda/(decider/|worker/|workflow/[^/]+\\.ts$)',
        pathNot: '^lambda/workflow/modules\\.ts$',
      },
      to: { path: '^lambda/workflow/([^/]+/|modules\\.ts$)' },
    },
    {
      name: 'swf-local-stands-alone',
      severity: 'error',
      comment:
        "swf-local is an SWF server for any application; it must not depend on this project's workflows.",
      from: { path: '^local/server/' },
      to: { path: '^lambda/' },
    },
    {
      name: 'iam-evaluator-stays-in-the-rehearsal',
      severity: 'error',
      comment:
        '@cloud-copilot/iam-simulate and iam-data are AGPL-3.0 devDependencies for the rehearsal and the tests: no bundle, CDK construct or tool users run may import them.',
      from: { pathNot: '^local/rehearse/' },
      to: { path: '@cloud-copilot/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
