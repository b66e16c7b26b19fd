import { request } from 'node:http';
import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import { expectFault, startLocal, startLocalWithDomain, W } from '../support/swf-local.js';

const { server, swf, domain } = await startLocalWithDomain();
afterAll(() => server.close());

/** A raw request, as any SDK would send it. */
async function call(target: string | undefined, body: string, method = 'POST') {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (target) headers['x-amz-target'] = target;
  const response = await fetch(`${server.endpoint}/`, {
    method,
    headers,
    body: method === 'POST' ? body : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('wire protocol', () => {
  it('answers with a request id, the JSON 1.0 content type, and epoch-second timestamps', async () => {
    const response = await call(
      'SimpleWorkflowService.DescribeWorkflowType',
      JSON.stringify({ domain, workflowType: { name: 'W', version: '1' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(typeof response.body.typeInfo.creationDate).toBe('number');
    expect(Math.abs(response.body.typeInfo.creationDate - Date.now() / 1000)).toBeLessThan(60);
  });

  it('answers faults with HTTP 400, a namespaced __type and a message', async () => {
    const response = await call('SimpleWorkflowService.DescribeDomain', JSON.stringify({ name: 'missing' }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      __type: 'com.amazonaws.swf.base.model#UnknownResourceFault',
      message: 'Unknown domain: missing',
    });
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('rejects malformed JSON, unknown targets, a missing target and wrong methods without a 5xx', async () => {
    expect(await call('SimpleWorkflowService.ListDomains', '{not json')).toMatchObject({
      status: 400,
      body: { __type: 'com.amazon.coral.service#SerializationException' },
    });
    expect(await call('SimpleWorkflowService.LaunchRockets', '{}')).toMatchObject({
      status: 400,
      body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
    });
    expect(await call(undefined, '{}')).toMatchObject({
      status: 400,
      body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
    });
    expect((await call('SimpleWorkflowService.ListDomains', '', 'GET')).status).toBe(404);
    expect(await call('SimpleWorkflowService.ListDomains', '[1,2]')).toMatchObject({
      status: 400,
      body: { __type: 'com.amazon.coral.validate#ValidationException' },
    });
  });

  it('names the member for missing, mistyped, oversized and out-of-enum values', async () => {
    const poll = await call(
      'SimpleWorkflowService.PollForActivityTask',
      JSON.stringify({ domain, taskList: {} }),
    );
    expect(poll.body.message).toBe(
      "1 validation error detected: Value null at 'taskList.name' failed to satisfy constraint: Member must not be null",
    );
    const typed = await call(
      'SimpleWorkflowService.ListDomains',
      JSON.stringify({ registrationStatus: 'REGISTERED', maximumPageSize: 'ten' }),
    );
    expect(typed.body.message).toMatch(
      /at 'maximumPageSize' failed to satisfy constraint: Member must be an integer/,
    );
    const big = await call(
      'SimpleWorkflowService.SignalWorkflowExecution',
      JSON.stringify({ domain, workflowId: 'w', signalName: 's', input: 'x'.repeat(32_769) }),
    );
    expect(big.body.message).toMatch(
      /at 'input' failed to satisfy constraint: Member must have length less than or equal to 32768/,
    );
    const enumValue = await call(
      'SimpleWorkflowService.ListDomains',
      JSON.stringify({ registrationStatus: 'MAYBE' }),
    );
    expect(enumValue.body.message).toMatch(/Member must satisfy enum value set: \[REGISTERED, DEPRECATED\]/);
  });

  it('rejects forged and malformed task tokens, and tokens of tasks that are gone', async () => {
    await expectFault(
      swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: 'forged-token' })),
      'ValidationException',
      /Invalid taskToken/,
    );
    const forged = `${Buffer.from(JSON.stringify({ k: 'a', r: 'x', s: 5, n: 'n' })).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`;
    await expectFault(
      swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken: forged })),
      'ValidationException',
    );
  });

  it('answers an empty long poll without a taskToken', async () => {
    const decision = await call(
      'SimpleWorkflowService.PollForDecisionTask',
      JSON.stringify({ domain, taskList: { name: 'idle' } }),
    );
    expect(decision.body).toEqual({ previousStartedEventId: 0, startedEventId: 0 });
    const activity = await swf.send(new S.PollForActivityTaskCommand({ domain, taskList: { name: 'idle' } }));
    expect(activity.taskToken).toBeUndefined();
  });

  it('rejects a body over 1 MB with a clear message', async () => {
    const response = await call(
      'SimpleWorkflowService.ListDomains',
      JSON.stringify({ registrationStatus: 'REGISTERED', pad: 'x'.repeat(1_100_000) }),
    );
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/SWF accepts at most 1048576/);
  });

  it('serves a health endpoint and moves the virtual clock', async () => {
    const health = await fetch(`${server.endpoint}/_admin/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', store: 'memory', virtualClock: true });
    const json = { 'content-type': 'application/json' };
    const advanced = await fetch(`${server.endpoint}/_admin/clock/advance`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ seconds: 5 }),
    }).then((r) => r.json() as Promise<{ fired: number }>);
    expect(advanced.fired).toBe(0);
    const bad = await fetch(`${server.endpoint}/_admin/clock/advance`, {
      method: 'POST',
      headers: json,
      body: '{"seconds":"soon"}',
    });
    expect(bad.status).toBe(400);
  });
});

/** A request with any headers, Host included (fetch may not set Host). */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const url = new URL(path, server.endpoint);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? 'POST',
        headers: options.headers,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

describe('DNS rebinding and cross-site requests', () => {
  const api = (host: string, target: string, body: object) =>
    raw('/', {
      headers: {
        host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `SimpleWorkflowService.${target}`,
      },
      body: JSON.stringify(body),
    });

  it('answers the API, the admin endpoints and the console only for local host names', async () => {
    const port = new URL(server.endpoint).port;
    const attacker = `attacker.example:${port}`;
    const refused = await api(attacker, 'RegisterDomain', {
      name: 'rebound',
      workflowExecutionRetentionPeriodInDays: '1',
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message:
        'swf-local answers only local host names (got "attacker.example"); to serve another name, list it in SWF_ALLOWED_HOSTS',
    });
    // Nothing was applied: the domain does not exist.
    await expectFault(swf.send(new S.DescribeDomainCommand({ name: 'rebound' })), 'UnknownResourceFault');
    for (const path of ['/_admin/health', '/console']) {
      const response = await raw(path, { method: 'GET', headers: { host: attacker } });
      expect(response.status, path).toBe(403);
    }
    // Local names work, with or without a port, in any case.
    for (const host of [`127.0.0.1:${port}`, `LOCALHOST:${port}`, 'localhost', `[::1]:${port}`]) {
      const listed = await api(host, 'ListDomains', { registrationStatus: 'REGISTERED' });
      expect(listed.status, host).toBe(200);
    }
  });

  it('takes clock moves only as JSON and only from this machine, not from another site', async () => {
    const port = new URL(server.endpoint).port;
    const local = `127.0.0.1:${port}`;
    const advance = (headers: Record<string, string>) =>
      raw('/_admin/clock/advance', { headers: { host: local, ...headers }, body: '{"seconds":1}' });
    // What a page on another site can send without a preflight: refused before it is read.
    expect((await advance({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await advance({ 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect(
      (await advance({ 'content-type': 'application/json', origin: 'http://attacker.example' })).status,
    ).toBe(403);
    expect(
      (await advance({ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect((await advance({ 'content-type': 'application/json' })).status).toBe(200);
    expect((await advance({ 'content-type': 'application/json', origin: `http://${local}` })).status).toBe(
      200,
    );
  });
});

describe('inputs the API reference refuses', () => {
  it('refuses durations that are not decimal seconds, and starts nothing', async () => {
    for (const timeout of ['-5', '0x10', '1e-9', ' 30', 'soon']) {
      await expectFault(
        swf.send(
          new S.StartWorkflowExecutionCommand({
            domain,
            workflowId: `bad-timeout-${timeout.trim()}`,
            workflowType: W,
            taskStartToCloseTimeout: timeout,
          }),
        ),
        'ValidationException',
        /at 'taskStartToCloseTimeout' failed to satisfy constraint: Member must be a whole number of seconds in decimal digits or NONE/,
      );
    }
    const open = await swf.send(
      new S.CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
    );
    expect(open.count).toBe(0);
  });

  it('refuses names with a colon, slash, vertical bar, control characters, outer spaces, or the word arn', async () => {
    for (const name of ['a:b', 'a/b', 'a|b', ' lead', 'trail ', 'ctl\u0001x', 'c1\u0085x', 'arn']) {
      await expectFault(
        swf.send(new S.RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' })),
        'ValidationException',
        /at 'name' failed to satisfy constraint: Member must not/,
      );
    }
    await expectFault(
      swf.send(new S.StartWorkflowExecutionCommand({ domain, workflowId: 'order:1', workflowType: W })),
      'ValidationException',
      /at 'workflowId'/,
    );
    // Names that only look close pass: a dot, a dash, 'arn' inside a longer name.
    await swf.send(
      new S.RegisterDomainCommand({ name: 'my.arn-domain', workflowExecutionRetentionPeriodInDays: '1' }),
    );
  });

  it('answers a 200,000-deep list in a string field with a short 400, not a 500', async () => {
    let deep = '0';
    for (let i = 0; i < 200_000; i++) deep = `[${deep}]`;
    const answer = await call('SimpleWorkflowService.ListDomains', `{"registrationStatus":${deep}}`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(
      /Value '\[a list of 1\]' at 'registrationStatus' failed to satisfy constraint/,
    );
    expect(answer.body.message.length).toBeLessThan(500);
  });
});

/** An upload that says 1,000,000 bytes, sends `sent` of them and stalls; `answered` is what the server said. */
function stallUpload(endpoint: string, sent: number) {
  const url = new URL(endpoint);
  const req = request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'SimpleWorkflowService.ListDomains',
      'content-length': '1000000',
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
  req.write(Buffer.alloc(sent, 0x20));
  return { req, answered };
}

describe('request bodies', () => {
  it('refuses a body that is not valid UTF-8 as a SerializationException, and applies nothing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"name":"bad-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","workflowExecutionRetentionPeriodInDays":"1"}'),
    ]);
    const response = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'SimpleWorkflowService.RegisterDomain',
      },
      body,
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { __type: string; message: string };
    expect(answer.__type).toBe('com.amazon.coral.service#SerializationException');
    expect(answer.message).toMatch(/not valid UTF-8/);
    const domains = await swf.send(new S.ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
    expect(domains.domainInfos?.some((d) => d.name?.startsWith('bad-'))).toBe(false);
  });

  it('bounds the bodies held across connections: stalled uploads cannot take the memory, and give it back', async () => {
    const small = await startLocal({ bodyBudgetBytes: 2_000_000 });
    const stall = (sent: number) => stallUpload(small.server.endpoint, sent);
    try {
      const held = [stall(900_000), stall(900_000)];
      await expect.poll(() => small.server.bodyBudget.inFlight, { timeout: 5_000 }).toBe(1_800_000);
      const refused = await stall(900_000).answered;
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({
        __type: 'com.amazon.coral.availability#ThrottlingException',
      });
      expect(small.server.bodyBudget.inFlight).toBe(1_800_000);
      for (const { req } of held) req.destroy();
      await expect.poll(() => small.server.bodyBudget.inFlight, { timeout: 5_000 }).toBe(0);
      // Served again once the stalled uploads are gone.
      const domains = await small.swf.send(new S.ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
      expect(domains.domainInfos).toEqual([]);
    } finally {
      await small.server.close();
    }
  });

  it('cuts off an upload that stalls past the request timeout, and takes its bytes back', async () => {
    const quick = await startLocal({ requestTimeoutMs: 500 });
    try {
      const stalled = stallUpload(quick.server.endpoint, 300_000);
      await expect.poll(() => quick.server.bodyBudget.inFlight, { timeout: 5_000 }).toBe(300_000);
      // Nobody closes the upload: the server does, and the budget is whole again.
      const { status } = await stalled.answered;
      expect([0, 408]).toContain(status);
      expect(stalled.req.destroyed || status === 408).toBe(true);
      await expect.poll(() => quick.server.bodyBudget.inFlight, { timeout: 5_000 }).toBe(0);
      const domains = await quick.swf.send(new S.ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
      expect(domains.domainInfos).toEqual([]);
    } finally {
      await quick.server.close();
    }
  });
});
