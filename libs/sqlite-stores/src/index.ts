export * from './access-log/sqlite-access-log';
export * from './idempotency/sqlite-idempotency.store';
export * from './sqlite-stores.module';
