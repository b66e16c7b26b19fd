import { describe, expect, it } from 'vitest';
import { runHistory } from '../../lambda/worker/operations.js';
import { useCallerSurfaces } from '../support/caller-surfaces.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually } from '../support/workers.js';

/**
 * The one entry check, through every surface that sends something to a run (swfctl, the console, the operations
 * function): card numbers, poison and oversized text are refused with the reason before anything reaches SWF.
 * Then the refusals themselves: each names what was wrong, exits 2 or answers a structured refusal.
 */
const { surfaces, swfctl, consolePost, eventTypes } = useCallerSurfaces('entry-domain');

const CARD = '4111 1111 1111 1111';
const NOTE_REFUSAL =
  'note: holds what looks like a payment card number, which is never accepted (it is not repeated here); leave it out (the last four digits are enough to name a card)';

/** Starts an order above 5,000 through the starter and waits until it waits for a person. */
async function waitingOrder(orderId: string) {
  const started = (await surfaces.handlers.starter.handler({
    order: anOrder({ orderId, items: [{ sku: 'TV-1', quantity: 1, unitPrice: 6_000 }] }),
  })) as { workflowId: string; runId: string };
  await eventually(
    async () => {
      const { events } = await runHistory(surfaces.context, started.workflowId);
      return events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')
        ? true
        : undefined;
    },
    20_000,
    `${orderId} to wait for approval`,
  );
  return started;
}

describe('the entry check on every send path', () => {
  it('refuses a card number, poison or an oversized reason in a signal or a terminate, and sends nothing', async () => {
    const { workflowId, runId } = await waitingOrder('ENTRY-1');
    const before = await eventTypes(workflowId, runId);

    const approve = await swfctl('approve', workflowId, '--reviewer', 'ana', '--note', `card ${CARD}`);
    expect(approve).toMatchObject({ code: 2, stderr: `swfctl: Invalid signal: ${NOTE_REFUSAL}\n` });
    const reject = await swfctl('reject', workflowId, '--reviewer', 'bo', '--note', `card ${CARD}`);
    expect(reject.code).toBe(2);
    const deep = `{"reviewer":"ana","note":${'['.repeat(100)}${']'.repeat(100)}}`;
    const poison = await swfctl('signal', workflowId, 'Approve', '--input', deep);
    expect(poison).toMatchObject({
      code: 2,
      stderr:
        'swfctl: Invalid signal: the signal input nests lists and objects more than 64 levels deep; flatten it (no real input needs that many)\n',
    });
    const plain = await swfctl('signal', workflowId, 'Approve', '--input', `paid with ${CARD}`);
    expect(plain.stderr).toMatch(
      /^swfctl: Invalid signal: signal input: holds what looks like a payment card/,
    );
    const terminate = await swfctl('terminate', workflowId, '--reason', `refund to ${CARD}`);
    expect(terminate).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^swfctl: Invalid terminate request: reason: holds what looks like a payment card/,
      ),
    });
    const long = await swfctl('terminate', workflowId, '--reason', 'x'.repeat(300));
    expect(long.stderr).toBe(
      'swfctl: Invalid terminate request: reason: is 300 characters; at most 256 are accepted\n',
    );

    const ops = surfaces.handlers.operations.handler;
    expect(
      await ops({
        command: 'signal',
        workflowId,
        signalName: 'Approve',
        input: JSON.stringify({ reviewer: 'ana', note: CARD }),
      }),
    ).toEqual({
      ok: false,
      error: { code: 'InvalidInput', message: `Invalid signal: ${NOTE_REFUSAL}`, problems: [NOTE_REFUSAL] },
    });
    expect(await ops({ command: 'terminate', workflowId, reason: CARD })).toMatchObject({
      ok: false,
      error: { code: 'InvalidInput', message: expect.stringMatching(/^Invalid terminate request: reason: /) },
    });
    expect(
      await ops({ command: 'terminate-all', prefix: 'order-ENTRY-', confirm: true, reason: CARD }),
    ).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });

    const consoleSignal = await consolePost(
      'signal',
      JSON.stringify({ workflowId, runId, signalName: 'Approve', input: JSON.stringify({ reviewer: CARD }) }),
    );
    expect(consoleSignal).toMatchObject({
      status: 400,
      body: {
        message: expect.stringMatching(/^Invalid signal: reviewer: holds what looks like a payment card/),
      },
    });
    const consoleTerminate = await consolePost(
      'terminate',
      JSON.stringify({ workflowId, runId, reason: CARD }),
    );
    expect(consoleTerminate.status).toBe(400);

    // Nothing reached the run: no signal, no terminate; it still waits, and a clean approval still goes through.
    expect(await eventTypes(workflowId, runId)).toEqual(before);
    const clean = await swfctl('approve', workflowId, '--reviewer', 'ana', '--note', 'card ending 1111');
    expect(clean.code, clean.stderr).toBe(0);
  }, 60_000);
});

describe('refusals say what was wrong', () => {
  it('swfctl: a bad option or command is one line and exit code 2, as docs/operate.md says', async () => {
    for (const args of [
      ['list', '--status', 'bogus'],
      ['frobnicate'],
      ['history'],
      ['list', '--limit', 'x'],
    ]) {
      const result = await swfctl(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^swfctl: [^\n]+ \(add --help for usage\)\n$/);
      expect(result.stdout).toBe('');
    }
    expect((await swfctl('list', '--status', 'bogus')).stderr).toBe(
      "swfctl: option '--status <status>' argument 'bogus' is invalid. Allowed choices are all, open, closed, completed, failed, canceled, terminated, timed-out, continued-as-new. (add --help for usage)\n",
    );
    const help = await swfctl('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: swfctl/);
    expect((await swfctl('history', '--help')).code).toBe(0);
  });

  it('the operations function answers a structured refusal that names what was wrong, never "order" for a non-order', async () => {
    const ops = surfaces.handlers.operations.handler;
    const unknown = await ops({ command: 'rm-rf' });
    expect(unknown).toEqual({
      ok: false,
      error: {
        code: 'UnknownCommand',
        message:
          'unknown command "rm-rf"; the commands are history, describe, effects, order, resume, signal, cancel, terminate, resume-failed, cancel-all, terminate-all',
      },
    });
    expect(await ops(null)).toMatchObject({
      ok: false,
      error: {
        code: 'UnknownCommand',
        message: expect.stringMatching(/^no command given; the commands are history,/),
      },
    });
    expect(await ops({ command: 'signal', workflowId: 'order-X' })).toEqual({
      ok: false,
      error: {
        code: 'InvalidCommand',
        message: 'invalid signal command: signalName: Invalid input: expected string, received undefined',
        problems: ['signalName: Invalid input: expected string, received undefined'],
      },
    });
    expect(await ops({ command: 'describe', workflowId: 'order-missing' })).toMatchObject({
      ok: false,
      error: { code: 'NotFound', message: expect.stringMatching(/^No run of workflow order-missing/) },
    });
    for (const answer of [unknown, await ops({ command: 'signal', workflowId: 'order-X' })])
      expect(JSON.stringify(answer)).not.toMatch(/order:/i);
  });

  it('the starter answers malformed JSON and an invalid input with the reason, starting nothing', async () => {
    const starter = surfaces.handlers.starter.handler;
    expect(await starter({ input: '{"orderId": ' })).toEqual({
      ok: false,
      error: {
        code: 'InvalidInput',
        message: expect.stringMatching(/^Invalid input: the input is not valid JSON \(/),
        problems: [expect.stringMatching(/^the input is not valid JSON/)],
      },
    });
    expect(await starter({ input: `{"orderId":${'['.repeat(100)}${']'.repeat(100)}}` })).toMatchObject({
      ok: false,
      error: { code: 'InvalidInput', message: expect.stringMatching(/more than 64 levels deep/) },
    });
    expect(await starter({ order: anOrder({ orderId: 'ENTRY-2', currency: 'ZZZ' }) })).toEqual({
      ok: false,
      error: {
        code: 'InvalidInput',
        message: 'Invalid order: currency: must be one of USD, EUR, GBP, BRL (got "ZZZ")',
        problems: ['currency: must be one of USD, EUR, GBP, BRL (got "ZZZ")'],
      },
    });
  });

  it('the console answers 400 with the reason for a body that is not a JSON object', async () => {
    for (const body of ['null', '[1]', '"start"', '7', '{"order": ']) {
      const answer = await consolePost('start', body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.message, body).toMatch(
        /^The request body (must be a JSON object|is not valid JSON)/,
      );
    }
    expect((await consolePost('start', 'null')).body.message).toBe(
      'The request body must be a JSON object (got null)',
    );
  });
});
