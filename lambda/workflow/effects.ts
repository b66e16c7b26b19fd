import type { Json } from './types.js';

/*
 * The side-effect ports every workflow module shares: who owns an effect, the ledger, notifications and the
 * view of what a run lineage left behind. A module's own stores (the order store) live in its folder.
 */

/**
 * Who applied an effect: the lineage (the first run of a resume chain) owns it, so only that run and the runs
 * resumed from it may undo it; `runId` is the run that actually applied it (shown by `swfctl order`).
 */
export interface EffectOwner {
  lineageId: string;
  runId: string;
}

/**
 * What a conditional effect did: `applied` (this call changed the store), `already` (the same lineage had
 * applied it: a retried attempt), `foreign` (another lineage owns it: left alone) or `absent` (nothing to undo).
 */
export type EffectOutcome = 'applied' | 'already' | 'foreign' | 'absent';

/** One side effect the store applied, kept so tests, the chaos run and `swfctl order` can reconcile. */
export interface LedgerEntry {
  kind: 'reserve' | 'release' | 'save' | 'delete';
  orderId: string;
  sequence: number;
  lineageId: string;
  runId: string;
  at: string;
}

/** A stored effect and its owner. */
export interface OwnedEffect<T> extends EffectOwner {
  value: T;
  at: string;
}

/** The state of one notification: claimed by an attempt that is publishing it, or sent. */
export interface NotificationState {
  key: string;
  orderId: string;
  eventType: string;
  status: 'pending' | 'sent';
  runId: string;
  lineageId: string;
  /** Set once sent: the channel's message id (SNS MessageId locally an outbox id). */
  messageId?: string;
  at: string;
}

/**
 * Everything stored under one subject (an order id, \`subscription-<id>\`): its record and reservation (order
 * effects), notifications, effect ledger and the runs that touched it; for \`swfctl effects\`, the operations
 * function and the console. \`orderId\` is the subject, named after the column it is stored in.
 */
export interface Effects {
  orderId: string;
  record?: OwnedEffect<object>;
  reservation?: OwnedEffect<Json>;
  notifications: NotificationState[];
  /** Effects applied and undone, oldest first. */
  ledger: LedgerEntry[];
  /** Every run that applied an effect or a notification, oldest first. */
  runs: string[];
}

/** One notification, sent at most once per key. */
export interface Notification {
  /** Deduplication key: one notification per key, however often it is retried. */
  key: string;
  orderId: string;
  /** What happened, e.g. "OrderConfirmed"; a message attribute subscribers can filter on. */
  eventType: string;
  recipient: string;
  subject: string;
  body: string;
}

/** Sends order events (SNS on AWS, an outbox table locally), at most once per key in the normal case. */
export interface Notifier {
  /** `sent` when this call published it, `duplicate` when it was already sent. */
  send(notification: Notification, owner: EffectOwner): Promise<'sent' | 'duplicate'>;
}

/** Another attempt holds the notification's claim and may be publishing it right now: retry later. */
export class NotificationInProgress extends Error {
  override name = 'NotificationInProgress';
  constructor(key: string, untilIso: string) {
    super(
      `notification ${key} is being published by another attempt (claim held until ${untilIso}); a retry will find it sent`,
    );
  }
}
