import type { Command } from '../shared/decider';
import type { ProtocolAdherentRegistered, ProtocolPublished, ProtocolRetired } from './protocol.events';

/** What a coordinator asks of the CPTS's protocol catalogue (`docs/events.md`, Protocols). */
export type PublishProtocol = Command<'PublishProtocol', ProtocolPublished>;
export type RegisterProtocolAdherent = Command<'RegisterProtocolAdherent', ProtocolAdherentRegistered>;
export type RetireProtocol = Command<'RetireProtocol', ProtocolRetired>;

export type ProtocolCommand = PublishProtocol | RegisterProtocolAdherent | RetireProtocol;
