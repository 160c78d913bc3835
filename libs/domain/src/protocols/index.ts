export {
  PROTOCOL_KINDS,
  DELEGATING_PROFESSIONS,
  type ProtocolKind,
  type ProtocolEligibility,
  type ProtocolEvent,
  type ProtocolPublished,
  type ProtocolAdherentRegistered,
  type ProtocolRetired,
} from './protocol.events';
export * from './protocol.commands';
export {
  protocolEvolver,
  decideProtocol,
  versionInForce,
  type ProtocolState,
  type ProtocolVersion,
  type ProtocolAdherent,
} from './protocol.decider';
export { NATIONAL_PROTOCOLS } from './national-protocols';
export { ProtocolCommandMessage } from './protocols.handler';
export * from './protocols.module';
export * from './protocol-catalogue/protocol-catalogue.projection';
