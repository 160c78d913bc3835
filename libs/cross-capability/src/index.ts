export * from './cross-capability.module';
export * from './worklist';
export * from './indicators';
export * from './financing';
export * from './audit';
export * from './exports';
