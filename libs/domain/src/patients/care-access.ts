import { Injectable } from '@nestjs/common';
import type { Principal } from '@parcours/auth';
import { restrictedMember } from '../shared/http/readers';
import { AccessLog, type AccessLogEntry } from './access-log.port';
import { CareTeamQueries } from './care-team/care-team.queries';

/** The purposes of an emergency access ("bris de glace"): codes, never free text (no health data in the log). */
export const BREAK_GLASS_PURPOSES = [
  'urgence-vitale',
  'patient-inconscient',
  'continuite-des-soins',
  'demande-du-samu',
] as const;
export type BreakGlassPurpose = (typeof BREAK_GLASS_PURPOSES)[number];

/** How an emergency access is written in the access log's `purpose`: `bris-de-glace:<purpose>`. */
export const BREAK_GLASS_PREFIX = 'bris-de-glace:';

/** How long an emergency access opens a patient's record to the professional who asked. */
export const BREAK_GLASS_DURATION_MS = 4 * 60 * 60 * 1000;

/**
 * When the professional's latest emergency access to the patient ends, or null when none is open at `now`:
 * the access log is the only record of it (each one is written there before it opens anything).
 */
export function breakGlassUntil(
  entries: readonly AccessLogEntry[],
  actorId: string,
  now: Date,
): string | null {
  let until: number | null = null;
  for (const entry of entries) {
    if (entry.actorId !== actorId || !entry.purpose.startsWith(BREAK_GLASS_PREFIX)) continue;
    const at = Date.parse(entry.at);
    if (at > now.getTime()) continue;
    const end = at + BREAK_GLASS_DURATION_MS;
    if (end > now.getTime() && (until === null || end > until)) until = end;
  }
  return until === null ? null : new Date(until).toISOString();
}

/**
 * Who may read a patient's record, pathways and worklist items: coordinators and auditors all of their
 * CPTS; a professional only while in the patient's care circle, involved in the pathway (a referral
 * accepted, a protocol applied, while it is open), or within an emergency access. Anything else is
 * answered as if it did not exist.
 */
@Injectable()
export class CareAccess {
  constructor(
    private readonly careTeams: CareTeamQueries,
    private readonly accessLog: AccessLog,
  ) {}

  /** The emergency access the member holds on the patient at `now`: its end, or null. */
  breakGlass(cptsId: string, patientId: string, memberId: string, now = new Date()): string | null {
    const entries = this.accessLog.list({
      cptsId,
      patientId,
      purposePrefix: BREAK_GLASS_PREFIX,
      from: new Date(now.getTime() - BREAK_GLASS_DURATION_MS).toISOString(),
      limit: 1000,
    });
    return breakGlassUntil(entries, memberId, now);
  }

  /**
   * Whether the principal may read this patient. `inCircle` (from the patient's stream as it stands, when
   * the caller has it) is preferred to the read model, which may be a moment behind.
   */
  patient(principal: Principal, cptsId: string, patientId: string, inCircle?: boolean): boolean {
    const member = restrictedMember(principal);
    if (member === undefined) return true;
    return (
      (inCircle ?? this.careTeams.inCircle(cptsId, patientId, member)) ||
      this.careTeams.involvedWith(cptsId, patientId, member) ||
      this.breakGlass(cptsId, patientId, member) !== null
    );
  }

  /** Whether the principal may read this pathway of this patient. */
  pathway(principal: Principal, cptsId: string, pathwayId: string, patientId: string): boolean {
    const member = restrictedMember(principal);
    if (member === undefined) return true;
    return (
      this.careTeams.inCircle(cptsId, patientId, member) ||
      this.careTeams.involvedIn(cptsId, pathwayId, member) ||
      this.breakGlass(cptsId, patientId, member) !== null
    );
  }
}
