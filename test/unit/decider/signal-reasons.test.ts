import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { signalPayload, whyIgnored } from '../../../lambda/decider/signals.js';
import type { FlowNode } from '../../../lambda/workflow/types.js';

/** A wait that takes Approve with a reviewer, as a module declares it (a zod schema's parse). */
const approval: FlowNode = {
  kind: 'signal',
  name: 'Approval',
  signals: {
    Approve: {
      parse: (payload) =>
        z.object({ reviewer: z.string().trim().min(1), note: z.string().max(10).optional() }).parse(payload),
    },
  },
  earlySignals: 'keep',
  timeoutSeconds: 60,
  onTimeout: { fails: 'NotApproved' },
};

describe('why a signal is ignored', () => {
  it('says what was wrong with the payload on one readable line, path by path', () => {
    const why = whyIgnored(
      { name: 'Approve', input: JSON.stringify({ reviewer: '  ', note: 'x'.repeat(20) }) },
      [approval],
    );
    expect(why).toBe(
      'invalid payload: reviewer: Too small: expected string to have >=1 characters; note: Too big: expected string to have <=10 characters',
    );
    expect(whyIgnored({ name: 'Approve', input: '"ana"' }, [approval])).toBe(
      'invalid payload: Invalid input: expected object, received string',
    );
  });

  it('reads a payload nested past the bound as its text, and says why it is ignored', () => {
    const deep = `${'['.repeat(16_000)}${']'.repeat(16_000)}`;
    expect(signalPayload(deep)).toBe(deep);
    expect(whyIgnored({ name: 'Approve', input: deep }, [approval])).toBe(
      'invalid payload: the signal input nests lists and objects more than 64 levels deep; flatten it (no real input needs that many)',
    );
    expect(signalPayload('plain words')).toBe('plain words');
    expect(signalPayload(undefined)).toBeNull();
  });
});
