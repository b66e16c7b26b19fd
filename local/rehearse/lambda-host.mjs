// One Lambda sandbox for the deploy rehearsal: loads a function's real bundle from cdk.out with the environment
// the template gives it, then runs one invocation at a time as the parent asks (over IPC), with a Lambda-like
// context whose deadline is the function's timeout. A "stop" message aborts the running invocation gracefully.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [bundleDir, handlerSpec, functionName] = process.argv.slice(2);
const [file, exportName] = handlerSpec.split('.');
const require = createRequire(join(bundleDir, 'index.js'));
const handler = require(join(bundleDir, `${file}.js`))[exportName];
const stopping = new AbortController();
let running = 0;

process.on('message', async (message) => {
  if (message.stop) {
    stopping.abort();
    if (running === 0) process.exit(0);
    return;
  }
  const { id, event, timeoutMs } = message.invoke;
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    abortSignal: stopping.signal,
  };
  running++;
  try {
    const result = await handler(event, context);
    process.send({ id, result: result ?? null });
  } catch (error) {
    process.send({
      id,
      error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), code: error?.code },
    });
  } finally {
    running--;
    if (stopping.signal.aborted && running === 0) process.exit(0);
  }
});
process.send({ ready: true });
