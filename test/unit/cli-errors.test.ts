import * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { describeFailure, normalizeEndpoint, SWF_FAULT_WORDS } from '../../local/cli/cli-context.js';

/** Every exception class the official SDK exports for SWF. */
const sdkFaults = Object.entries(S)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof S.SWFServiceException)
  .map(([name, value]) => ({ name, Fault: value as new (options: object) => Error }));

describe('swfctl errors', () => {
  it('puts every SWF fault the SDK knows into words with what to do, never just its name', () => {
    expect(sdkFaults.length).toBeGreaterThanOrEqual(11);
    for (const { name, Fault } of sdkFaults) {
      expect(SWF_FAULT_WORDS[name], name).toBeDefined();
      const fault = new Fault({ message: `resource X (${name})`, $metadata: {} });
      const { message, exitCode } = describeFailure(fault, 'http://127.0.0.1:7654');
      expect(message.startsWith(`${name}: ${SWF_FAULT_WORDS[name]?.words}`), message).toBe(true);
      expect(message).toContain(`(resource X (${name}))`);
      expect(exitCode).toBeGreaterThan(1);
    }
  });

  it('also words the service errors every AWS API shares (throttling, credentials, outages)', () => {
    for (const name of [
      'ThrottlingException',
      'AccessDeniedException',
      'UnrecognizedClientException',
      'InternalFailure',
    ]) {
      const error = Object.assign(new Error(''), { name });
      expect(describeFailure(error, 'AWS').message).toBe(`${name}: ${SWF_FAULT_WORDS[name]?.words}`);
    }
    expect(describeFailure(new Error('boom'), 'AWS')).toEqual({ message: 'Error: boom', exitCode: 1 });
  });

  it('accepts an endpoint without a scheme', () => {
    expect(normalizeEndpoint('127.0.0.1:7654')).toBe('http://127.0.0.1:7654');
    expect(normalizeEndpoint('https://swf.us-east-1.amazonaws.com')).toBe(
      'https://swf.us-east-1.amazonaws.com',
    );
    expect(normalizeEndpoint(undefined)).toBeUndefined();
  });
});
