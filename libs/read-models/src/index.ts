export * from './read-models.module';
export * from './views';
export * from './worklist';
export * from './indicators';
export * from './financing';
export * from './audit';
export * from './exports';
