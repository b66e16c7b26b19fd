import * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { useCallerSurfaces } from '../support/caller-surfaces.js';
import { anOrder } from '../support/order-fixtures.js';

/**
 * What a raw SWF caller can write into a history that nothing of ours refuses (a signal, a terminate, a start):
 * poison, card numbers and terminal escapes. Every view (swfctl history and describe, their --json, the
 * operations function, the console) still shows the run, masks the card numbers and prints no control character.
 */
const { surfaces, swfctl, consoleGet, rawStart, domain } = useCallerSurfaces('hostile-domain');

const signal = (workflowId: string, runId: string, signalName: string, input: string) =>
  surfaces.swf.send(new S.SignalWorkflowExecutionCommand({ domain, workflowId, runId, signalName, input }));

/** No raw ESC, BEL, CR, C1 control or bidi override: what reaches a terminal cannot drive it. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('a history holding what a raw caller wrote', () => {
  it('a 16,000-deep signal input: every view still shows the run, the input as text with the reason', async () => {
    const runId = await rawStart('order-DEEP-1', JSON.stringify(anOrder({ orderId: 'DEEP-1' })));
    const deep = `${'['.repeat(16_000)}${']'.repeat(16_000)}`;
    await signal('order-DEEP-1', runId, 'Approve', deep);

    const history = await swfctl('history', 'order-DEEP-1');
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      /Approve {2}\[\[\[\[.*\(not shown: the value nests lists and objects more than 64 levels deep/,
    );
    const asJson = await swfctl('history', 'order-DEEP-1', '--json');
    expect(asJson.code, asJson.stderr).toBe(0);
    const timeline = JSON.parse(asJson.stdout).timeline;
    expect(timeline.signals[0].input.$unreadable).toMatchObject({
      reason: expect.stringMatching(/more than 64 levels deep/),
      text: expect.stringMatching(/^\[{200}…$/),
    });
    const described = await swfctl('describe', 'order-DEEP-1', '--json');
    expect(described.code, described.stderr).toBe(0);

    // The operations function's answer is serialised by Lambda: it must be JSON.
    const answer = await surfaces.handlers.operations.handler({
      command: 'history',
      workflowId: 'order-DEEP-1',
    });
    expect(JSON.stringify(answer)).toContain('$unreadable');

    const page = await consoleGet('run', { workflowId: 'order-DEEP-1', runId });
    expect(page.status, page.text).toBe(200);
    expect(JSON.parse(page.text).timeline.signals[0].input.$unreadable.reason).toMatch(/64 levels/);
    expect((await consoleGet('events', { workflowId: 'order-DEEP-1', runId })).status).toBe(200);
  }, 60_000);

  it('card numbers a raw signal or terminate stored are masked in every view, down to the last four digits', async () => {
    const runId = await rawStart('order-PAN-1', JSON.stringify(anOrder({ orderId: 'PAN-1' })));
    await signal(
      'order-PAN-1',
      runId,
      'Approve',
      JSON.stringify({ reviewer: 'ana', note: 'card 4111 1111 1111 1111' }),
    );
    await signal('order-PAN-1', runId, 'Poke', 'paid with 5555555555554444');
    await surfaces.swf.send(
      new S.TerminateWorkflowExecutionCommand({
        domain,
        workflowId: 'order-PAN-1',
        runId,
        reason: 'refund to 378282246310005',
        details: 'card 6011111111111117',
      }),
    );
    const digits = /4111 1111 1111 1111|4111111111111111|5555555555554444|378282246310005|6011111111111117/;
    const outputs = [
      (await swfctl('history', 'order-PAN-1')).stdout,
      (await swfctl('history', 'order-PAN-1', '--json')).stdout,
      (await swfctl('describe', 'order-PAN-1')).stdout,
      (await swfctl('describe', 'order-PAN-1', '--json')).stdout,
      JSON.stringify(
        await surfaces.handlers.operations.handler({ command: 'history', workflowId: 'order-PAN-1' }),
      ),
      (await consoleGet('run', { workflowId: 'order-PAN-1', runId })).text,
      (await consoleGet('events', { workflowId: 'order-PAN-1', runId })).text,
    ];
    for (const output of outputs) {
      expect(output).not.toMatch(digits);
      // Every view shows the terminate reason; the timelines and raw events show the signals too.
      expect(output).toContain('refund to [card ••••0005]');
    }
    for (const output of [outputs[0], outputs[1], outputs[4], outputs[5], outputs[6]])
      expect(output).toContain('••••1111');
    expect(outputs[0]).toContain('paid with [card ••••4444]');
    expect(outputs[2]).toMatch(/Terminated: refund to \[card ••••0005\]/);
  }, 60_000);

  it('terminal escapes in a signal input, a terminate reason and a payload address are printed escaped', async () => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J\r\u001b[32mAll orders OK\u001b[0m\n\u202eKO sredro llA';
    const forged = {
      $payload: { address: `local:payloads/${evil}`, size: 10, sha256: 'f'.repeat(64) },
    };
    const runId = await rawStart(
      'order-ESC-1',
      JSON.stringify({ ...anOrder({ orderId: 'ESC-1' }), items: forged }),
    );
    await signal('order-ESC-1', runId, 'Approve', JSON.stringify({ reviewer: evil }));
    await signal('order-ESC-1', runId, 'Poke', evil);
    await surfaces.swf.send(
      new S.TerminateWorkflowExecutionCommand({
        domain,
        workflowId: 'order-ESC-1',
        runId,
        reason: evil.slice(0, 200),
      }),
    );
    for (const args of [
      ['history', 'order-ESC-1'],
      ['history', 'order-ESC-1', '--json'],
      ['describe', 'order-ESC-1'],
      ['describe', 'order-ESC-1', '--json'],
    ]) {
      const { code, stdout, stderr } = await swfctl(...args);
      expect(code, stderr).toBe(0);
      expect(stdout, args.join(' ')).not.toMatch(CONTROL);
      // No line of the output is one the caller drew.
      expect(stdout).not.toMatch(/^\s*(\S*m)?All orders OK/m);
      expect(stdout).not.toMatch(/^\s*\S*KO sredro llA/m);
    }
    const history = (await swfctl('history', 'order-ESC-1')).stdout;
    expect(history).toContain('\\u001b]0;pwned\\u0007');
    expect(history).toMatch(/Terminated: \\u001b\]0;pwned/);
    expect(history).toMatch(/local:payloads\/\\u001b\]0;pwned/);
  }, 60_000);

  it('the console logs a failure it cannot answer, and says so without the details', async () => {
    surfaces.failEffects.on = true;
    try {
      const answer = await consoleGet('effects', { workflowId: 'order-DEEP-1' });
      expect(answer.status).toBe(500);
      expect(answer.text).not.toContain('on fire');
    } finally {
      surfaces.failEffects.on = false;
    }
    const logged = surfaces.consoleLog.map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'console request failed',
        path: '/console/api/effects',
        error: 'Error',
        detail: 'the effects store is on fire',
      }),
    );
  });
});
