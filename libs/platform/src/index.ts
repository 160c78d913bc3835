export * from './config';
export * from './http/problem';
export * from './http/problem.filter';
export * from './http/validation';
export * from './http/validation-messages';
export * from './event-store.module';
export * from './http/body-parser';
export * from './data-dir';
