import { describe, expect, it } from 'vitest';
import { overlappingPollers } from '../../lib/concurrency-check.js';
import { buildStack } from './stack-fixture.js';

/**
 * Every minute EventBridge invokes pollerConcurrency copies of each poller, and each polls until near its timeout:
 * a reservation below the overlap throttles ticks, which are dropped after the 60 s event age and trip the
 * Throttles alarms.
 */
describe('reserved concurrency', () => {
  it('is refused at synth below what the overlapping ticks need, saying the number and the ways out', () => {
    expect(() => buildStack({ pollerConcurrency: 3, reservedConcurrency: 47 })).toThrow(
      /-c reservedConcurrency: 47 is below the 48 invocations of each poller that can run at once \(3 per tick × \(15 min timeout \+ 1\)\)/,
    );
    expect(() => buildStack({ pollerConcurrency: 3, reservedConcurrency: 47 })).toThrow(
      /reserve at least 48, or 0 for none; or shorten the overlap: -c pollerTimeoutMinutes=14 fits 47/,
    );
    expect(() => buildStack({ reservedConcurrency: 1 })).toThrow(
      /1 is below the 16 invocations .*reserve at least 16, or 0 for none; or shorten the overlap: no -c pollerTimeoutMinutes \(2 at least\) fits 1 with -c pollerConcurrency=1/,
    );
  });

  it('accepts the smallest sufficient reservation, and none', () => {
    const { template } = buildStack({ pollerConcurrency: 3, reservedConcurrency: 48 });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 48 });
    expect(() =>
      buildStack({ pollerConcurrency: 2, pollerTimeoutMinutes: 7, reservedConcurrency: 16 }),
    ).not.toThrow();
    expect(() => buildStack({ reservedConcurrency: 0 })).not.toThrow();
  });

  it('counts a tick that started late as still running when the tick a timeout later fires', () => {
    expect(overlappingPollers({ pollerConcurrency: 1, pollerTimeoutMinutes: 15 })).toBe(16);
    expect(overlappingPollers({ pollerConcurrency: 5, pollerTimeoutMinutes: 2 })).toBe(15);
  });

  it('reserves nothing for the monitor and registration functions, which no reservation can starve', () => {
    const functions = Object.values(
      buildStack({ reservedConcurrency: 16 }).template.findResources('AWS::Lambda::Function'),
    ).filter((f) => f.Properties.ReservedConcurrentExecutions !== undefined);
    expect(functions.map((f) => String(f.Properties.Description)).sort()).toEqual([
      'Polls SWF activity tasks and runs the order activities',
      'Polls SWF decision tasks and decides the next steps of order workflows',
    ]);
  });
});
