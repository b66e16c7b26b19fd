import type { DomainRecord, EventRecord, ExecutionRecord, TypeRecord } from '../engine/records.js';

/** Everything one request changed, written in a single transaction before the response goes out. */
export interface ChangeSet {
  domains: DomainRecord[];
  types: TypeRecord[];
  deletedTypes: TypeRecord[];
  executions: ExecutionRecord[];
  events: { runId: string; event: EventRecord }[];
  /** Closed runs past their domain's retention period, removed with their history. */
  purgedRuns: string[];
}

export interface StoredState {
  secret: string | undefined;
  domains: DomainRecord[];
  types: TypeRecord[];
  executions: ExecutionRecord[];
  events: Map<string, EventRecord[]>;
}

/** Persistence behind the engine. The engine keeps its state in memory and writes changes through. */
export interface Store {
  readonly kind: 'memory' | 'sqlite';
  load(): StoredState;
  saveSecret(secret: string): void;
  commit(changes: ChangeSet): void;
  close(): void;
}

/** For tests and throwaway runs: nothing survives the process. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  load(): StoredState {
    return { secret: undefined, domains: [], types: [], executions: [], events: new Map() };
  }
  saveSecret(): void {}
  commit(): void {}
  close(): void {}
}
