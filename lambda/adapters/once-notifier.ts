import {
  type EffectOwner,
  type Notification,
  NotificationInProgress,
  type NotificationState,
  type Notifier,
} from '../workflow/order/ports.js';

/** A claim on a notification: who holds it and until when (another attempt may take it over after). */
export interface NotificationClaim {
  token: string;
  nowIso: string;
  untilIso: string;
}

/** The record of notifications, kept with conditional writes beside the order's other effects. */
export interface NotificationLog {
  /** Claims the key unless it was sent or another live claim holds it; then returns that state instead. */
  claimNotification(
    notification: Notification,
    owner: EffectOwner,
    claim: NotificationClaim,
  ): Promise<{ claimed: true } | { claimed: false; state: NotificationState; claimedUntil?: string }>;
  /** Marks the claimed key sent (only while `token` still holds it). */
  completeNotification(
    notification: Notification,
    token: string,
    messageId: string,
    at: string,
  ): Promise<void>;
  /** Gives the claim back after a failed publish, so a retry can publish at once. */
  releaseNotification(notification: Notification, token: string): Promise<void>;
}

/** Publishes one message and returns its id (SNS MessageId, or an outbox id locally). */
export type NotificationChannel = (notification: Notification, owner: EffectOwner) => Promise<string>;

export interface OnceNotifierOptions {
  /** How long a claim holds before another attempt may publish: longer than any publish takes. */
  leaseMs?: number;
  now?: () => number;
  newToken?: () => string;
}

/**
 * Record first, then publish, then mark sent. A retried attempt finds the notification sent and publishes
 * nothing. What remains at-least-once: an attempt that dies after publishing and before marking sent leaves a
 * claim; once it lapses (`leaseMs`), a retry publishes again. Subscribers deduplicate on the idempotency key.
 */
export function onceNotifier(
  log: NotificationLog,
  channel: NotificationChannel,
  options: OnceNotifierOptions = {},
): Notifier {
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? Date.now;
  const newToken = options.newToken ?? (() => crypto.randomUUID());
  return {
    async send(notification, owner) {
      const started = now();
      const claim = {
        token: newToken(),
        nowIso: new Date(started).toISOString(),
        untilIso: new Date(started + leaseMs).toISOString(),
      };
      const outcome = await log.claimNotification(notification, owner, claim);
      if (!outcome.claimed) {
        if (outcome.state.status === 'sent') return 'duplicate';
        throw new NotificationInProgress(notification.key, outcome.claimedUntil ?? claim.untilIso);
      }
      let messageId: string;
      try {
        messageId = await channel(notification, owner);
      } catch (error) {
        await log.releaseNotification(notification, claim.token).catch(() => undefined);
        throw error;
      }
      await log.completeNotification(notification, claim.token, messageId, new Date(now()).toISOString());
      return 'sent';
    },
  };
}
