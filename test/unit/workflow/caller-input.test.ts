import { describe, expect, it } from 'vitest';
import { jsonForView, parseBoundedJson } from '../../../lambda/workflow/bounded-json.js';
import { checkCallerInput, signalInputProblems } from '../../../lambda/workflow/caller-input.js';
import { maskCardNumbers } from '../../../lambda/workflow/card-data.js';
import { ValidationError } from '../../../lambda/workflow/errors.js';
import { safeText } from '../../../local/shared/display.js';

describe('the one bounded JSON parser', () => {
  it('refuses too long, too deep and malformed text in words, before JSON.parse sees it', () => {
    expect(parseBoundedJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseBoundedJson('[1,2]', { maxChars: 3, what: 'the body' })).toEqual({
      ok: false,
      problem: 'tooLarge',
      error: 'the body is 5 characters; at most 3 are read',
    });
    expect(parseBoundedJson(`${'['.repeat(65)}${']'.repeat(65)}`)).toMatchObject({
      ok: false,
      problem: 'tooDeep',
    });
    // Brackets inside strings are text, not depth.
    expect(parseBoundedJson(JSON.stringify({ note: '['.repeat(500) }))).toMatchObject({ ok: true });
    expect(parseBoundedJson('{"a":')).toMatchObject({
      ok: false,
      problem: 'notJson',
      error: expect.stringMatching(/^the input is not valid JSON \(/),
    });
  });

  it('gives views a value they can always show: JSON, plain text, or the start of an unreadable text and why', () => {
    expect(jsonForView('{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonForView('plain note')).toBe('plain note');
    const deep = `${'['.repeat(16_000)}${']'.repeat(16_000)}`;
    const shown = jsonForView(deep) as { $unreadable: { reason: string; text: string } };
    expect(shown.$unreadable.text).toBe(`${'['.repeat(200)}…`);
    expect(() => JSON.stringify(shown)).not.toThrow();
  });
});

describe('the entry check', () => {
  it('finds card numbers in a signal input, JSON or plain, and in a reason; never repeats the number', () => {
    expect(
      signalInputProblems(JSON.stringify({ reviewer: 'ana', items: [{ memo: '4111-1111-1111-1111' }] })),
    ).toEqual([
      'items[0].memo: holds what looks like a payment card number, which is never accepted (it is not repeated here); leave it out (the last four digits are enough to name a card)',
    ]);
    expect(signalInputProblems('paid by 5555555555554444')[0]).toMatch(
      /^signal input: holds what looks like/,
    );
    expect(signalInputProblems(JSON.stringify({ reviewer: 'ana', note: 'order 1234567890' }))).toEqual([]);
    expect(signalInputProblems('x'.repeat(32_769))).toEqual([
      'signal input: is 32769 characters; SWF accepts at most 32768',
    ]);
    const refusal = (() => {
      try {
        checkCallerInput({ reason: 'refund 4111111111111111' });
      } catch (error) {
        return error as ValidationError;
      }
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal?.message).toMatch(
      /^Invalid terminate request: reason: holds what looks like a payment card/,
    );
    expect(refusal?.message).not.toContain('4111');
    expect(() =>
      checkCallerInput({ signalName: 'Approve', signalInput: '{"reviewer":"ana"}', reason: 'ok' }),
    ).not.toThrow();
  });

  it('masks card numbers in what views show, down to the last four digits', () => {
    expect(maskCardNumbers('card 4111 1111 1111 1111, order 1234567890123')).toBe(
      'card [card ••••1111], order 1234567890123',
    );
  });
});

describe('safeText', () => {
  it('escapes every control character a terminal would act on, keeping layout newlines only when asked', () => {
    const evil = '\u001b]0;title\u0007\u001b[2J\rAll OK\n\u202eKO\u009b\u007f\ttab';
    expect(safeText(evil)).toBe('\\u001b]0;title\\u0007\\u001b[2J\\rAll OK\\n\\u202eKO\\u009b\\u007f\\ttab');
    expect(safeText('line 1\nline 2\r', { keepNewlines: true })).toBe('line 1\nline 2\\r');
    expect(safeText('café ✓ 東京')).toBe('café ✓ 東京');
    // JSON stays JSON, with the same values.
    const json = JSON.stringify({ reviewer: evil });
    expect(JSON.parse(safeText(json, { keepNewlines: true }))).toEqual({ reviewer: evil });
  });
});
