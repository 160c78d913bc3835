export * from './projection';
export * from './read-store';
export * from './runner';
export * from './rebuild';
export * from './projections.module';
export * from './projection-spec';
