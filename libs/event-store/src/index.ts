export * from './event-store.port';
export * from './errors';
export { verifyChain, genesisHash, eventHash, type ChainBreak } from './hash-chain';
export {
  SqliteEventStore,
  type SqliteEventStoreOptions,
  type WriteFailure,
} from './sqlite/sqlite-event-store';
export { storageUnavailable, diskRefusal } from './sqlite/storage-errors';
export {
  EventStoreDbEventStore,
  encodePosition,
  decodePosition,
  type EventStoreDbOptions,
  type ForeignEventsReport,
} from './eventstoredb/eventstoredb-event-store';
