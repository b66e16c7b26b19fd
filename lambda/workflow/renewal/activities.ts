import type { Notifier } from '../effects.js';
import type { ActivityContext, ActivityFunction, ActivityPayload } from '../types.js';
import { parseRenewal, type Renewal } from './schema.js';
import { subscriptionSubject } from './subject.js';

/** The ports renewals use: the notifier every workflow shares (SNS on AWS, the outbox locally). */
export interface RenewalPorts {
  notifier: Notifier;
}

const renewalOf = (payload: ActivityPayload): Renewal => parseRenewal(payload.input);
const owner = (context: ActivityContext<RenewalPorts>) => ({
  lineageId: context.lineageId,
  runId: context.runId,
});
const subject = (renewal: Renewal) => subscriptionSubject(renewal.subscriptionId);

/** Sends one notification about the subscription, once per event and run lineage. */
function notify(
  context: ActivityContext<RenewalPorts>,
  renewal: Renewal,
  eventType: 'RenewalReminder' | 'SubscriptionRenewed',
  message: { subject: string; body: string },
) {
  return context.ports.notifier.send(
    {
      key: `${subject(renewal)}:${eventType}:${context.lineageId}`,
      orderId: subject(renewal),
      eventType,
      recipient: renewal.email,
      ...message,
    },
    owner(context),
  );
}

/** Tells the customer the subscription renews soon. */
export const sendReminder: ActivityFunction<RenewalPorts> = async (payload, context) => {
  const renewal = renewalOf(payload);
  const reminded = await notify(context, renewal, 'RenewalReminder', {
    subject: `Your ${renewal.plan} plan renews soon`,
    body: `It renews in ${Math.round(renewal.reminderLeadSeconds / 3600)} hour(s) for ${renewal.amount} ${renewal.currency}.`,
  });
  return { reminded };
};

/** Charges the renewal: returns the receipt (the amount and a receipt id derived from the run's lineage). */
export const chargeRenewal: ActivityFunction<RenewalPorts> = (payload, context) => {
  const renewal = renewalOf(payload);
  return {
    receipt: `rcpt-${renewal.subscriptionId}-${context.lineageId.slice(0, 8)}`,
    amount: renewal.amount,
    currency: renewal.currency,
  };
};

/** Compensation of ChargeRenewal: refunds the receipt. */
export const refundRenewal: ActivityFunction<RenewalPorts> = (payload) => {
  const receipt = (payload.previousResults.ChargeRenewal as { receipt?: string } | null)?.receipt ?? null;
  return { refunded: receipt };
};

/** Moves the subscription's end date one period on, from the charge's time. */
export const extendSubscription: ActivityFunction<RenewalPorts> = (payload) => {
  const renewal = renewalOf(payload);
  return { extendedBy: renewal.plan === 'yearly' ? '1 year' : '1 month' };
};

/** Confirms the renewal to the customer. */
export const notifyRenewed: ActivityFunction<RenewalPorts> = async (payload, context) => {
  const renewal = renewalOf(payload);
  const notified = await notify(context, renewal, 'SubscriptionRenewed', {
    subject: `Your ${renewal.plan} plan was renewed`,
    body: `We charged ${renewal.amount} ${renewal.currency}. Thank you.`,
  });
  return { notified };
};
