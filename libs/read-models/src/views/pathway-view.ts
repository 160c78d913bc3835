import { followUpDue, pharmacistDue, referralDue, reviewDue } from '../worklist/worklist.rules';
import {
  BUSINESS_TIME_FIELD,
  type CorrectionEvent,
  effectiveEvents,
  fold,
  pathwayEvolver,
  toStored,
  type OpenedPathway,
  type PathwayEvent,
  type PatientReferred,
  type RcpHeld,
  type StoredEvent,
} from '@parcours/domain';
import type { Actor, RecordedEvent } from '@parcours/event-store';

/**
 * The pathway view, computed the same way from the read model (event by event, as the projection
 * applies them) and from an as-of replay of the event store: both keep the stream's events with
 * `stepPathway` and shape them with `shapePathwayView`, so a replay up to the last recorded event gives
 * exactly the live view. The status and the pending steps come from the write side's own fold of the
 * stream as it now stands (corrections applied, voidings out); the timeline shows every entry as recorded.
 */

type PathwayStreamEvent = StoredEvent<PathwayEvent | CorrectionEvent>;

/** What the view keeps between events: the stream's events, and who recorded each. */
export interface FoldedPathway {
  events: PathwayStreamEvent[];
  revision: number;
  /** The envelope's actor of each entry (the stored context keeps only the id). */
  actors: Record<string, Actor>;
}

export const emptyPathway = (): FoldedPathway => ({ events: [], revision: -1, actors: {} });

export function stepPathway(folded: FoldedPathway, event: RecordedEvent): FoldedPathway {
  return {
    events: [...folded.events, toStored<PathwayEvent | CorrectionEvent>(event)],
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
 * The worklist's items of one pathway (`docs/indicators.md`, Worklist): none once it is closed. Due times come
 * from the worklist's rules (the one deadline function), so a pathway's pending steps and the worklist
 * always agree. The state is the stream as it now stands: voided entries neither open nor close a step,
 * corrected ones count with their corrected fields.
 */
export function pendingSteps(state: OpenedPathway, rcpCases: RcpCaseRef[]): StoredPendingStep[] {
  if (state.status === 'closed') return [];
  const steps: StoredPendingStep[] = [];
  for (const discharge of Object.values(state.discharges)) {
    const { dischargeId, dischargeAt } = discharge;
    const hospital = discharge.hospital.name;
    const pharmacist = pharmacistDue(dischargeAt);
    if (pharmacist && !discharge.reconciled) {
      steps.push({
        kind: 'sortie.pharmacien',
        ...pharmacist,
        summary: `Bilan médicamenteux de sortie (${hospital}) à transmettre au pharmacien`,
        dischargeId,
      });
    }
    const followUp = followUpDue(dischargeAt);
    if (followUp && !discharge.followedUp) {
      steps.push({
        kind: 'sortie.suivi',
        ...followUp,
        summary: `Suivi à réaliser dans les 7 jours après la sortie (${hospital})`,
        dischargeId,
      });
    }
  }
  for (const referral of Object.values(state.referrals)) {
    if (referral.accepted || referral.declined || referral.completed) continue;
    const due = referralDue(referral.referredAt, referral.urgency);
    if (!due) continue;
    steps.push({
      kind: 'adressage.reponse',
      ...due,
      summary: `Réponse attendue à l’adressage vers ${recipient(referral.to)} (${URGENCY_LABEL[referral.urgency] ?? referral.urgency})`,
      referralId: referral.referralId,
      urgency: referral.urgency,
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

/** Every event of the stream as the timeline shows it: corrections merged, voidings marked. */
function timelineOf(folded: FoldedPathway): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const byId = new Map<string, TimelineEntry>();
  for (const event of folded.events) {
    const entry: TimelineEntry = {
      eventId: event.context.eventId,
      type: event.type,
      at: event.context.recordedAt,
      recordedAt: event.context.recordedAt,
      actor: folded.actors[event.context.eventId] ?? { id: event.context.actorId, role: 'system' },
      data: { ...(event.data as unknown as Record<string, unknown>) },
      voided: false,
      corrected: false,
    };
    entries.push(entry);
    byId.set(entry.eventId, entry);
    if (event.type === 'EntryCorrected' || event.type === 'EntryVoided') {
      const target = byId.get(event.data.targetEventId);
      if (!target) continue;
      if (event.type === 'EntryVoided') target.voided = true;
      else {
        target.data = { ...target.data, ...event.data.correction };
        target.corrected = true;
      }
    }
  }
  for (const entry of entries) {
    const field = BUSINESS_TIME_FIELD[entry.type as PathwayEvent['type']];
    const value = field ? entry.data[field] : undefined;
    if (typeof value === 'string') entry.at = value;
  }
  return entries;
}

/** The view of a folded pathway, or null when there is no pathway (nothing opened it). */
export function shapePathwayView(
  pathwayId: string,
  folded: FoldedPathway,
  rcpCases: RcpCaseRef[],
): StoredPathwayView | null {
  const state = fold(pathwayEvolver, effectiveEvents(folded.events));
  if (!state.exists) return null;
  const timeline = timelineOf(folded)
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
