/**
 * The views' projections applied to hand-built recorded events, in a real in-memory read store, and read
 * back through the same queries the routes use.
 */
import type { ActorRole, AllFilter, RecordedEvent } from '@parcours/event-store';
import { SqliteEventStore } from '@parcours/event-store';
import { ReadStore, rebuildProjection, type Projection, type ProjectionHandler } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { memberDirectoryProjection } from '../../members/member-directory/member-directory.projection';
import { pathwayAsOf } from './pathway-as-of';
import { foldPathway, presentPathwayView, shapePathwayView } from './pathway-view';
import { pathwayViewsProjection } from './pathway-view.projection';
import { patientViewsProjection } from '../../patients/patient-summary/patient-summary.projection';
import { ViewsQueries } from './pathway-view.queries';

const CPTS = 'cpts-test';
const PROJECTIONS = [pathwayViewsProjection, patientViewsProjection, memberDirectoryProjection];

function matches(filter: AllFilter | undefined, event: RecordedEvent): boolean {
  if (!filter) return true;
  return 'streamPrefixes' in filter
    ? filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))
    : filter.eventTypes.includes(event.type);
}

/** A read store with the three projections active, and a log that applies what it is given. */
function harness() {
  const read = new ReadStore(':memory:');
  const handlers: Array<{ projection: Projection; handler: ProjectionHandler }> = PROJECTIONS.map(
    (projection) => {
      const { generation } = read.createGeneration(projection.name, projection.version);
      const handler = projection.open(read.db, ReadStore.tableNamer(projection.name, generation));
      read.activate(projection.name, generation);
      return { projection, handler };
    },
  );
  const revisions = new Map<string, number>();
  const log: RecordedEvent[] = [];
  let clock = Date.parse('2026-03-01T08:00:00Z');
  const emit = (
    stream: string,
    type: string,
    data: Record<string, unknown>,
    options: { actor?: { id: string; role: ActorRole }; recordedAt?: string } = {},
  ): RecordedEvent => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    clock += 60_000;
    const event: RecordedEvent = {
      streamId: stream,
      revision,
      position: BigInt(log.length + 1),
      type,
      data,
      metadata: {
        eventId: uuidv7(),
        cptsId: stream.split('.')[0].replace(/^[a-z]+-/, ''),
        actor: options.actor ?? { id: 'coord-1', role: 'coordinator' },
        correlationId: 'c',
        causationId: 'c',
        source: 'api',
        schemaVersion: 1,
        recordedAt: options.recordedAt ?? new Date(clock).toISOString(),
        prevHash: 'x',
        hash: 'y',
      },
    };
    log.push(event);
    read.db.transaction(() => {
      for (const { projection, handler } of handlers) {
        if (matches(projection.filter, event)) handler.apply(event);
      }
    })();
    return event;
  };
  return { read, queries: new ViewsQueries(read), emit, log };
}

const pathway = (id: string, cpts = CPTS) => `pathway-${cpts}.${id}`;
const H = 3_600_000;
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

describe('pathway-views projection', () => {
  it('opens pending steps per the worklist: referrals by urgency, discharges at 48 h and 7 days', () => {
    const { queries, emit } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'sortie-hospitalisation',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    const referredAt = '2026-03-03T10:00:00+01:00';
    for (const [referralId, urgency] of [
      ['r-jm', 'jour-meme'],
      ['r-24', '24h'],
      ['r-pg', 'programmee'],
    ]) {
      emit(pathway(id), 'PatientReferred', {
        referralId,
        fromMemberId: 'm-gp',
        to: { profession: 'infirmier' },
        reason: 'Soins',
        urgency,
        referredAt,
      });
    }
    const dischargeAt = '2026-03-06T17:30:00+01:00';
    emit(
      pathway(id),
      'DischargeNotified',
      {
        dischargeId: 'd-1',
        hospital: { name: 'CH Nord' },
        dischargeAt,
        notifiedAt: '2026-03-05T11:00:00+01:00',
        treatmentChanged: true,
        complex: false,
        needs: [],
      },
      { actor: { id: 'nurse-1', role: 'professional' } },
    );

    const view = queries.pathwayView(CPTS, id)!;
    const due = Object.fromEntries(
      view.pending.map((p) => [
        `${p.kind}:${p.referralId ?? p.dischargeId}`,
        new Date(p.dueAt).toISOString(),
      ]),
    );
    expect(due).toEqual({
      'adressage.reponse:r-jm': plus(referredAt, 12 * H),
      'adressage.reponse:r-24': plus(referredAt, 24 * H),
      'adressage.reponse:r-pg': plus(referredAt, 14 * 24 * H),
      'sortie.pharmacien:d-1': plus(dischargeAt, 48 * H),
      'sortie.suivi:d-1': plus(dischargeAt, 7 * 24 * H),
    });
    // Oldest due first.
    expect(view.pending.map((p) => Date.parse(p.dueAt))).toEqual(
      [...view.pending.map((p) => Date.parse(p.dueAt))].sort((a, b) => a - b),
    );
    expect(view.pending.every((p) => !('overdue' in p))).toBe(true); // decided at read time
    expect(view.revision).toBe(4);
    const discharge = view.timeline.find((e) => e.type === 'DischargeNotified')!;
    expect(discharge).toMatchObject({ at: dischargeAt, actor: { id: 'nurse-1', role: 'professional' } });
    expect(view.timeline.map((e) => e.at)).toEqual(
      [...view.timeline.map((e) => e.at)].sort((a, b) => Date.parse(a) - Date.parse(b)),
    );

    // Answers and follow-ups close their steps.
    emit(pathway(id), 'ReferralAccepted', { referralId: 'r-jm', acceptedAt: '2026-03-03T12:00:00+01:00' });
    emit(pathway(id), 'ReferralDeclined', {
      referralId: 'r-24',
      declinedAt: '2026-03-03T12:00:00+01:00',
      reason: 'Complet',
    });
    emit(pathway(id), 'MedicationReconciliationSent', {
      dischargeId: 'd-1',
      toMemberId: 'm-ph',
      sentAt: '2026-03-07T09:00:00+01:00',
    });
    emit(pathway(id), 'FollowUpCompleted', {
      dischargeId: 'd-1',
      byMemberId: 'm-gp',
      at: '2026-03-09T15:00:00+01:00',
      kind: 'appel',
    });
    expect(queries.pathwayView(CPTS, id)!.pending.map((p) => [p.kind, p.referralId])).toEqual([
      ['adressage.reponse', 'r-pg'],
    ]);
  });

  it('corrections replace fields (due dates move); voided entries stay in the timeline but stop counting', () => {
    const { queries, emit } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'bpco',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    const discharge = emit(pathway(id), 'DischargeNotified', {
      dischargeId: 'd-1',
      hospital: { name: 'CH Nord' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: [],
    });
    const reconciliation = emit(pathway(id), 'MedicationReconciliationSent', {
      dischargeId: 'd-1',
      toMemberId: 'm-ph',
      sentAt: '2026-03-07T09:00:00+01:00',
    });
    const referral = emit(pathway(id), 'PatientReferred', {
      referralId: 'r-1',
      fromMemberId: 'm-gp',
      to: { structure: 'SSIAD' },
      reason: 'Soins',
      urgency: 'programmee',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    expect(queries.pathwayView(CPTS, id)!.pending.map((p) => p.kind)).toEqual([
      'sortie.suivi',
      'adressage.reponse',
    ]);

    emit(pathway(id), 'EntryCorrected', {
      targetEventId: discharge.metadata.eventId,
      reason: 'Date de sortie',
      correction: { dischargeAt: '2026-03-08T10:00:00+01:00' },
    });
    emit(pathway(id), 'EntryCorrected', {
      targetEventId: referral.metadata.eventId,
      reason: 'Urgence',
      correction: { urgency: 'jour-meme' },
    });
    emit(pathway(id), 'EntryVoided', { targetEventId: reconciliation.metadata.eventId, reason: 'Erreur' });

    const view = queries.pathwayView(CPTS, id)!;
    expect(view.pending.map((p) => [p.kind, new Date(p.dueAt).toISOString()])).toEqual([
      ['adressage.reponse', plus('2026-03-03T10:00:00+01:00', 12 * H)],
      ['sortie.pharmacien', plus('2026-03-08T10:00:00+01:00', 48 * H)],
      ['sortie.suivi', plus('2026-03-08T10:00:00+01:00', 7 * 24 * H)],
    ]);
    const entry = (eventId: string) => view.timeline.find((e) => e.eventId === eventId)!;
    expect(entry(discharge.metadata.eventId)).toMatchObject({
      at: '2026-03-08T10:00:00+01:00',
      corrected: true,
      voided: false,
      data: { dischargeAt: '2026-03-08T10:00:00+01:00', dischargeId: 'd-1' },
    });
    expect(entry(reconciliation.metadata.eventId)).toMatchObject({ voided: true, corrected: false });
    expect(view.timeline).toHaveLength(7);

    emit(pathway(id), 'EntryVoided', { targetEventId: discharge.metadata.eventId, reason: 'Doublon' });
    expect(queries.pathwayView(CPTS, id)!.pending.map((p) => p.kind)).toEqual(['adressage.reponse']);
  });

  it('a closed pathway has no pending step; reopened, its steps are back', () => {
    const { queries, emit } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'bpco',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    emit(pathway(id), 'PatientReferred', {
      referralId: 'r-1',
      fromMemberId: 'm-gp',
      to: { profession: 'infirmier' },
      reason: 'Soins',
      urgency: '24h',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    emit(pathway(id), 'PathwayClosed', { closedAt: '2026-03-10T10:00:00+01:00', outcome: 'termine' });
    const closed = queries.pathwayView(CPTS, id)!;
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-03-10T10:00:00+01:00', pending: [] });
    expect(queries.listPathways(CPTS, {}).items).toEqual([
      {
        id,
        patientId: 'p-1',
        kind: 'bpco',
        status: 'closed',
        openedAt: '2026-03-02T09:00:00+01:00',
        closedAt: '2026-03-10T10:00:00+01:00',
        revision: 2,
        pendingCount: 0,
      },
    ]);

    emit(pathway(id), 'PathwayReopened', { reopenedAt: '2026-03-11T10:00:00+01:00', reason: 'Rechute' });
    const reopened = queries.pathwayView(CPTS, id)!;
    expect(reopened.status).toBe('open');
    expect(reopened.closedAt).toBeUndefined();
    expect(reopened.pending.map((p) => p.kind)).toEqual(['adressage.reponse']);
    expect(queries.listPathways(CPTS, {}).items[0]).toMatchObject({
      pendingCount: 1,
      nextDueAt: '2026-03-04T10:00:00+01:00', // 24 h later, as the worklist writes it
    });
  });

  it('an RCP case with reviewOn is pending until a later RCP discusses the pathway', () => {
    const { queries, emit } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'cas-complexe',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    const rcp = (heldAt: string, reviewOn?: string) =>
      emit(`rcp-${CPTS}.${uuidv7()}`, 'RcpHeld', {
        convenedBy: 'm-gp',
        heldAt,
        durationMinutes: 60,
        complex: true,
        format: 'visio',
        participants: [{ memberId: 'm-gp' }, { memberId: 'm-ph' }],
        patientPresent: false,
        familyPresent: false,
        cases: [{ pathwayId: id, decisions: ['Bilan'], ...(reviewOn ? { reviewOn } : {}) }],
      });
    const first = rcp('2026-03-05T18:00:00+01:00', '2026-04-05');
    const [step] = queries.pathwayView(CPTS, id)!.pending;
    expect(step).toMatchObject({
      kind: 'rcp.revue',
      reviewOn: '2026-04-05',
      dueAt: '2026-04-05', // due on that Paris day; overdue once it is over
      rcpId: first.streamId.split('.')[1],
    });
    const stored = queries.pathwayView(CPTS, id)!;
    expect(presentPathwayView(stored, new Date('2026-04-05T21:00:00Z')).pending[0].overdue).toBe(false);
    expect(presentPathwayView(stored, new Date('2026-04-05T22:00:01Z')).pending[0].overdue).toBe(true);

    rcp('2026-04-05T18:00:00+02:00');
    expect(queries.pathwayView(CPTS, id)!.pending).toEqual([]);
  });

  it('overdue is decided against the clock of the read', () => {
    const { queries, emit } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'bpco',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    emit(pathway(id), 'PatientReferred', {
      referralId: 'r-1',
      fromMemberId: 'm-gp',
      to: { profession: 'infirmier' },
      reason: 'Soins',
      urgency: 'jour-meme',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    const stored = queries.pathwayView(CPTS, id)!;
    const at = (now: string) => presentPathwayView(stored, new Date(now)).pending[0];
    expect(at('2026-03-03T21:59:00+01:00')).toMatchObject({ kind: 'adressage.reponse', overdue: false });
    expect(at('2026-03-03T22:01:00+01:00')).toMatchObject({ kind: 'adressage.reponse', overdue: true });
  });

  it('lists newest first, filtered, paged with a cursor, without the pathways of patients who blocked a professional', () => {
    const { queries, emit } = harness();
    const ids: string[] = [];
    for (let day = 1; day <= 7; day += 1) {
      const id = uuidv7();
      ids.push(id);
      emit(pathway(id), 'PathwayOpened', {
        patientId: day % 2 === 0 ? 'p-even' : 'p-odd',
        kind: day <= 3 ? 'bpco' : 'diabete',
        openedAt: `2026-03-0${day}T09:00:00+01:00`,
      });
    }
    emit(pathway(ids[0]), 'PathwayClosed', { closedAt: '2026-03-09T09:00:00+01:00', outcome: 'termine' });
    emit(pathway(uuidv7(), 'cpts-other'), 'PathwayOpened', {
      patientId: 'p-even',
      kind: 'bpco',
      openedAt: '2026-03-08T09:00:00+01:00',
    });

    const newestFirst = [...ids].reverse();
    const first = queries.listPathways(CPTS, { limit: 3 });
    expect(first.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 3));
    const second = queries.listPathways(CPTS, { limit: 3, after: first.nextAfter! });
    expect(second.items.map((p) => p.id)).toEqual(newestFirst.slice(3, 6));
    const third = queries.listPathways(CPTS, { limit: 3, after: second.nextAfter! });
    expect(third.items.map((p) => p.id)).toEqual(newestFirst.slice(6));
    expect(third.nextAfter).toBeNull();

    expect(queries.listPathways(CPTS, { status: 'closed' }).items.map((p) => p.id)).toEqual([ids[0]]);
    expect(queries.listPathways(CPTS, { kind: 'bpco', status: 'open' }).items.map((p) => p.id)).toEqual([
      ids[2],
      ids[1],
    ]);
    expect(queries.listPathways(CPTS, { patientId: 'p-even' }).items).toHaveLength(3);

    emit(`patient-${CPTS}.p-even`, 'PatientRegistered', {
      identity: { sealed: 'x' },
      sex: 'F',
      birthYear: 1950,
      ald: false,
      precarious: false,
      hasMedecinTraitant: false,
    });
    emit(`patient-${CPTS}.p-even`, 'ProfessionalAccessBlocked', { memberId: 'nurse-1', on: '2026-03-09' });
    expect(queries.listPathways(CPTS, { hiddenFrom: 'nurse-1' }).items).toHaveLength(4);
    expect(queries.listPathways(CPTS, { hiddenFrom: 'nurse-2' }).items).toHaveLength(7);
    expect(queries.isBlocked(CPTS, 'p-even', 'nurse-1')).toBe(true);
    expect(queries.isBlocked('cpts-other', 'p-even', 'nurse-1')).toBe(false);
  });

  it('folding the stream again and shaping it gives the stored view (the as-of code path)', () => {
    const { queries, emit, log } = harness();
    const id = uuidv7();
    emit(pathway(id), 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'bpco',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
    const followUp = emit(pathway(id), 'FollowUpCompleted', {
      byMemberId: 'm-gp',
      at: '2026-03-04T10:00:00+01:00',
      kind: 'appel',
    });
    emit(pathway(id), 'EntryCorrected', {
      targetEventId: followUp.metadata.eventId,
      reason: 'Type',
      correction: { kind: 'consultation' },
    });
    const events = log.filter((e) => e.streamId === pathway(id));
    expect(shapePathwayView(id, foldPathway(events), [])).toEqual(queries.pathwayView(CPTS, id));
  });
});

describe('pathwayAsOf against a real event store', () => {
  it('replays with only the events recorded at or before asOf, and equals the live view past the last one', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const read = new ReadStore(':memory:');
    try {
      const queries = new ViewsQueries(read);
      const id = uuidv7();
      const metadata = {
        cptsId: CPTS,
        actor: { id: 'coord-1', role: 'coordinator' as const },
        correlationId: 'c',
        causationId: 'c',
        source: 'api' as const,
      };
      // A pause after each append: recorded times (milliseconds) then tell every event apart.
      const append = async (stream: string, type: string, data: Record<string, unknown>) => {
        await store.append(stream, [{ type, data, metadata }]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await append(pathway(id), 'PathwayOpened', {
        patientId: 'p-1',
        kind: 'bpco',
        openedAt: '2026-03-02T09:00:00+01:00',
      });
      await append(pathway(id), 'FollowUpCompleted', {
        byMemberId: 'm-gp',
        at: '2026-03-04T10:00:00+01:00',
        kind: 'appel',
      });
      await append(`rcp-${CPTS}.${uuidv7()}`, 'RcpHeld', {
        convenedBy: 'm-gp',
        heldAt: '2026-03-05T18:00:00+01:00',
        durationMinutes: 30,
        complex: false,
        format: 'visio',
        participants: [{ memberId: 'm-gp' }, { memberId: 'm-ph' }],
        patientPresent: false,
        familyPresent: false,
        cases: [{ pathwayId: id, decisions: [], reviewOn: '2026-05-01' }],
      });
      const [, entry] = await store.readStream(pathway(id));
      await append(pathway(id), 'EntryCorrected', {
        targetEventId: entry.metadata.eventId,
        reason: 'Type',
        correction: { kind: 'consultation' },
      });
      for (const projection of PROJECTIONS) await rebuildProjection(store, read, projection);
      const live = queries.pathwayView(CPTS, id)!;
      const rcpStreams = queries.rcpStreamsOf(CPTS, id);
      expect(rcpStreams).toHaveLength(1);

      const now = new Date();
      const replay = await pathwayAsOf(store, CPTS, id, now.getTime(), rcpStreams);
      expect(presentPathwayView(replay!, now)).toEqual(presentPathwayView(live, now));

      const before = await pathwayAsOf(store, CPTS, id, Date.parse(entry.metadata.recordedAt), rcpStreams);
      const followUp = before!.timeline.find((e) => e.type === 'FollowUpCompleted')!;
      expect(followUp).toMatchObject({ corrected: false, data: { kind: 'appel' } });
      expect(before!.revision).toBe(1);
      expect(before!.pending).toEqual([]); // the RCP was recorded after
      expect(live.pending.map((p) => p.kind)).toEqual(['rcp.revue']);
      expect(live.timeline.find((e) => e.type === 'FollowUpCompleted')).toMatchObject({
        corrected: true,
        data: { kind: 'consultation' },
      });
      const beforeOpening = Date.parse((await store.readStream(pathway(id)))[0].metadata.recordedAt) - 1;
      expect(await pathwayAsOf(store, CPTS, id, beforeOpening, rcpStreams)).toBeNull();
    } finally {
      await store.close();
      read.close();
    }
  });
});

describe('patient-views projection', () => {
  it('keeps what a summary shows, never the identity, and the current blocks', () => {
    const { read, queries, emit } = harness();
    const stream = `patient-${CPTS}.p-1`;
    emit(stream, 'PatientRegistered', {
      identity: { v: 1, iv: 'secret-iv', ciphertext: 'SEALED-NAME', tag: 't' },
      sex: 'F',
      birthYear: 1948,
      commune: '69264',
      ald: true,
      precarious: false,
      hasMedecinTraitant: false,
    });
    emit(stream, 'MedecinTraitantSearchRegistered', {
      registeredOn: '2026-03-01',
      requestedBy: 'patient',
      priority: 'ald',
    });
    emit(stream, 'ConsentRecorded', {
      scope: 'partage-medecin-traitant',
      decision: 'accord',
      on: '2026-03-01',
    });
    emit(stream, 'ProfessionalAccessBlocked', { memberId: 'm-1', on: '2026-03-02' });
    emit(stream, 'ProfessionalAccessBlocked', { memberId: 'm-2', on: '2026-03-02' });
    emit(stream, 'ProfessionalAccessUnblocked', { memberId: 'm-1', on: '2026-03-03' });
    expect(queries.patient(CPTS, 'p-1')!.state).toMatchObject({
      sex: 'F',
      birthYear: 1948,
      ald: true,
      medecinTraitantSearch: { registeredOn: '2026-03-01', priority: 'ald' },
      consents: { 'partage-medecin-traitant': 'accord' },
      blockedMemberIds: ['m-2'],
      erased: false,
    });
    expect(queries.isBlocked(CPTS, 'p-1', 'm-1')).toBe(false);
    expect(queries.isBlocked(CPTS, 'p-1', 'm-2')).toBe(true);

    emit(stream, 'MedecinTraitantAssigned', { memberId: 'm-gp', assignedOn: '2026-03-05' });
    emit(stream, 'PatientIdentityErased', { on: '2026-03-06', reason: 'Demande' });
    const { state, revision } = queries.patient(CPTS, 'p-1')!;
    expect(revision).toBe(7);
    expect(state.medecinTraitantSearch).toBeUndefined();
    expect(state).toMatchObject({ medecinTraitantMemberId: 'm-gp', hasMedecinTraitant: true, erased: true });
    const everything = JSON.stringify(
      read.db.prepare(`SELECT * FROM ${read.tables('patient-views')('patients')}`).all(),
    );
    expect(everything).not.toMatch(/SEALED-NAME|secret-iv|sealedIdentity/);
  });
});

describe('member-directory projection', () => {
  const NOW = new Date('2026-06-15T10:00:00+02:00');
  const join = (emit: ReturnType<typeof harness>['emit'], id: string, displayName: string, extra = {}) =>
    emit(`member-${CPTS}.${id}`, 'MemberJoined', {
      displayName,
      profession: 'medecin-generaliste',
      mode: 'liberal',
      joinedOn: '2024-01-10',
      sasParticipant: false,
      ...extra,
    });

  it('lists members with the activity adhesion.membres-actifs counts, over the last 12 months', () => {
    const { queries, emit } = harness();
    join(emit, 'm-a', 'Anne', { structure: { kind: 'msp', name: 'MSP du Centre' } });
    join(emit, 'm-b', 'Bruno', { profession: 'pharmacien', sasParticipant: true });
    join(emit, 'm-c', 'Chloé', { profession: 'infirmier' });
    emit(`member-${CPTS}.m-c`, 'MemberLeft', { leftOn: '2026-05-01' });
    join(emit, 'm-x', 'Xavier', {});
    emit(`member-cpts-other.m-a`, 'MemberJoined', {
      displayName: 'Other',
      profession: 'autre',
      mode: 'liberal',
      joinedOn: '2024-01-10',
      sasParticipant: false,
    });

    emit(`member-${CPTS}.m-a`, 'ParticipationRecorded', { activity: 'reunion', on: '2026-02-01', hours: 2 });
    emit(`member-${CPTS}.m-a`, 'ParticipationRecorded', { activity: 'reunion', on: '2025-06-15', hours: 2 }); // 12 months ago: out
    const p = pathway(uuidv7());
    emit(p, 'PathwayOpened', { patientId: 'p-1', kind: 'bpco', openedAt: '2026-03-02T09:00:00+01:00' });
    const referral = emit(p, 'PatientReferred', {
      referralId: 'r-1',
      fromMemberId: 'm-a',
      to: { memberId: 'm-c' },
      reason: 'x',
      urgency: '24h',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    emit(p, 'ProtocolApplied', {
      applicationId: 'a-1',
      protocolCode: 'odynophagie',
      protocolVersion: 1,
      byMemberId: 'm-b',
      appliedAt: '2026-03-04T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome: 'conseil',
    });
    const followUp = emit(p, 'FollowUpCompleted', {
      byMemberId: 'm-b',
      at: '2026-03-05T10:00:00+01:00',
      kind: 'appel',
    });
    emit(`rcp-${CPTS}.${uuidv7()}`, 'RcpHeld', {
      convenedBy: 'm-x',
      heldAt: '2026-04-01T18:00:00+02:00',
      durationMinutes: 60,
      complex: false,
      format: 'visio',
      participants: [{ memberId: 'm-a' }, { memberId: 'm-c' }, { name: 'Dr Ext', profession: 'psychologue' }],
      patientPresent: false,
      familyPresent: false,
      cases: [],
    });
    emit(`action-${CPTS}.${uuidv7()}`, 'PreventionActionHeld', {
      theme: 'Vaccination',
      heldOn: '2026-04-10',
      participants: 40,
      memberIds: ['m-b'],
    });
    emit(`action-${CPTS}.${uuidv7()}`, 'TrainingHeld', {
      theme: 'BPCO',
      heldOn: '2026-04-20',
      attendeeMemberIds: ['m-a', 'm-c'],
    });

    const byId = () => Object.fromEntries(queries.members(CPTS, {}, NOW).map((m) => [m.id, m]));
    let items = byId();
    expect(Object.keys(items)).toEqual(['m-a', 'm-b', 'm-c', 'm-x']); // by display name, this CPTS only
    expect(items['m-a']).toEqual({
      id: 'm-a',
      displayName: 'Anne',
      profession: 'medecin-generaliste',
      structure: { kind: 'msp', name: 'MSP du Centre' },
      mode: 'liberal',
      joinedOn: '2024-01-10',
      sasParticipant: false,
      activity: { last12Months: 4, lastAt: '2026-04-20' }, // participation, referral, RCP, training
    });
    expect(items['m-b'].activity).toEqual({ last12Months: 3, lastAt: '2026-04-10' });
    expect(items['m-b'].sasParticipant).toBe(true);
    expect(items['m-c']).toMatchObject({ leftOn: '2026-05-01', activity: { last12Months: 2 } });
    expect(items['m-x'].activity).toEqual({ last12Months: 0 }); // convening is not listed as activity

    // A correction moves the activity to another member; a voiding removes it.
    emit(p, 'EntryCorrected', {
      targetEventId: referral.metadata.eventId,
      reason: 'Auteur',
      correction: { fromMemberId: 'm-x' },
    });
    emit(p, 'EntryVoided', { targetEventId: followUp.metadata.eventId, reason: 'Erreur' });
    items = byId();
    expect(items['m-a'].activity.last12Months).toBe(3);
    expect(items['m-x'].activity).toEqual({ last12Months: 1, lastAt: '2026-03-03T10:00:00+01:00' });
    expect(items['m-b'].activity.last12Months).toBe(2);

    expect(queries.members(CPTS, { active: true }, NOW).map((m) => m.id)).toEqual(['m-a', 'm-b', 'm-x']);
    expect(queries.members(CPTS, { active: false }, NOW).map((m) => m.id)).toEqual(['m-c']);
    expect(
      queries.members(CPTS, { active: true }, new Date('2026-05-01T12:00:00+02:00')).map((m) => m.id),
    ).toContain('m-c'); // the day of leaving still counts
    expect(queries.members(CPTS, { profession: 'pharmacien' }, NOW).map((m) => m.id)).toEqual(['m-b']);
    expect(queries.memberNames(CPTS, ['m-a', 'nope'])).toEqual(new Map([['m-a', 'Anne']]));
  });
});
