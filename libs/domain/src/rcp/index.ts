export * from './rcp.events';
export { rcpEvolver, decideHoldRcp, type RcpState, type RcpFacts } from './rcp.decider';
export * from './rcp.module';
