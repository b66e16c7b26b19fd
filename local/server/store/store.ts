import type {
  ActivityTaskRecord,
  ChildRecord,
  DomainRecord,
  EventRecord,
  ExecutionRecord,
  TimerRecord,
  TypeRecord,
} from '../engine/records.js';

/**
 * What one request changed in one run, at the grain of the store's rows: the run's own row (its scalars), and
 * the keys of the activities, timers and children that changed (written if the run still has them, deleted if not).
 */
export interface RunChange {
  execution: ExecutionRecord;
  isNew: boolean;
  row: boolean;
  activities: Set<string>;
  timers: Set<string>;
  children: Set<string>;
}

/** Everything one request changed, written in a single transaction before the response goes out. */
export interface ChangeSet {
  domains: DomainRecord[];
  types: TypeRecord[];
  deletedTypes: TypeRecord[];
  runs: RunChange[];
  events: { runId: string; event: EventRecord }[];
}

export interface StoredState {
  secret: string | undefined;
  domains: DomainRecord[];
  types: TypeRecord[];
  /** Open runs only, whole: closed runs stay on disk and are read when a query needs them. */
  openExecutions: ExecutionRecord[];
}

/** Which closed runs a ListClosed/CountClosed asks for (one filter at most, as SWF allows). */
export interface ClosedQuery {
  domain: string;
  byClose: boolean;
  oldest: number;
  latest: number;
  workflowId?: string;
  typeName?: string;
  typeVersion?: string;
  tag?: string;
  closeStatus?: string;
  reverse: boolean;
}

/** How the store tells the engine it could not write: retryable (busy, I/O), nothing applied. */
export class StoreUnavailable extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Persistence behind the engine. The engine keeps open runs in memory and writes each request's changes through. */
export interface Store {
  readonly kind: 'memory' | 'sqlite';
  load(): StoredState;
  saveSecret(secret: string): void;
  commit(changes: ChangeSet): void;
  /** A run as last committed, whole (open or closed); undefined if it was never committed or was purged. */
  loadRun(runId: string): ExecutionRecord | undefined;
  /** A run's history as committed, in event order (the first `limit` events if given). */
  events(runId: string, limit?: number): EventRecord[];
  /** The runIds of the closed runs a query selects, in the order SWF lists them. */
  closedRunIds(query: ClosedQuery): string[];
  /** Deletes closed runs (rows and history) whose domain's retention ended before `now`; returns how many. */
  purge(now: number, retentionMs: ReadonlyMap<string, number>): number;
  close(): void;
}

export type { ActivityTaskRecord, ChildRecord, TimerRecord };
