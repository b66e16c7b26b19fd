import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containsCardNumber as looksLikeCardNumber } from '../../../lambda/workflow/card-data.js';
import { ValidationError } from '../../../lambda/workflow/errors.js';
import { parseOrder } from '../../../lambda/workflow/order/schema.js';
import { anOrder } from '../../support/order-fixtures.js';

const problemsOf = (input: unknown, allowFailureInjection = false): string[] => {
  try {
    parseOrder(input, { allowFailureInjection });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected the order to be rejected');
};

describe('parseOrder', () => {
  it('accepts a valid order', () => {
    expect(parseOrder(anOrder(), { allowFailureInjection: false })).toMatchObject({
      orderId: 'A-1001',
      currency: 'USD',
    });
  });

  it('rejects empty items', () => {
    expect(problemsOf(anOrder({ items: [] }))).toEqual(['items: must contain at least one item']);
  });

  it('rejects negative and fractional quantities and bad prices', () => {
    expect(
      problemsOf(
        anOrder({
          items: [
            { sku: 'A', quantity: -1, unitPrice: 1 },
            { sku: 'B', quantity: 1.5, unitPrice: 0 },
            { sku: 'C', quantity: 1, unitPrice: 1.234 },
          ],
        }),
      ),
    ).toEqual([
      'items[0].quantity: must be at least 1',
      'items[1].quantity: must be a whole number',
      'items[1].unitPrice: must be greater than 0',
      'items[2].unitPrice: must have at most 2 decimal places',
    ]);
  });

  it('rejects a card number instead of a token, by name and without echoing it', () => {
    const problems = problemsOf(anOrder({ paymentToken: '4242 4242 4242 4242' }));
    expect(problems).toEqual([
      'paymentToken: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead',
    ]);
    expect(problems.join()).not.toContain('4242');
  });

  it('rejects the card numbers that used to slip through: free text, dots, full-width digits, e-mail', () => {
    const cases: [field: string, value: string][] = [
      ['notes', 'pay with 4111 1111 1111 1111 exp 12/28 cvv 123'],
      ['notes', '4111.1111.1111.1111'],
      ['notes', '４１１１ １１１１ １１１１ １１１１'],
      ['customerEmail', '4111111111111111@example.com'],
    ];
    for (const [field, value] of cases) {
      const problems = problemsOf(anOrder({ [field]: value }));
      expect(problems, value).toEqual([
        `${field}: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead`,
      ]);
      expect(problems.join()).not.toMatch(/1111|１１１１/);
    }
    // Ordinary numbers in the same places pass.
    expect(
      parseOrder(anOrder({ notes: 'call +55 11 99999-8888 before 1732579200000, ISBN 978-3-16-148410-0' }), {
        allowFailureInjection: false,
      }).notes,
    ).toMatch(/^call/);
  });

  it('rejects card data in any field, and card-named fields', () => {
    const problems = problemsOf(anOrder({ notes: '5555555555554444', cardNumber: 'x', cvv: '123' }));
    expect(problems).toContain(
      'notes: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead',
    );
    expect(problems).toContain(
      'cardNumber: raw card data is never accepted; send a paymentToken from your payment provider instead',
    );
    expect(problems).toContain(
      'cvv: raw card data is never accepted; send a paymentToken from your payment provider instead',
    );
    expect(problems.join()).not.toContain('5555');
  });

  it('rejects a bad currency', () => {
    expect(problemsOf(anOrder({ currency: 'XYZ' }))).toEqual([
      'currency: must be one of USD, EUR, GBP, BRL (got "XYZ")',
    ]);
  });

  it('rejects missing ids, listing every problem at once', () => {
    const { orderId: _o, customerId: _c, ...rest } = anOrder();
    expect(problemsOf(rest)).toEqual(['orderId: is required', 'customerId: is required']);
  });

  it('rejects oversized fields', () => {
    expect(problemsOf(anOrder({ orderId: 'x'.repeat(65), notes: 'n'.repeat(1_001) }))).toEqual([
      'orderId: must be at most 64 characters',
      'notes: must be at most 1,000 characters',
    ]);
    // A real catalogue order fits (large inputs travel as a reference); beyond 25,000 lines it is refused.
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPrice: 1 }));
    expect(
      parseOrder(anOrder({ items: lines(10_000) }), { allowFailureInjection: false }).items,
    ).toHaveLength(10_000);
    expect(problemsOf(anOrder({ items: lines(25_001) }))).toEqual([
      'items: must contain at most 25,000 items',
    ]);
  });

  it('rejects unknown fields and non-objects', () => {
    expect(problemsOf(anOrder({ discount: 5 }))).toEqual(['order: unknown field "discount"']);
    expect(problemsOf('order')).toEqual(['the order must be a JSON object']);
    expect(problemsOf([anOrder()])).toEqual(['the order must be a JSON object']);
  });

  it('accepts failure injection only where it is enabled', () => {
    const order = anOrder({ simulate: { failStep: 'SaveResults', failTimes: 2 } });
    expect(problemsOf(order)).toEqual([
      'simulate: failure injection is disabled here; it exists for demos and tests and needs SWF_ALLOW_FAILURE_INJECTION=true',
    ]);
    expect(parseOrder(order, { allowFailureInjection: true }).simulate).toEqual({
      failStep: 'SaveResults',
      failTimes: 2,
    });
    expect(problemsOf(anOrder({ simulate: { failStep: 'Nope' } }), true)[0]).toMatch(/^simulate.failStep: /);
  });
});

describe('looksLikeCardNumber', () => {
  it('matches Luhn-valid 13-19 digit numbers only', () => {
    expect(looksLikeCardNumber('4111111111111111')).toBe(true);
    expect(looksLikeCardNumber('4111-1111-1111-1111')).toBe(true);
    expect(looksLikeCardNumber('4111111111111112')).toBe(false);
    expect(looksLikeCardNumber('123456789012')).toBe(false);
    expect(looksLikeCardNumber('A-1001')).toBe(false);
  });
});

describe('the shipped examples', () => {
  it('are valid orders; order-fails.json needs failure injection, as docs/operate.md says', () => {
    const read = (name: string) =>
      JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as unknown;
    expect(parseOrder(read('order.json'), { allowFailureInjection: false }).orderId).toBe('A-1001');
    expect(parseOrder(read('order-fails.json'), { allowFailureInjection: true }).simulate).toEqual({
      failStep: 'NotifyCompletion',
      nonRetryable: true,
    });
    expect(() => parseOrder(read('order-fails.json'), { allowFailureInjection: false })).toThrow(
      /failure injection is disabled/,
    );
  });
});
