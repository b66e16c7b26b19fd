import { describe, expect, it } from 'vitest';
import {
  cardNumberPaths,
  containsCardNumber,
  redactCardNumbers,
} from '../../../lambda/workflow/card-data.js';

/** The test numbers card networks and payment providers publish (none is a real account). */
const TEST_CARDS: [brand: string, number: string][] = [
  ['Visa', '4111111111111111'],
  ['Visa', '4242424242424242'],
  ['Visa', '4012888888881881'],
  ['Visa, 13 digits', '4222222222222'],
  ['Mastercard', '5555555555554444'],
  ['Mastercard', '5105105105105100'],
  ['Mastercard 2-series', '2223003122003222'],
  ['American Express', '378282246310005'],
  ['American Express', '371449635398431'],
  ['Discover', '6011111111111117'],
  ['Discover', '6011000990139424'],
  ['Diners Club', '30569309025904'],
  ['Diners Club', '38520000023237'],
  ['JCB', '3530111333300000'],
  ['JCB', '3566002020360505'],
  ['UnionPay', '6200000000000005'],
];

/** How a number hides in real inputs. */
const HIDING: [how: string, wrap: (n: string) => string][] = [
  ['bare', (n) => n],
  ['grouped by spaces', (n) => n.replace(/(\d{4})(?=\d)/g, '$1 ')],
  ['grouped by dashes', (n) => n.replace(/(\d{4})(?=\d)/g, '$1-')],
  ['grouped by dots', (n) => n.replace(/(\d{4})(?=\d)/g, '$1.')],
  ['in full-width digits', (n) => n.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))],
  ['as an e-mail address', (n) => `${n}@example.com`],
  ['in free text', (n) => `pay with ${n.replace(/(\d{4})(?=\d)/g, '$1 ')} exp 12/28 cvv 123`],
  ['after a no-break space', (n) => `card\u00a0${n}`],
];

/** Numbers that look alike and must pass. */
const LOOK_ALIKES: [what: string, text: string][] = [
  ['a 16-digit number failing Luhn', '4111111111111112'],
  ['a millisecond timestamp', '1732579200000'],
  ['a phone number', '+55 11 99999-8888'],
  ['a US phone number', '+1 415 555 2671'],
  ['an ISBN-13', '978-3-16-148410-0'],
  ['an IBAN', 'DE89 3704 0044 0532 0130 00'],
  ['a UPS tracking number', '1Z999AA10123456784'],
  ['a long reference', '12345678901234567890'],
  ['an order id', 'A-1001'],
  ['a payment token', 'tok_visa_4242abcd'],
  ['a date and time', '2026-11-26 03:18:22.120'],
  ['an amount', '4111.11'],
  ['a UUID', '3f2b8c9e-41d1-4a6b-9f11-111111111111'],
  ['a Luhn-valid number without a card prefix', '79927398713000'],
  ['a Visa prefix with a length Visa never issues', '411111111111111111'.slice(0, 15)],
];

describe('card numbers anywhere', () => {
  for (const [brand, number] of TEST_CARDS) {
    for (const [how, wrap] of HIDING) {
      it(`finds ${brand} ${how}`, () => {
        expect(containsCardNumber(wrap(number))).toBe(true);
      });
    }
  }

  for (const [what, text] of LOOK_ALIKES) {
    it(`lets ${what} pass (${text})`, () => {
      expect(containsCardNumber(text)).toBe(false);
    });
  }

  it('names the path of each card number in a JSON value, never the number', () => {
    const paths = cardNumberPaths({
      orderId: 'A-1',
      notes: 'pay with 4111 1111 1111 1111 exp 12/28',
      customerEmail: '4111111111111111@example.com',
      items: [
        { sku: 'X', quantity: 1 },
        { sku: 'Y', memo: '５５５５５５５５５５５５４４４４' },
      ],
      amount: 4242424242424242,
      '378282246310005': 'as a key',
    });
    expect(paths).toEqual(['notes', 'customerEmail', 'items[1].memo', 'amount', '<key>']);
    expect(paths.join()).not.toMatch(/\d{6}/);
  });

  it('redacts card numbers from text for logs, and leaves the rest as it was', () => {
    expect(
      redactCardNumbers('pay with 4111 1111 1111 1111 exp 12/28, order A-1001, call +1 415 555 2671'),
    ).toBe('pay with [card number redacted] exp 12/28, order A-1001, call +1 415 555 2671');
    expect(redactCardNumbers('４１１１１１１１１１１１１１１１')).toBe('[card number redacted]');
    expect(redactCardNumbers('nothing here: 1732579200000')).toBe('nothing here: 1732579200000');
  });
});
