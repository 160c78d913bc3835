import { followUpDue, pharmacistDue, referralDue, reviewDue } from '../worklist/worklist.rules';
import {
  BUSINESS_TIME_FIELD,
  live,
  pathwayEvolver,
  toStored,
  type Entry,
  type OpenPathway,
  type PathwayEvent,
  type PathwayState,
  type PatientReferred,
  type RcpHeld,
} from '@parcours/domain';
import type { Actor, RecordedEvent } from '@parcours/event-store';

/**
 * The pathway view, computed the same way from the read model (event by event, as the projection
 * applies them) and from an as-of replay of the event store: both fold with `stepPathway` and shape with
 * `shapePathwayView`, so a replay up to the last recorded event gives exactly the live view.
 */

/** What the view keeps between events: the write side's own fold, plus who recorded each entry. */
export interface FoldedPathway {
  state: PathwayState;
  revision: number;
  /** The envelope's actor of each entry (the evolver keeps only the id). */
  actors: Record<string, Actor>;
}

export const emptyPathway = (): FoldedPathway => ({
  state: pathwayEvolver.initialState(),
  revision: -1,
  actors: {},
});

export function stepPathway(folded: FoldedPathway, event: RecordedEvent): FoldedPathway {
  return {
    state: pathwayEvolver.evolve(folded.state, toStored<PathwayEvent>(event)),
    revision: event.revision,
    actors: { ...folded.actors, [event.metadata.eventId]: { ...event.metadata.actor } },
  };
}

export function foldPathway(events: RecordedEvent[]): FoldedPathway {
  return events.reduce(stepPathway, emptyPathway());
}

/** One case of an RCP about this pathway (RCP streams are separate: the view joins them). */
export interface RcpCaseRef {
  rcpId: string;
  heldAt: string;
  reviewOn?: string;
}

/** The cases of an RCP that discuss `pathwayId`, merged into one (the latest `reviewOn` wins). */
export function rcpCaseFor(rcpId: string, data: RcpHeld, pathwayId: string): RcpCaseRef | null {
  const cases = (data.cases ?? []).filter((c) => c.pathwayId === pathwayId);
  if (cases.length === 0) return null;
  const reviews = cases.map((c) => c.reviewOn).filter((r): r is string => typeof r === 'string');
  const reviewOn = reviews.sort().at(-1);
  return { rcpId, heldAt: data.heldAt, ...(reviewOn === undefined ? {} : { reviewOn }) };
}

export const PENDING_KINDS = ['sortie.pharmacien', 'sortie.suivi', 'adressage.reponse', 'rcp.revue'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];

/** A pending step as stored: whether it is overdue depends on the clock, so it is decided at read time. */
export interface StoredPendingStep {
  kind: PendingKind;
  /** As the worklist gives it: a timestamp with the Paris offset, or a `YYYY-MM-DD` day (`rcp.revue`). */
  dueAt: string;
  /** The first instant the step is overdue (the next Paris day for a due day). */
  overdueFromMs: number;
  summary: string;
  dischargeId?: string;
  referralId?: string;
  urgency?: PatientReferred['urgency'];
  rcpId?: string;
  /** `rcp.revue`: the day of the review; it is overdue once that Paris day is over. */
  reviewOn?: string;
}

export type PendingStep = Omit<StoredPendingStep, 'kind' | 'dueAt' | 'overdueFromMs'> & {
  kind: PendingKind;
  dueAt: string;
  overdue: boolean;
};

export interface TimelineEntry {
  eventId: string;
  type: string;
  /** Business time (the event's own field, corrected); the recorded time for corrections and voidings. */
  at: string;
  recordedAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  voided: boolean;
  corrected: boolean;
}

export interface StoredPathwayView {
  id: string;
  patientId: string;
  kind: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  revision: number;
  pending: StoredPendingStep[];
  timeline: TimelineEntry[];
}

export type PathwayView = Omit<StoredPathwayView, 'pending'> & { pending: PendingStep[] };

const URGENCY_LABEL: Record<PatientReferred['urgency'], string> = {
  'jour-meme': 'le jour même',
  '24h': 'sous 24 h',
  programmee: 'programmée',
};

function recipient(to: PatientReferred['to'] | undefined): string {
  if (to?.profession) return to.profession;
  if (to?.structure) return to.structure;
  return 'un membre de la CPTS';
}

/**
 * `indicators.md` §Worklist, for one pathway: the open items, none once it is closed. Due times come
 * from the worklist's rules, so a pathway's pending steps and the worklist always agree. Voided entries
 * neither open nor close an item; corrected ones count with their corrected fields.
 */
export function pendingSteps(state: OpenPathway, rcpCases: RcpCaseRef[]): StoredPendingStep[] {
  if (state.status === 'closed') return [];
  const steps: StoredPendingStep[] = [];
  const forDischarge = (type: 'MedicationReconciliationSent' | 'FollowUpCompleted', id: unknown) =>
    live(state, type).some((e) => e.data.dischargeId === id);
  for (const discharge of live(state, 'DischargeNotified')) {
    const { dischargeId, dischargeAt } = discharge.data as { dischargeId: string; dischargeAt: string };
    const hospital = (discharge.data.hospital as { name?: string } | undefined)?.name ?? 'établissement';
    const pharmacist = pharmacistDue(dischargeAt);
    if (pharmacist && !forDischarge('MedicationReconciliationSent', dischargeId)) {
      steps.push({
        kind: 'sortie.pharmacien',
        ...pharmacist,
        summary: `Bilan médicamenteux de sortie (${hospital}) à transmettre au pharmacien`,
        dischargeId,
      });
    }
    const followUp = followUpDue(dischargeAt);
    if (followUp && !forDischarge('FollowUpCompleted', dischargeId)) {
      steps.push({
        kind: 'sortie.suivi',
        ...followUp,
        summary: `Suivi à réaliser dans les 7 jours après la sortie (${hospital})`,
        dischargeId,
      });
    }
  }
  const answered = (referralId: unknown) =>
    (['ReferralAccepted', 'ReferralDeclined', 'ReferralCompleted'] as const).some((type) =>
      live(state, type).some((e) => e.data.referralId === referralId),
    );
  for (const referral of live(state, 'PatientReferred')) {
    const data = referral.data as unknown as PatientReferred;
    const due = referralDue(data.referredAt, data.urgency);
    if (!due || answered(data.referralId)) continue;
    steps.push({
      kind: 'adressage.reponse',
      ...due,
      summary: `Réponse attendue à l’adressage vers ${recipient(data.to)} (${URGENCY_LABEL[data.urgency] ?? data.urgency})`,
      referralId: data.referralId,
      urgency: data.urgency,
    });
  }
  // Only the latest RCP about the pathway counts: a later one closes the reviews the earlier ones set.
  const latest = [...rcpCases].sort(
    (a, b) => Date.parse(b.heldAt) - Date.parse(a.heldAt) || (a.rcpId < b.rcpId ? 1 : -1),
  )[0];
  const review = latest?.reviewOn === undefined ? null : reviewDue(latest.reviewOn);
  if (latest?.reviewOn !== undefined && review) {
    steps.push({
      kind: 'rcp.revue',
      ...review,
      summary: `Revue en RCP prévue le ${latest.reviewOn}`,
      rcpId: latest.rcpId,
      reviewOn: latest.reviewOn,
    });
  }
  return steps.sort(
    (a, b) =>
      a.overdueFromMs - b.overdueFromMs ||
      PENDING_KINDS.indexOf(a.kind) - PENDING_KINDS.indexOf(b.kind) ||
      refOf(a).localeCompare(refOf(b)),
  );
}

const refOf = (step: StoredPendingStep): string => step.dischargeId ?? step.referralId ?? step.rcpId ?? '';

function businessTime(entry: Entry): string {
  const field = BUSINESS_TIME_FIELD[entry.type];
  const value = field ? entry.data[field] : undefined;
  return typeof value === 'string' ? value : entry.recordedAt;
}

/** The view of a folded pathway, or null when there is no pathway (nothing opened it). */
export function shapePathwayView(
  pathwayId: string,
  folded: FoldedPathway,
  rcpCases: RcpCaseRef[],
): StoredPathwayView | null {
  const { state } = folded;
  if (!state.exists) return null;
  const timeline = state.entries
    .map((entry): TimelineEntry => ({
      eventId: entry.eventId,
      type: entry.type,
      at: businessTime(entry),
      recordedAt: entry.recordedAt,
      actor: folded.actors[entry.eventId] ?? { id: entry.actorId, role: 'system' },
      data: entry.data,
      voided: entry.voided,
      corrected: entry.corrected,
    }))
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        Date.parse(a.entry.at) - Date.parse(b.entry.at) ||
        a.entry.recordedAt.localeCompare(b.entry.recordedAt) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
  return {
    id: pathwayId,
    patientId: state.patientId,
    kind: state.kind,
    status: state.status,
    openedAt: state.openedAt,
    ...(state.status === 'closed' && state.closedAt !== undefined ? { closedAt: state.closedAt } : {}),
    revision: folded.revision,
    pending: pendingSteps(state, rcpCases),
    timeline,
  };
}

/** Overdue against the server clock, by the worklist's rule (a due day is overdue once it is over). */
export function withOverdue(step: StoredPendingStep, now: Date): PendingStep {
  const { kind, dueAt, overdueFromMs, ...rest } = step;
  return { kind, dueAt, overdue: now.getTime() >= overdueFromMs, ...rest };
}

export function presentPathwayView(view: StoredPathwayView, now: Date): PathwayView {
  return { ...view, pending: view.pending.map((step) => withOverdue(step, now)) };
}

/** A pathway in lists: what the view says, without the timeline. */
export interface PathwaySummary {
  id: string;
  patientId: string;
  kind: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  revision: number;
  pendingCount: number;
  nextDueAt?: string;
}
