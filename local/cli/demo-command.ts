import { progressBar, renderDemoSummary, runDemo } from '../runtime/demo.js';
import { startLocalStack } from '../runtime/local-stack.js';
import { print } from './terminal.js';

/** `swfctl dev` and `swfctl demo`: the local stack, the demo batch with a progress bar, a summary; true if all went as expected. */
export async function runDemoCommand(
  options: { orders: number; exit: boolean; port: number; db?: string; verbose?: boolean },
  keepRunning: boolean,
  stopSignal: () => AbortSignal,
): Promise<boolean> {
  // Listen for the stop first: a signal while the stack starts still ends in a clean stop.
  const stop = stopSignal();
  const stack = await startLocalStack({
    port: options.port,
    dbPath: options.db,
    memory: options.db === undefined,
    verbose: options.verbose,
  });
  print(`swf-local:  ${stack.endpoint}   (export SWF_ENDPOINT=${stack.endpoint} to use swfctl against it)`);
  print(`console:    ${stack.consoleUrl}`);
  print(`workers:    decider ×2 and activity worker ×4, invoked as the EventBridge schedule would`);
  print('');
  const interactive = process.stdout.isTTY;
  let lastDone = -1;
  const { ok, outcomes } = await runDemo(stack.runtime.startingContext, {
    orders: options.orders,
    tag: `D${Date.now().toString(36).toUpperCase()}`,
    effectsOf: async (orderId) => (await stack.runtime.effectPorts()).effectsOf(orderId),
    onProgress: (done, total) => {
      if (interactive) process.stdout.write(`\r${progressBar(done, total)}`);
      else if (done !== lastDone) print(progressBar(done, total));
      lastDone = done;
    },
  });
  if (interactive) print('');
  print('');
  print(renderDemoSummary(outcomes));
  print('');
  print(ok ? 'Every order ended as expected.' : 'Some orders did not end as expected (see ✗ above).');
  if (keepRunning && !stop.aborted) {
    print('');
    print('Still running. Try, in another terminal:');
    print(`  SWF_ENDPOINT=${stack.endpoint} npx swfctl list`);
    print(
      `  SWF_ENDPOINT=${stack.endpoint} npx swfctl history ${outcomes[0] ? `order-${outcomes[0].orderId}` : '<workflowId>'}`,
    );
    print(`  SWF_ENDPOINT=${stack.endpoint} npx swfctl start --order examples/order.json`);
    print(`  SWF_ENDPOINT=${stack.endpoint} npx swfctl start --order examples/order-large.json`);
    print(
      `  SWF_ENDPOINT=${stack.endpoint} npx swfctl approve order-A-3001 --reviewer you   (it waits for this, total above 5,000)`,
    );
    print('Ctrl+C stops everything.');
    await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  }
  await stack.stop();
  if (keepRunning) print('stopped: swf-local, the workers and the console are down');
  return ok;
}
