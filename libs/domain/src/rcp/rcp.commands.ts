import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type { RcpHeld } from './rcp.events';

/** An RCP held, as recorded afterwards (`docs/events.md`, RCP). */
export type HoldRcp = Command<'HoldRcp', RcpHeld>;

export type RcpCommand = HoldRcp;
export type RcpStreamCommand = RcpCommand | CorrectEntry | VoidEntry;
