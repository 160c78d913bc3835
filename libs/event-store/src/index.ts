export * from './event-store.port';
export * from './errors';
export { verifyChain, genesisHash, eventHash, type ChainBreak } from './hash-chain';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export {
  EventStoreDbEventStore,
  encodePosition,
  decodePosition,
  type EventStoreDbOptions,
  type ForeignEventsReport,
} from './eventstoredb/eventstoredb-event-store';
