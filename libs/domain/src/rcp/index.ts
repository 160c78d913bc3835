export * from './rcp.events';
export { rcpEvolver, decideHoldRcp, type RcpState, type RcpFacts } from './rcp.decider';
export type { RcpRegisterEntry } from './rcp.register';
export * from './rcp.module';
