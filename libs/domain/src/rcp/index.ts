export * from './rcp.events';
export * from './rcp.commands';
export { rcpEvolver, rcpCorrections, decideRcp, type RcpState, type RcpFacts } from './rcp.decider';
export { RcpCommandMessage } from './rcp.handler';
export * from './rcp.module';
export * from './rcp-register/rcp-register.projection';
