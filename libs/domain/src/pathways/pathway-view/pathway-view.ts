import type { Actor, RecordedEvent } from '@parcours/event-store';
import type { EntryCorrected, EntryVoided } from '../../shared/corrections';
import { shortFrenchDate } from '../../shared/paris-time';
import { BUSINESS_TIME_FIELD, type PatientReferred, type PathwayEventType } from '../pathway.events';
import { PENDING_KINDS, type PendingKind, type PendingRow, type PathwayRow } from './pathway-view.projection';

/**
 * The pathway view as the API gives it, shaped at read time from the read model's rows and, for the
 * timeline, from the pathway's stream: the timeline in business-time order, the pending steps with what
 * they say and whether they are overdue (against the clock of the read), and the summaries of lists.
 */

/** A pending step as read: whether it is overdue depends on the clock, so it is decided at read time. */
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

const URGENCY_LABEL: Record<PatientReferred['urgency'], string> = {
  'jour-meme': 'le jour même',
  '24h': 'sous 24 h',
  programmee: 'programmée',
};

function recipient(json: string | null): string {
  const to = (json === null ? {} : JSON.parse(json)) as PatientReferred['to'];
  if (to?.profession) return to.profession;
  if (to?.structure) return to.structure;
  return 'un membre de la CPTS';
}

/**
 * What the pathway view says of a step (the worklist says it its own way). Each literal names its fields:
 * spreading a common part and adding to it takes V8's slow path (see `stepRow` in the projection).
 */
export function pendingStepOf(row: PendingRow): StoredPendingStep {
  const { kind, due_at: dueAt, overdue_from_ms: overdueFromMs } = row;
  switch (kind) {
    case 'sortie.pharmacien':
      return {
        kind,
        dueAt,
        overdueFromMs,
        summary: `Bilan médicamenteux de sortie (${row.hospital ?? ''}) à transmettre au pharmacien`,
        dischargeId: row.ref_id,
      };
    case 'sortie.suivi':
      return {
        kind,
        dueAt,
        overdueFromMs,
        summary: `Suivi à réaliser dans les 7 jours après la sortie (${row.hospital ?? ''})`,
        dischargeId: row.ref_id,
      };
    case 'adressage.reponse': {
      const urgency = (row.urgency ?? '') as PatientReferred['urgency'];
      return {
        kind,
        dueAt,
        overdueFromMs,
        summary: `Réponse attendue à l’adressage vers ${recipient(row.recipient)} (${URGENCY_LABEL[urgency] ?? urgency})`,
        referralId: row.ref_id,
        urgency,
      };
    }
    case 'rcp.revue':
      return row.review_on === null
        ? { kind, dueAt, overdueFromMs, summary: 'Revue en RCP prévue le ', rcpId: row.ref_id }
        : {
            kind,
            dueAt,
            overdueFromMs,
            summary: `Revue en RCP prévue le ${row.review_on}`,
            rcpId: row.ref_id,
            reviewOn: row.review_on,
          };
  }
}

/** What a pathway's summary needs of its pending steps: their order (`stepOrder`) and their due time. */
export type PendingDue = Pick<PendingRow, 'kind' | 'due_at' | 'overdue_from_ms' | 'ref_id'>;

/**
 * Oldest due first, then in the order of the kinds, then by what they are about (the discharge, referral or
 * RCP: `ref_id`).
 */
function stepOrder(a: PendingDue, b: PendingDue): number {
  return (
    a.overdue_from_ms - b.overdue_from_ms ||
    PENDING_KINDS.indexOf(a.kind) - PENDING_KINDS.indexOf(b.kind) ||
    a.ref_id.localeCompare(b.ref_id)
  );
}

function orderedRows(rows: readonly PendingRow[]): PendingRow[] {
  return [...rows].sort(stepOrder);
}

/**
 * The due time a summary shows: what scanning the steps in `stepOrder` for a strictly earlier due time
 * gives — the earliest, the first in that order among equals, and the first step's if that is no time —
 * found in one pass rather than by sorting the steps.
 */
function nextDue(pending: readonly PendingDue[]): string | null {
  let first: PendingDue | null = null;
  for (const step of pending) if (first === null || stepOrder(step, first) < 0) first = step;
  if (first === null) return null;
  let best = first;
  let bestMs = Date.parse(first.due_at); // NaN: nothing compares below it, the first step's stays
  for (const step of pending) {
    const ms = Date.parse(step.due_at);
    if (ms < bestMs || (ms === bestMs && stepOrder(step, best) < 0)) {
      best = step;
      bestMs = ms;
    }
  }
  return best.due_at;
}

/** The steps as the view lists them (`orderedRows`). */
export function orderedSteps(rows: PendingRow[]): StoredPendingStep[] {
  return orderedRows(rows).map(pendingStepOf);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The business time of an entry: its own field (as corrected), the recorded time if it has none. */
function businessTime(type: string, data: Record<string, unknown>): string | null {
  const field = Object.hasOwn(BUSINESS_TIME_FIELD, type)
    ? BUSINESS_TIME_FIELD[type as PathwayEventType]
    : undefined;
  return field === undefined ? null : text(data[field]);
}

const isEntry = (type: string): boolean =>
  Object.hasOwn(BUSINESS_TIME_FIELD, type) || type === 'EntryCorrected' || type === 'EntryVoided';

/**
 * The timeline from the pathway's stream (its events upcast, in stream order, up to the revision the view
 * stands at): every entry with its corrections merged and its voiding marked, the corrections and voidings
 * themselves included, in business-time order (then as recorded, then stream order).
 */
export function timelineOf(stream: ReadonlyArray<RecordedEvent>): TimelineEntry[] {
  const entries: Array<TimelineEntry & { revision: number }> = [];
  const byId = new Map<string, TimelineEntry>();
  for (const event of stream) {
    if (!isEntry(event.type)) continue;
    const { eventId, recordedAt, actor } = event.metadata;
    const entry = {
      eventId,
      type: event.type,
      at: businessTime(event.type, event.data) ?? recordedAt,
      recordedAt,
      actor: { id: actor.id, role: actor.role },
      data: event.data,
      voided: false,
      corrected: false,
      revision: event.revision,
    };
    entries.push(entry);
    byId.set(eventId, entry);
    if (event.type !== 'EntryCorrected' && event.type !== 'EntryVoided') continue;
    const change = event.data as unknown as EntryCorrected | EntryVoided;
    const target = byId.get(change.targetEventId);
    if (!target) continue;
    if (event.type === 'EntryVoided') target.voided = true;
    else {
      target.data = { ...target.data, ...(change as EntryCorrected).correction };
      target.corrected = true;
      target.at = businessTime(target.type, target.data) || target.at;
    }
  }
  const instants = new Map(entries.map((entry) => [entry, Date.parse(entry.at)]));
  return entries
    .sort(
      (a, b) =>
        instants.get(a)! - instants.get(b)! ||
        a.recordedAt.localeCompare(b.recordedAt) ||
        a.revision - b.revision,
    )
    .map(({ revision: _revision, ...entry }) => entry);
}

export function shapePathwayView(
  row: PathwayRow,
  pending: PendingRow[],
  timeline: TimelineEntry[],
): StoredPathwayView {
  return {
    id: row.pathway_id,
    patientId: row.patient_id,
    kind: row.kind,
    status: row.status,
    openedAt: row.opened_at,
    ...(row.status === 'closed' && row.closed_at !== null ? { closedAt: row.closed_at } : {}),
    revision: row.revision,
    pending: orderedSteps(pending),
    timeline,
  };
}

/** A pathway in lists: its count of steps and the next due date, without shaping each step. */
export function summaryOf(row: PathwayRow, pending: readonly PendingDue[]): PathwaySummary {
  const next = nextDue(pending);
  return {
    id: row.pathway_id,
    patientId: row.patient_id,
    kind: row.kind,
    status: row.status,
    openedAt: row.opened_at,
    revision: row.revision,
    pendingCount: pending.length,
    ...(row.closed_at === null || row.status !== 'closed' ? {} : { closedAt: row.closed_at }),
    ...(next === null ? {} : { nextDueAt: next }),
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

/** `dd/mm` of a business time, `?` if it is not one (worklist summaries). */
export function safeDate(value: string): string {
  return Number.isFinite(Date.parse(value)) ? shortFrenchDate(value) : '?';
}
