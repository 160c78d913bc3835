export * from './pathway.events';
export * from './pathway.commands';
export * from './pathway.decider';
export { PathwayCommandMessage } from './pathways.handler';
export * from './pathways.module';
