export * from './pathway.events';
export * from './pathway.decider';
export * from './pathways.module';
