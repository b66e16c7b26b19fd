import { unknownDomain } from '../protocol/faults.js';
import type { ChangeSet } from '../store/store.js';
import type { DomainRecord, TypeKind, TypeRecord } from './records.js';

export const typeKey = (domain: string, kind: TypeKind, name: string, version: string) =>
  `${domain}|${kind}|${name}|${version}`;

type RegistryChanges = Pick<ChangeSet, 'domains' | 'types' | 'deletedTypes'>;

/**
 * Domains and types, all in memory (they are few). Changes go through its methods, which note what to write
 * and how to take it back if the transaction fails.
 */
export class RegistryState {
  private readonly domainsByName = new Map<string, DomainRecord>();
  private readonly typesByKey = new Map<string, TypeRecord>();
  private tx: { changes: RegistryChanges; undo: (() => void)[] } | undefined;

  load(domains: readonly DomainRecord[], types: readonly TypeRecord[]): void {
    for (const domain of domains) this.domainsByName.set(domain.name, domain);
    for (const type of types)
      this.typesByKey.set(typeKey(type.domain, type.kind, type.name, type.version), type);
  }

  begin(): void {
    this.tx = { changes: { domains: [], types: [], deletedTypes: [] }, undo: [] };
  }

  pending(): RegistryChanges {
    return this.current.changes;
  }

  committed(): void {
    this.tx = undefined;
  }

  rollback(): void {
    const undo = this.tx?.undo ?? [];
    this.tx = undefined;
    for (const step of undo.reverse()) step();
  }

  private get current() {
    if (!this.tx) throw new Error('state changed outside a transaction');
    return this.tx;
  }

  private remember<V>(map: Map<string, V>, key: string): void {
    const had = map.has(key);
    const old = map.get(key);
    this.current.undo.push(() => (had ? map.set(key, old as V) : map.delete(key)));
  }

  /** A registered domain (deprecated ones too); UnknownResourceFault otherwise. */
  domain(name: string): DomainRecord {
    const domain = this.domainsByName.get(name);
    if (!domain) throw unknownDomain(name);
    return domain;
  }

  findDomain(name: string): DomainRecord | undefined {
    return this.domainsByName.get(name);
  }

  domains(): DomainRecord[] {
    return [...this.domainsByName.values()];
  }

  type(domain: string, kind: TypeKind, name: string, version: string): TypeRecord | undefined {
    return this.typesByKey.get(typeKey(domain, kind, name, version));
  }

  types(): TypeRecord[] {
    return [...this.typesByKey.values()];
  }

  saveDomain(domain: DomainRecord): void {
    this.remember(this.domainsByName, domain.name);
    this.domainsByName.set(domain.name, domain);
    this.current.changes.domains.push(domain);
  }

  saveType(type: TypeRecord): void {
    const key = typeKey(type.domain, type.kind, type.name, type.version);
    this.remember(this.typesByKey, key);
    this.typesByKey.set(key, type);
    this.current.changes.types.push(type);
  }

  deleteType(type: TypeRecord): void {
    const key = typeKey(type.domain, type.kind, type.name, type.version);
    this.remember(this.typesByKey, key);
    this.typesByKey.delete(key);
    this.current.changes.deletedTypes.push(type);
  }
}
