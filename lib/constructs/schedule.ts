import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/** A tick older than this is dropped: the next one comes a minute later. */
export const SCHEDULED_EVENT_MAX_AGE = Duration.seconds(60);

/**
 * Invokes `fn` `copies` times every minute, each tick once: EventBridge does not retry a failed delivery, and
 * Lambda neither retries a failed or timed-out invocation nor keeps a throttled event for hours (its defaults
 * are two retries and six hours), because a late or repeated tick is an extra poller, not a lost one.
 */
export function scheduleEveryMinute(
  scope: Construct,
  id: string,
  fn: IFunction,
  options: { description: string; copies?: number },
): events.Rule {
  const rule = new events.Rule(scope, id, {
    description: options.description,
    schedule: events.Schedule.rate(Duration.minutes(1)),
  });
  for (let i = 0; i < (options.copies ?? 1); i++) {
    rule.addTarget(
      new targets.LambdaFunction(fn, { retryAttempts: 0, maxEventAge: SCHEDULED_EVENT_MAX_AGE }),
    );
  }
  fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: SCHEDULED_EVENT_MAX_AGE });
  return rule;
}
