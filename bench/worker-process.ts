/**
 * One benchmark worker process: `pollers` decider loops or activity-worker loops (the project's real ones) against
 * `endpoint`, each in this process, so the SDK's client cost is not charged to the process that measures or to
 * the server. Reports on stdout, one line per event: `s` an activity step completed, `c <workflowId>` a run
 * closed. SIGTERM stops the loops cleanly.
 */
import { setMaxListeners } from 'node:events';
import { inMemoryPorts } from '../lambda/adapters/memory-effects.js';
import { runActivityWorker } from '../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../lambda/worker/deadline.js';
import { runDecider } from '../lambda/worker/decider-worker.js';
import { createSwfClient } from '../lambda/worker/swf-client.js';
import { loadConfig } from '../lambda/workflow/index.js';
import { buildCatalog } from '../lambda/workflow/modules.js';
import { stepWatcher } from './step-watcher.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [endpoint, domain, kind, pollersText] = process.argv.slice(2);
if (!endpoint || !domain || (kind !== 'decider' && kind !== 'activity'))
  throw new Error('usage: worker-process <endpoint> <domain> decider|activity <pollers>');
const pollers = Number(pollersText ?? 1);
const config = loadConfig({ SWF_DOMAIN: domain });
const catalog = buildCatalog(config);
const swf = createSwfClient({ endpoint });
const controller = new AbortController();
setMaxListeners(256, controller.signal);

// One write per event, at once: a buffered line would add its wait to the latency the bench measures.
const report = (line: string) => process.stdout.write(`${line}\n`);
const watcher = () =>
  stepWatcher(
    () => report('s'),
    (workflowId) => report(`c ${workflowId}`),
  );
const common = {
  swf,
  catalog,
  domain,
  deadline: NO_DEADLINE,
  signal: controller.signal,
  pollHoldMs: 1000,
  identity: `bench-${kind}-${process.pid}`,
};
const ports = inMemoryPorts();
const loops = Array.from({ length: pollers }, () =>
  kind === 'decider'
    ? runDecider({ ...common, taskList: config.decisionTaskList, telemetry: watcher() })
    : runActivityWorker({
        ...common,
        taskList: config.activityTaskList,
        telemetry: watcher(),
        ports,
        allowFailureInjection: false,
      }),
);
process.on('SIGTERM', () => controller.abort());
process.stdout.write('ready\n');
await Promise.all(loops);
swf.destroy();
