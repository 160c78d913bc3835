import { defineProjection, type ProjectedEvent, table, type Tables } from '@parcours/projections';
import type { RcpEvent } from '../../rcp/rcp.events';
import { rcpEvolver } from '../../rcp/rcp.decider';
import type { CorrectionEvent } from '../../shared/corrections';
import { followUpDue, pharmacistDue, referralDue, reviewDue, type Due } from '../../shared/delays';
import { parseStreamId } from '../../shared/ids';
import { foldHistory, historyTable, recordInHistory } from '../../shared/stream-history';
import type { PathwayEvent, PathwayEventType } from '../pathway.events';

export const PATHWAY_VIEW = 'pathway-view';

/** A pathway's own stream, and the RCPs that discuss it (their `rcp.revue`). */
export type PathwayViewEvent = PathwayEvent | RcpEvent | CorrectionEvent;

export interface PathwayRow {
  cpts_id: string;
  pathway_id: string;
  patient_id: string;
  kind: string;
  status: 'open' | 'closed';
  opened_at: string;
  opened_ms: number;
  closed_at: string | null;
  /** The stream's revision (the view's ETag). */
  revision: number;
}

/**
 * An entry of the pathway's stream that its state follows from, with only the fields it follows from
 * (corrections merged): what a correction or a voiding derives the pathway again from. The timeline is not
 * kept here: it is read from the pathway's stream when the view is read (`timelineOf`).
 */
export interface SourceRow {
  cpts_id: string;
  pathway_id: string;
  event_id: string;
  revision: number;
  type: string;
  /** The values of its type's `BASIS` fields, in that order (a JSON array; `null` for a field absent). */
  basis: string;
  voided: number;
}

/**
 * The fields of each entry type that the pathway's state, discharges, referrals and steps follow from (what
 * `applyEntry` reads). An entry type not listed changes none of them (a protocol applied).
 */
export const BASIS: Partial<Record<PathwayEventType, readonly string[]>> = {
  PathwayOpened: ['openedAt', 'patientId', 'kind'],
  PatientReferred: ['referralId', 'referredAt', 'urgency', 'to'],
  ReferralAccepted: ['referralId'],
  ReferralDeclined: ['referralId'],
  ReferralCompleted: ['referralId'],
  DischargeNotified: ['dischargeId', 'dischargeAt', 'hospital'],
  MedicationReconciliationSent: ['dischargeId'],
  FollowUpCompleted: ['dischargeId'],
  PathwayClosed: ['closedAt'],
  PathwayReopened: [],
};

const basisOf = (type: string, data: Record<string, unknown>): string =>
  JSON.stringify((BASIS[type as PathwayEventType] ?? []).map((field) => data[field] ?? null));

/** A source's basis as the data `applyEntry` reads (the fields absent when stored absent). */
const dataOf = (source: Pick<SourceRow, 'type' | 'basis'>): Record<string, unknown> => {
  const values = JSON.parse(source.basis) as unknown[];
  const fields = BASIS[source.type as PathwayEventType] ?? [];
  return Object.fromEntries(fields.flatMap((field, i) => (values[i] === null ? [] : [[field, values[i]]])));
};

/** A discharge of the pathway and whether what it calls for was done. */
interface DischargeRow {
  cpts_id: string;
  pathway_id: string;
  discharge_id: string;
  event_id: string;
  discharge_at: string;
  hospital: string;
  reconciled: number;
  followed_up: number;
}

/** A referral of the pathway and whether it was answered (accepted, declined or completed). */
interface ReferralRow {
  cpts_id: string;
  pathway_id: string;
  referral_id: string;
  event_id: string;
  referred_at: string;
  urgency: string;
  /** `to`, JSON. */
  recipient: string;
  answered: number;
}

export const PENDING_KINDS = ['sortie.pharmacien', 'sortie.suivi', 'adressage.reponse', 'rcp.revue'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];

/**
 * A step due on an open pathway: what the view lists as pending and the worklist as its pathway items.
 * Its due date is computed once, when the event that opens it is applied; what the step says is shaped
 * at read time from the fields kept here.
 */
export interface PendingRow {
  cpts_id: string;
  pathway_id: string;
  /** `<kind>|<discharge or referral id>`, or `rcp.revue` (one review per pathway). */
  step: string;
  kind: PendingKind;
  /** A timestamp with the Paris offset, or a `YYYY-MM-DD` day (`rcp.revue`). */
  due_at: string;
  /** The first instant the step is overdue (the next Paris day for a due day). */
  overdue_from_ms: number;
  patient_id: string;
  /** The stream of the event that opened it (the RCP's for a review). */
  stream_id: string;
  opened_by: string;
  /** The discharge, the referral or the RCP. */
  ref_id: string;
  /** When the discharge, the referral or the RCP happened. */
  at: string;
  /** The same instant in milliseconds: the worklist finds what was opened today by it (its index). */
  at_ms: number;
  hospital: string | null;
  urgency: string | null;
  recipient: string | null;
  review_on: string | null;
}

/** A case of an RCP about a pathway, as the RCP's stream now stands. */
interface RcpCaseRow {
  cpts_id: string;
  pathway_id: string;
  rcp_id: string;
  rcp_stream: string;
  rcp_event_id: string;
  held_at: string;
  held_ms: number;
  review_on: string | null;
}

/** Every RCP stream that ever discussed a pathway (never cleared): where an as-of replay must look. */
interface RcpIndexRow {
  cpts_id: string;
  pathway_id: string;
  rcp_stream: string;
}

/** The pathways an RCP has cases about now (to update those it no longer discusses). */
interface RcpRow {
  cpts_id: string;
  rcp_id: string;
  pathways: string[];
}

/**
 * The places, in `pending`'s indexes, of the two the worklist reads its pages in the order of (it names
 * them: `<table>_i<place>`, see `createIndexSql`).
 */
export const PENDING_INDEX = { overdue_from_ms: 0, at_ms: 1 } as const;

const tables = {
  pathways: table<PathwayRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      patient_id: 'TEXT',
      kind: 'TEXT',
      status: 'TEXT',
      opened_at: 'TEXT',
      opened_ms: 'INTEGER',
      closed_at: 'TEXT NULL',
      revision: 'INTEGER',
    },
    key: ['cpts_id', 'pathway_id'],
    indexes: [
      ['cpts_id', 'opened_ms', 'pathway_id'],
      ['cpts_id', 'patient_id'],
    ],
  }),
  sources: table<SourceRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      event_id: 'TEXT',
      revision: 'INTEGER',
      type: 'TEXT',
      basis: 'TEXT',
      voided: 'INTEGER',
    },
    key: ['cpts_id', 'pathway_id', 'event_id'],
    appendOnly: true,
  }),
  discharges: table<DischargeRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      discharge_id: 'TEXT',
      event_id: 'TEXT',
      discharge_at: 'TEXT',
      hospital: 'TEXT',
      reconciled: 'INTEGER',
      followed_up: 'INTEGER',
    },
    key: ['cpts_id', 'pathway_id', 'discharge_id'],
  }),
  referrals: table<ReferralRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      referral_id: 'TEXT',
      event_id: 'TEXT',
      referred_at: 'TEXT',
      urgency: 'TEXT',
      recipient: 'TEXT',
      answered: 'INTEGER',
    },
    key: ['cpts_id', 'pathway_id', 'referral_id'],
  }),
  pending: table<PendingRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      step: 'TEXT',
      kind: 'TEXT',
      due_at: 'TEXT',
      overdue_from_ms: 'INTEGER',
      patient_id: 'TEXT',
      stream_id: 'TEXT',
      opened_by: 'TEXT',
      ref_id: 'TEXT',
      at: 'TEXT',
      at_ms: 'INTEGER',
      hospital: 'TEXT NULL',
      urgency: 'TEXT NULL',
      recipient: 'TEXT NULL',
      review_on: 'TEXT NULL',
    },
    key: ['cpts_id', 'pathway_id', 'step'],
    indexes: [
      ['cpts_id', 'overdue_from_ms'], // PENDING_INDEX.overdue_from_ms
      ['cpts_id', 'at_ms'], // PENDING_INDEX.at_ms
      // The worklist's count of open steps by kind (and overdue or not), from the index alone.
      ['cpts_id', 'kind', 'overdue_from_ms'],
      ['cpts_id', 'patient_id'],
    ],
  }),
  rcp_cases: table<RcpCaseRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      rcp_id: 'TEXT',
      rcp_stream: 'TEXT',
      rcp_event_id: 'TEXT',
      held_at: 'TEXT',
      held_ms: 'INTEGER',
      review_on: 'TEXT NULL',
    },
    key: ['cpts_id', 'pathway_id', 'rcp_id'],
  }),
  rcp_index: table<RcpIndexRow>({
    columns: { cpts_id: 'TEXT', pathway_id: 'TEXT', rcp_stream: 'TEXT' },
    key: ['cpts_id', 'pathway_id', 'rcp_stream'],
  }),
  rcps: table<RcpRow>({
    columns: { cpts_id: 'TEXT', rcp_id: 'TEXT', pathways: 'JSON' },
    key: ['cpts_id', 'rcp_id'],
  }),
  histories: historyTable(),
};

type PathwayViewTables = Tables<typeof tables>;

const finiteOr0 = (ms: number): number => (Number.isFinite(ms) ? ms : 0);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Where a pathway's entries take effect: its rows and the steps they open or close. */
interface PathwayRef {
  cptsId: string;
  pathwayId: string;
  streamId: string;
}

/**
 * The pathway view and list (`GET …/pathways`, `GET …/pathways/{id}`) and the steps still due on open
 * pathways, kept row by row so that an event costs the same on a pathway of 5 events or of 500:
 *
 * - `pathways`: one row per pathway (what lists filter and page on);
 * - `sources`: the entries of its stream that its state follows from, narrowed to the fields it follows
 *   from (the timeline itself is read from the stream with the view: the read store keeps no copy of it);
 * - `discharges`, `referrals`: what the steps follow; `pending`: the steps due now, with their due date
 *   computed once (the one deadline function) — none while the pathway is closed;
 * - `rcp_cases`: which RCP discussed which pathway, when, and the review it set (the latest sets the
 *   `rcp.revue` step); `rcp_index`: every RCP stream that ever did, for as-of replays.
 *
 * A correction or a voiding changes one source; what follows from the pathway's sources (its discharges,
 * referrals and steps) is then derived again from the sources as they now stand, by the same code that
 * applies them one by one — the rare event whose cost is the pathway's length.
 */
export const pathwayViewProjection = defineProjection<PathwayViewEvent>()({
  name: PATHWAY_VIEW,
  version: 5,
  rebuildCost: 14,
  tables,
  open: (t) => {
    const { pathways, sources } = t;

    const pathwayOf = (streamId: string): PathwayRef | null => {
      const stream = parseStreamId(streamId);
      return stream?.category === 'pathway' && stream.id !== undefined
        ? { cptsId: stream.cptsId, pathwayId: stream.id, streamId }
        : null;
    };

    const onPathwayEvent = (event: ProjectedEvent<PathwayEvent>): void => {
      const ref = pathwayOf(event.streamId);
      if (!ref) return;
      const data = event.data as unknown as Record<string, unknown>;
      if (BASIS[event.type] !== undefined) {
        sources.put({
          cpts_id: ref.cptsId,
          pathway_id: ref.pathwayId,
          event_id: event.metadata.eventId,
          revision: event.revision,
          type: event.type,
          basis: basisOf(event.type, data),
          voided: 0,
        });
      }
      applyEntry(t, ref, event.type, data, event.metadata.eventId);
      const row = pathways.get(ref.cptsId, ref.pathwayId);
      if (row) pathways.put({ ...row, revision: event.revision });
    };

    const onRcp = (event: ProjectedEvent<RcpEvent | CorrectionEvent>): void => {
      const stream = parseStreamId(event.streamId);
      if (stream?.category !== 'rcp' || stream.id === undefined) return;
      applyRcp(t, stream.cptsId, stream.id, event);
    };

    /**
     * A correction or a voiding: of a pathway's entry, or of an RCP. Of an entry the pathway's state does not
     * follow from (a protocol applied), only the timeline changes, and it is read from the stream.
     */
    const onCorrection = (event: ProjectedEvent<CorrectionEvent>): void => {
      const ref = pathwayOf(event.streamId);
      if (!ref) return onRcp(event);
      const target = sources.get(ref.cptsId, ref.pathwayId, event.data.targetEventId);
      if (target) {
        if (event.type === 'EntryVoided') sources.put({ ...target, voided: 1 });
        else {
          const merged = { ...dataOf(target), ...event.data.correction };
          sources.put({ ...target, basis: basisOf(target.type, merged) });
        }
        derive(t, ref);
      }
      const row = pathways.get(ref.cptsId, ref.pathwayId);
      if (row) pathways.put({ ...row, revision: event.revision });
    };

    return {
      PathwayOpened: onPathwayEvent,
      PatientReferred: onPathwayEvent,
      ReferralAccepted: onPathwayEvent,
      ReferralDeclined: onPathwayEvent,
      ReferralCompleted: onPathwayEvent,
      DischargeNotified: onPathwayEvent,
      MedicationReconciliationSent: onPathwayEvent,
      FollowUpCompleted: onPathwayEvent,
      ProtocolApplied: onPathwayEvent,
      PathwayClosed: onPathwayEvent,
      PathwayReopened: onPathwayEvent,
      RcpHeld: onRcp,
      EntryCorrected: onCorrection,
      EntryVoided: onCorrection,
    };
  },
});

// ---- what an entry changes ------------------------------------------------------------------------------

/** What opened a step and what it says, beside its pathway, kind and due date. */
interface StepSource {
  stream_id: string;
  opened_by: string;
  ref_id: string;
  at: string;
  hospital?: string;
  urgency?: string;
  recipient?: string;
  review_on?: string | null;
}

/**
 * A pending step's row, every column named: V8 adds the properties that follow a spread in a literal one
 * by one, on a slow path that made the steps' rows a visible share of a rebuild.
 */
function stepRow(
  pathway: PathwayRow,
  step: string,
  kind: PendingKind,
  due: Due,
  from: StepSource,
): PendingRow {
  return {
    cpts_id: pathway.cpts_id,
    pathway_id: pathway.pathway_id,
    step,
    kind,
    due_at: due.dueAt,
    overdue_from_ms: due.overdueFromMs,
    patient_id: pathway.patient_id,
    stream_id: from.stream_id,
    opened_by: from.opened_by,
    ref_id: from.ref_id,
    at: from.at,
    at_ms: finiteOr0(Date.parse(from.at)),
    hospital: from.hospital ?? null,
    urgency: from.urgency ?? null,
    recipient: from.recipient ?? null,
    review_on: from.review_on ?? null,
  };
}

/** The steps a discharge calls for, while they are not done. */
function dischargeSteps(
  t: PathwayViewTables,
  pathway: PathwayRow,
  discharge: DischargeRow,
  streamId: string,
): void {
  const from: StepSource = {
    stream_id: streamId,
    opened_by: discharge.event_id,
    ref_id: discharge.discharge_id,
    at: discharge.discharge_at,
    hospital: discharge.hospital,
  };
  const pharmacist = pharmacistDue(discharge.discharge_at);
  const pharmacistStep = `sortie.pharmacien|${discharge.discharge_id}`;
  if (pharmacist && discharge.reconciled === 0) {
    t.pending.put(stepRow(pathway, pharmacistStep, 'sortie.pharmacien', pharmacist, from));
  } else t.pending.delete(pathway.cpts_id, pathway.pathway_id, pharmacistStep);
  const followUp = followUpDue(discharge.discharge_at);
  const followUpStep = `sortie.suivi|${discharge.discharge_id}`;
  if (followUp && discharge.followed_up === 0) {
    t.pending.put(stepRow(pathway, followUpStep, 'sortie.suivi', followUp, from));
  } else t.pending.delete(pathway.cpts_id, pathway.pathway_id, followUpStep);
}

/** The answer a referral waits for, until it has one. */
function referralStep(
  t: PathwayViewTables,
  pathway: PathwayRow,
  referral: ReferralRow,
  streamId: string,
): void {
  const step = `adressage.reponse|${referral.referral_id}`;
  const due = referral.answered === 0 ? referralDue(referral.referred_at, referral.urgency) : null;
  if (!due) {
    t.pending.delete(pathway.cpts_id, pathway.pathway_id, step);
    return;
  }
  t.pending.put(
    stepRow(pathway, step, 'adressage.reponse', due, {
      stream_id: streamId,
      opened_by: referral.event_id,
      ref_id: referral.referral_id,
      at: referral.referred_at,
      urgency: referral.urgency,
      recipient: referral.recipient,
    }),
  );
}

/** The review set by the latest RCP that discussed the pathway (a later RCP closes earlier reviews). */
function reviewStep(t: PathwayViewTables, cptsId: string, pathwayId: string): void {
  const pathway = t.pathways.get(cptsId, pathwayId);
  const latest = t.rcp_cases
    .scan(cptsId, pathwayId)
    .sort((a, b) => b.held_ms - a.held_ms || (a.rcp_id < b.rcp_id ? 1 : a.rcp_id > b.rcp_id ? -1 : 0))[0];
  const due = latest?.review_on ? reviewDue(latest.review_on) : null;
  if (!pathway || pathway.status === 'closed' || !latest || !due) {
    t.pending.delete(cptsId, pathwayId, 'rcp.revue');
    return;
  }
  t.pending.put(
    stepRow(pathway, 'rcp.revue', 'rcp.revue', due, {
      stream_id: latest.rcp_stream,
      opened_by: latest.rcp_event_id,
      ref_id: latest.rcp_id,
      at: latest.held_at,
      review_on: latest.review_on,
    }),
  );
}

/** Every step of an open pathway, from its discharges, referrals and RCP cases (after a reopening). */
function allSteps(t: PathwayViewTables, pathway: PathwayRow, streamId: string): void {
  for (const discharge of t.discharges.scan(pathway.cpts_id, pathway.pathway_id)) {
    dischargeSteps(t, pathway, discharge, streamId);
  }
  for (const referral of t.referrals.scan(pathway.cpts_id, pathway.pathway_id)) {
    referralStep(t, pathway, referral, streamId);
  }
  reviewStep(t, pathway.cpts_id, pathway.pathway_id);
}

/**
 * What one entry of the pathway's stream changes, as the write side's `evolve` folds it: the pathway, its
 * discharges and referrals, and the steps they open or close (only while the pathway is open).
 */
function applyEntry(
  t: PathwayViewTables,
  ref: PathwayRef,
  type: string,
  data: Record<string, unknown>,
  eventId: string,
): void {
  const { cptsId, pathwayId, streamId } = ref;
  const pathway = t.pathways.get(cptsId, pathwayId);
  if (type === 'PathwayOpened') {
    const openedAt = String(data.openedAt);
    t.pathways.put({
      cpts_id: cptsId,
      pathway_id: pathwayId,
      patient_id: String(data.patientId),
      kind: String(data.kind),
      status: pathway?.status ?? 'open',
      opened_at: openedAt,
      opened_ms: finiteOr0(Date.parse(openedAt)),
      closed_at: pathway?.closed_at ?? null,
      revision: pathway?.revision ?? 0,
    });
    return;
  }
  if (!pathway) return; // nothing opened it: nothing to follow
  const open = pathway.status === 'open';
  switch (type) {
    case 'DischargeNotified': {
      const discharge: DischargeRow = {
        cpts_id: cptsId,
        pathway_id: pathwayId,
        discharge_id: String(data.dischargeId),
        event_id: eventId,
        discharge_at: String(data.dischargeAt),
        hospital: text((data.hospital as { name?: unknown } | undefined)?.name) ?? '',
        reconciled: 0,
        followed_up: 0,
      };
      t.discharges.put(discharge);
      if (open) dischargeSteps(t, pathway, discharge, streamId);
      return;
    }
    case 'MedicationReconciliationSent':
    case 'FollowUpCompleted': {
      const dischargeId = text(data.dischargeId);
      const discharge = dischargeId === null ? undefined : t.discharges.get(cptsId, pathwayId, dischargeId);
      if (!discharge) return;
      const done: DischargeRow =
        type === 'FollowUpCompleted' ? { ...discharge, followed_up: 1 } : { ...discharge, reconciled: 1 };
      t.discharges.put(done);
      if (open) dischargeSteps(t, pathway, done, streamId);
      return;
    }
    case 'PatientReferred': {
      const referral: ReferralRow = {
        cpts_id: cptsId,
        pathway_id: pathwayId,
        referral_id: String(data.referralId),
        event_id: eventId,
        referred_at: String(data.referredAt),
        urgency: String(data.urgency),
        recipient: JSON.stringify(data.to ?? {}),
        answered: 0,
      };
      t.referrals.put(referral);
      if (open) referralStep(t, pathway, referral, streamId);
      return;
    }
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted': {
      const referralId = text(data.referralId);
      const referral = referralId === null ? undefined : t.referrals.get(cptsId, pathwayId, referralId);
      if (!referral) return;
      const answered = { ...referral, answered: 1 };
      t.referrals.put(answered);
      if (open) referralStep(t, pathway, answered, streamId);
      return;
    }
    case 'PathwayClosed': {
      t.pathways.put({ ...pathway, status: 'closed', closed_at: text(data.closedAt) });
      // A closed pathway has nothing due; its steps come back if it is reopened.
      for (const step of t.pending.scan(cptsId, pathwayId)) t.pending.delete(cptsId, pathwayId, step.step);
      return;
    }
    case 'PathwayReopened': {
      const reopened: PathwayRow = { ...pathway, status: 'open', closed_at: null };
      t.pathways.put(reopened);
      allSteps(t, reopened, streamId);
      return;
    }
  }
}

/**
 * After a correction or a voiding: the pathway, its discharges, referrals and steps derived again from its
 * sources as they now stand (corrections merged, voided ones out), in stream order.
 */
function derive(t: PathwayViewTables, ref: PathwayRef): void {
  const { cptsId, pathwayId } = ref;
  const stream = t.sources.scan(cptsId, pathwayId).sort((a, b) => a.revision - b.revision);
  const revision = t.pathways.get(cptsId, pathwayId)?.revision ?? 0;
  for (const row of t.discharges.scan(cptsId, pathwayId))
    t.discharges.delete(cptsId, pathwayId, row.discharge_id);
  for (const row of t.referrals.scan(cptsId, pathwayId))
    t.referrals.delete(cptsId, pathwayId, row.referral_id);
  for (const row of t.pending.scan(cptsId, pathwayId)) t.pending.delete(cptsId, pathwayId, row.step);
  t.pathways.delete(cptsId, pathwayId);
  for (const source of stream) {
    if (source.voided === 1) continue;
    applyEntry(t, ref, source.type, dataOf(source), source.event_id);
  }
  const pathway = t.pathways.get(cptsId, pathwayId);
  if (!pathway) return;
  t.pathways.put({ ...pathway, revision });
  reviewStep(t, cptsId, pathwayId);
}

// ---- RCPs ------------------------------------------------------------------------------------------------

/** An RCP's cases as its stream now stands: a correction moves them, a voiding takes them away. */
function applyRcp(
  t: PathwayViewTables,
  cptsId: string,
  rcpId: string,
  event: ProjectedEvent<RcpEvent | CorrectionEvent>,
): void {
  const history = recordInHistory(t.histories, event);
  const rcp = foldHistory(rcpEvolver, history);
  const before = t.rcps.get(cptsId, rcpId);
  const touched = new Set<string>(before ? before.pathways : []);
  for (const pathwayId of touched) t.rcp_cases.delete(cptsId, pathwayId, rcpId);
  const now = new Set<string>();
  if (rcp.exists) {
    const rcpEventId = history[0].context.eventId;
    for (const pathwayId of new Set(rcp.cases.map((c) => c.pathwayId))) {
      // The cases of this RCP about the pathway, merged into one: the latest `reviewOn` wins.
      const reviews = rcp.cases
        .filter((c) => c.pathwayId === pathwayId)
        .map((c) => c.reviewOn)
        .filter((r): r is string => typeof r === 'string')
        .sort();
      t.rcp_cases.put({
        cpts_id: cptsId,
        pathway_id: pathwayId,
        rcp_id: rcpId,
        rcp_stream: event.streamId,
        rcp_event_id: rcpEventId,
        held_at: rcp.heldAt,
        held_ms: finiteOr0(Date.parse(rcp.heldAt)),
        review_on: reviews.at(-1) ?? null,
      });
      t.rcp_index.put({ cpts_id: cptsId, pathway_id: pathwayId, rcp_stream: event.streamId });
      now.add(pathwayId);
      touched.add(pathwayId);
    }
  }
  t.rcps.put({ cpts_id: cptsId, rcp_id: rcpId, pathways: [...now].sort() });
  for (const pathwayId of touched) reviewStep(t, cptsId, pathwayId);
}
