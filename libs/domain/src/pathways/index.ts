export * from './pathway.events';
export * from './pathway.commands';
export * from './pathway.decider';
export { PathwayCommandMessage } from './pathways.handler';
export * from './pathways.module';
export * from './pathway-view/pathway-view.projection';
export * from './pathway-view/pathway-view';
export * from './pathway-view/pathway-view.queries';
