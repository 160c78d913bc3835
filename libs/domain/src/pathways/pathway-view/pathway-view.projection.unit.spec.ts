import type { RecordedEvent, StreamReader } from '@parcours/event-store';
import { EventLog, projectionSpec, type ReadStore } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { careTeamProjection } from '../../patients/care-team/care-team.projection';
import { patientSummaryProjection } from '../../patients/patient-summary/patient-summary.projection';
import { PatientSummaryQueries } from '../../patients/patient-summary/patient-summary.queries';
import { MemberDirectoryQueries } from '../../members/member-directory/member-directory.queries';
import type { RcpEvent } from '../../rcp/rcp.events';
import type { CorrectionEvent } from '../../shared/corrections';
import { createUpcaster } from '../../shared/upcasting';
import type { PathwayEvent } from '../pathway.events';
import { presentPathwayView } from './pathway-view';
import { pathwayViewProjection } from './pathway-view.projection';
import { PathwayViewQueries } from './pathway-view.queries';

const CPTS = 'cpts-test';
const H = 3_600_000;
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const pathway = (id: string, cpts = CPTS) => `pathway-${cpts}.${id}`;
const views = (read: ReadStore) => new PathwayViewQueries(read);
const view = async (read: ReadStore, log: StreamReader, id: string) =>
  (await views(read).view(log, CPTS, id))!;

type Event = PathwayEvent | RcpEvent | CorrectionEvent;

/** A pathway's events, built as the store would deliver them. */
function pathwayLog(id = uuidv7()) {
  const log = new EventLog();
  const on = <T extends Event['type']>(
    type: T,
    data: Extract<Event, { type: T }>['data'],
    actorId?: string,
  ) => log.event<Event>(pathway(id), type, data, actorId === undefined ? {} : { actorId });
  const opened = on('PathwayOpened', {
    patientId: 'p-1',
    kind: 'bpco',
    openedAt: '2026-03-02T09:00:00+01:00',
  });
  return { id, log, on, opened };
}

const discharge = (dischargeId = 'd-1', dischargeAt = '2026-03-06T17:30:00+01:00') => ({
  dischargeId,
  hospital: { name: 'CH Nord' },
  dischargeAt,
  notifiedAt: '2026-03-05T11:00:00+01:00',
  treatmentChanged: true,
  complex: false,
  needs: [],
});

const referral = (
  referralId: string,
  urgency: 'jour-meme' | '24h' | 'programmee',
  to = { profession: 'infirmier' },
) => ({
  referralId,
  fromMemberId: 'm-gp',
  to,
  reason: 'Soins',
  urgency,
  referredAt: '2026-03-03T10:00:00+01:00',
});

describe('pathway view read model', () => {
  it('opens a step per discharge (48 h, 7 days) and per referral (by urgency), oldest due first', async () => {
    const { id, opened, on } = pathwayLog();
    const referrals = (['jour-meme', '24h', 'programmee'] as const).map((urgency) =>
      on('PatientReferred', referral(`r-${urgency}`, urgency)),
    );
    const notified = on('DischargeNotified', discharge(), 'nurse-1');
    const referredAt = '2026-03-03T10:00:00+01:00';
    const dischargeAt = '2026-03-06T17:30:00+01:00';
    await projectionSpec(pathwayViewProjection)
      .given(opened, ...referrals)
      .when(notified)
      .then(async (read, log) => {
        const { pending, revision, timeline } = await view(read, log, id);
        expect(
          pending.map((p) => [`${p.kind}:${p.referralId ?? p.dischargeId}`, new Date(p.dueAt).toISOString()]),
        ).toEqual([
          ['adressage.reponse:r-jour-meme', plus(referredAt, 12 * H)],
          ['adressage.reponse:r-24h', plus(referredAt, 24 * H)],
          ['sortie.pharmacien:d-1', plus(dischargeAt, 48 * H)],
          ['sortie.suivi:d-1', plus(dischargeAt, 7 * 24 * H)],
          ['adressage.reponse:r-programmee', plus(referredAt, 14 * 24 * H)],
        ]);
        expect(pending.every((p) => !('overdue' in p))).toBe(true); // decided at read time
        expect(pending[0].summary).toBe('Réponse attendue à l’adressage vers infirmier (le jour même)');
        expect(revision).toBe(4);
        expect(timeline.find((e) => e.type === 'DischargeNotified')).toMatchObject({
          at: dischargeAt,
          actor: { id: 'nurse-1', role: 'coordinator' },
        });
        expect(timeline.map((e) => e.type)).toEqual([
          'PathwayOpened',
          'PatientReferred',
          'PatientReferred',
          'PatientReferred',
          'DischargeNotified',
        ]);
      });
  });

  it('closes a step with its answer: an acceptance, a decline, a completion, a reconciliation, a follow-up', async () => {
    const { id, log, on } = pathwayLog();
    on('PatientReferred', referral('r-1', 'jour-meme'));
    on('PatientReferred', referral('r-2', '24h'));
    on('PatientReferred', referral('r-3', 'programmee'));
    on('PatientReferred', referral('r-4', 'programmee'));
    on('DischargeNotified', discharge());
    await projectionSpec(pathwayViewProjection)
      .given(...log.events)
      .when(
        on('ReferralAccepted', { referralId: 'r-1', acceptedAt: '2026-03-03T12:00:00+01:00' }),
        on('ReferralDeclined', {
          referralId: 'r-2',
          declinedAt: '2026-03-03T12:00:00+01:00',
          reason: 'Complet',
        }),
        on('ReferralCompleted', { referralId: 'r-3', completedAt: '2026-03-04T12:00:00+01:00' }),
        on('MedicationReconciliationSent', {
          dischargeId: 'd-1',
          toMemberId: 'm-ph',
          sentAt: '2026-03-07T09:00:00+01:00',
        }),
        on('FollowUpCompleted', {
          dischargeId: 'd-1',
          byMemberId: 'm-gp',
          at: '2026-03-09T15:00:00+01:00',
          kind: 'appel',
        }),
      )
      .then(async (read, log) => {
        expect((await view(read, log, id)).pending.map((p) => [p.kind, p.referralId])).toEqual([
          ['adressage.reponse', 'r-4'],
        ]);
      });
  });

  it('a correction moves due dates; a voided answer reopens its step; a voided discharge takes its steps away', async () => {
    const { id, log, on } = pathwayLog();
    const notified = on('DischargeNotified', discharge());
    const reconciliation = on('MedicationReconciliationSent', {
      dischargeId: 'd-1',
      toMemberId: 'm-ph',
      sentAt: '2026-03-07T09:00:00+01:00',
    });
    const referred = on('PatientReferred', referral('r-1', 'programmee', { structure: 'SSIAD' } as never));
    const given = [...log.events];
    const corrections = [
      on('EntryCorrected', {
        targetEventId: notified.metadata.eventId,
        reason: 'Date de sortie',
        correction: { dischargeAt: '2026-03-08T10:00:00+01:00' },
      }),
      on('EntryCorrected', {
        targetEventId: referred.metadata.eventId,
        reason: 'Urgence',
        correction: { urgency: 'jour-meme' },
      }),
      on('EntryVoided', { targetEventId: reconciliation.metadata.eventId, reason: 'Erreur' }),
    ];
    const spec = projectionSpec(pathwayViewProjection).given(...given);
    await spec.then(async (read, log) =>
      expect((await view(read, log, id)).pending.map((p) => p.kind)).toEqual([
        'sortie.suivi',
        'adressage.reponse',
      ]),
    );
    await spec.when(...corrections).then(async (read, log) => {
      const shown = await view(read, log, id);
      expect(shown.pending.map((p) => [p.kind, new Date(p.dueAt).toISOString()])).toEqual([
        ['adressage.reponse', plus('2026-03-03T10:00:00+01:00', 12 * H)],
        ['sortie.pharmacien', plus('2026-03-08T10:00:00+01:00', 48 * H)],
        ['sortie.suivi', plus('2026-03-08T10:00:00+01:00', 7 * 24 * H)],
      ]);
      const entry = (eventId: string) => shown.timeline.find((e) => e.eventId === eventId)!;
      expect(entry(notified.metadata.eventId)).toMatchObject({
        at: '2026-03-08T10:00:00+01:00',
        corrected: true,
        voided: false,
        data: { dischargeAt: '2026-03-08T10:00:00+01:00', dischargeId: 'd-1' },
      });
      expect(entry(reconciliation.metadata.eventId)).toMatchObject({ voided: true, corrected: false });
      expect(shown.timeline).toHaveLength(7);
      expect(shown.revision).toBe(6);
    });
    await spec
      .when(
        ...corrections,
        on('EntryVoided', { targetEventId: notified.metadata.eventId, reason: 'Doublon' }),
      )
      .then(async (read, log) =>
        expect((await view(read, log, id)).pending.map((p) => p.kind)).toEqual(['adressage.reponse']),
      );
  });

  it('after a correction, the steps are those of the entries recorded corrected in the first place', async () => {
    // The read model keeps of each entry only the fields its steps follow from: a correction of any of
    // them must give what recording the entry so would have given.
    const corrected = {
      hospital: { name: 'CH Sud' },
      dischargeAt: '2026-03-07T08:00:00+01:00',
      to: { memberId: 'm-nurse' },
      referredAt: '2026-03-04T09:00:00+01:00',
      urgency: '24h' as const,
    };
    const pendingOf = async (events: RecordedEvent[], id: string) => {
      let steps: unknown;
      await projectionSpec(pathwayViewProjection)
        .given(...events)
        .then(async (read, log) => {
          steps = (await view(read, log, id)).pending;
        });
      return steps;
    };
    const first = pathwayLog();
    const notified = first.on('DischargeNotified', discharge());
    const referred = first.on('PatientReferred', referral('r-1', 'programmee'));
    first.on('EntryCorrected', {
      targetEventId: notified.metadata.eventId,
      reason: 'Sortie',
      correction: { hospital: corrected.hospital, dischargeAt: corrected.dischargeAt },
    });
    first.on('EntryCorrected', {
      targetEventId: referred.metadata.eventId,
      reason: 'Adressage',
      correction: { to: corrected.to, referredAt: corrected.referredAt, urgency: corrected.urgency },
    });
    const second = pathwayLog(first.id);
    second.on('DischargeNotified', {
      ...discharge(),
      hospital: corrected.hospital,
      dischargeAt: corrected.dischargeAt,
    });
    second.on('PatientReferred', {
      ...referral('r-1', corrected.urgency, corrected.to as never),
      referredAt: corrected.referredAt,
    });
    const afterCorrection = await pendingOf(first.log.events, first.id);
    expect(afterCorrection).toEqual(await pendingOf(second.log.events, second.id));
    expect(afterCorrection).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'sortie.pharmacien', summary: expect.stringContaining('CH Sud') }),
        expect.objectContaining({ kind: 'adressage.reponse', urgency: '24h' }),
      ]),
    );
  });

  it('a follow-up corrected to name its discharge closes that discharge’s follow-up', async () => {
    const { id, log, on } = pathwayLog();
    on('DischargeNotified', discharge());
    const followUp = on('FollowUpCompleted', {
      byMemberId: 'm-gp',
      at: '2026-03-09T15:00:00+01:00',
      kind: 'appel',
    });
    await projectionSpec(pathwayViewProjection)
      .given(...log.events)
      .when(
        on('EntryCorrected', {
          targetEventId: followUp.metadata.eventId,
          reason: 'Sortie',
          correction: { dischargeId: 'd-1' },
        }),
      )
      .then(async (read, log) =>
        expect((await view(read, log, id)).pending.map((p) => p.kind)).toEqual(['sortie.pharmacien']),
      );
  });

  it('a closed pathway has no pending step; reopened, its steps are back', async () => {
    const { id, log, on } = pathwayLog();
    on('PatientReferred', referral('r-1', '24h'));
    const closed = on('PathwayClosed', { closedAt: '2026-03-10T10:00:00+01:00', outcome: 'termine' });
    const spec = projectionSpec(pathwayViewProjection).given(...log.events.slice(0, 2));
    await spec.when(closed).then(async (read, log) => {
      expect(await view(read, log, id)).toMatchObject({
        status: 'closed',
        closedAt: '2026-03-10T10:00:00+01:00',
        pending: [],
      });
      expect(views(read).list(CPTS, {}).items).toEqual([
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
    });
    await spec
      .when(closed, on('PathwayReopened', { reopenedAt: '2026-03-11T10:00:00+01:00', reason: 'Rechute' }))
      .then(async (read, log) => {
        const reopened = await view(read, log, id);
        expect(reopened.status).toBe('open');
        expect(reopened.closedAt).toBeUndefined();
        expect(reopened.pending.map((p) => p.kind)).toEqual(['adressage.reponse']);
        expect(views(read).list(CPTS, {}).items[0]).toMatchObject({
          pendingCount: 1,
          nextDueAt: '2026-03-04T10:00:00+01:00', // 24 h later, as the worklist writes it
        });
      });
  });

  it("a pathway's summary counts its pending steps and names the earliest one due", async () => {
    const { id, log, on } = pathwayLog();
    const events = [
      ...log.events,
      on('PatientReferred', referral('r-1', 'programmee')),
      on('PatientReferred', referral('r-2', '24h')),
    ];
    await projectionSpec(pathwayViewProjection)
      .when(...events)
      .then(async (read, log) => {
        const steps = (await view(read, log, id)).pending;
        expect(steps).toHaveLength(2);
        const earliest = steps
          .map((step) => step.dueAt)
          .reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
        expect(views(read).list(CPTS, {}).items).toEqual([
          expect.objectContaining({ id, pendingCount: 2, nextDueAt: earliest }),
        ]);
        expect(earliest).toBe('2026-03-04T10:00:00+01:00'); // the 24 h referral's answer
      });
  });

  describe('RCP reviews', () => {
    const rcp = (log: EventLog, pathwayId: string, heldAt: string, reviewOn?: string) =>
      log.event<RcpEvent>(`rcp-${CPTS}.${uuidv7()}`, 'RcpHeld', {
        convenedBy: 'm-gp',
        heldAt,
        durationMinutes: 60,
        complex: true,
        format: 'visio',
        participants: [{ memberId: 'm-gp' }, { memberId: 'm-ph' }],
        patientPresent: false,
        familyPresent: false,
        cases: [{ pathwayId, decisions: ['Bilan'], ...(reviewOn ? { reviewOn } : {}) }],
      });

    it('the review an RCP sets is pending, due on its Paris day, until a later RCP discusses the pathway', async () => {
      const { id, log, opened } = pathwayLog();
      const first = rcp(log, id, '2026-03-05T18:00:00+01:00', '2026-04-05');
      const spec = projectionSpec(pathwayViewProjection).given(opened);
      await spec.when(first).then(async (read, log) => {
        const stored = await view(read, log, id);
        expect(stored.pending).toEqual([
          {
            kind: 'rcp.revue',
            dueAt: '2026-04-05', // due on that Paris day; overdue once it is over
            overdueFromMs: Date.parse('2026-04-05T22:00:00Z'),
            summary: 'Revue en RCP prévue le 2026-04-05',
            rcpId: first.streamId.split('.')[1],
            reviewOn: '2026-04-05',
          },
        ]);
        expect(presentPathwayView(stored, new Date('2026-04-05T21:59:59Z')).pending[0].overdue).toBe(false);
        expect(presentPathwayView(stored, new Date('2026-04-05T22:00:01Z')).pending[0].overdue).toBe(true);
        expect(views(read).rcpStreamsOf(CPTS, id)).toEqual([first.streamId]);
      });
      await spec
        .when(first, rcp(log, id, '2026-04-05T18:00:00+02:00'))
        .then(async (read, log) => expect((await view(read, log, id)).pending).toEqual([]));
    });

    it('an RCP held earlier but recorded later does not close the review of a later one', async () => {
      const { id, log, opened } = pathwayLog();
      const later = rcp(log, id, '2026-03-20T18:00:00+01:00', '2026-05-01');
      const backDated = rcp(log, id, '2026-03-05T18:00:00+01:00');
      await projectionSpec(pathwayViewProjection)
        .given(opened, later)
        .when(backDated)
        .then(async (read, log) =>
          expect((await view(read, log, id)).pending.map((p) => p.reviewOn)).toEqual(['2026-05-01']),
        );
    });

    it('a corrected RCP moves its review; a voided one takes it away; the index keeps where to look', async () => {
      const { id, log, opened } = pathwayLog();
      const held = rcp(log, id, '2026-03-05T18:00:00+01:00', '2026-04-05');
      const moved = log.event<CorrectionEvent>(held.streamId, 'EntryCorrected', {
        targetEventId: held.metadata.eventId,
        reason: 'Date',
        correction: { cases: [{ pathwayId: id, decisions: [], reviewOn: '2026-04-20' }] },
      });
      const voided = log.event<CorrectionEvent>(held.streamId, 'EntryVoided', {
        targetEventId: held.metadata.eventId,
        reason: 'Doublon',
      });
      const spec = projectionSpec(pathwayViewProjection).given(opened, held);
      await spec
        .when(moved)
        .then(async (read, log) =>
          expect((await view(read, log, id)).pending.map((p) => p.reviewOn)).toEqual(['2026-04-20']),
        );
      await spec.when(moved, voided).then(async (read, log) => {
        expect((await view(read, log, id)).pending).toEqual([]);
        expect(views(read).rcpStreamsOf(CPTS, id)).toEqual([held.streamId]);
      });
    });

    it('a closed pathway shows no review; reopened, the review is back', async () => {
      const { id, log, opened, on } = pathwayLog();
      const held = rcp(log, id, '2026-03-05T18:00:00+01:00', '2026-04-05');
      const closed = on('PathwayClosed', { closedAt: '2026-03-10T10:00:00+01:00', outcome: 'termine' });
      const spec = projectionSpec(pathwayViewProjection).given(opened, held);
      await spec
        .when(closed)
        .then(async (read, log) => expect((await view(read, log, id)).pending).toEqual([]));
      await spec
        .when(closed, on('PathwayReopened', { reopenedAt: '2026-03-11T10:00:00+01:00', reason: 'Suite' }))
        .then(async (read, log) =>
          expect((await view(read, log, id)).pending.map((p) => p.kind)).toEqual(['rcp.revue']),
        );
    });
  });

  it('overdue is decided against the clock of the read', async () => {
    const { id, log, on } = pathwayLog();
    on('PatientReferred', referral('r-1', 'jour-meme'));
    await projectionSpec(pathwayViewProjection)
      .given(...log.events)
      .then(async (read, log) => {
        const stored = await view(read, log, id);
        const at = (now: string) => presentPathwayView(stored, new Date(now)).pending[0];
        expect(at('2026-03-03T21:59:00+01:00')).toMatchObject({ kind: 'adressage.reponse', overdue: false });
        expect(at('2026-03-03T22:01:00+01:00')).toMatchObject({ kind: 'adressage.reponse', overdue: true });
      });
  });

  it('lists newest first, filtered, paged with a cursor, without the pathways of patients who blocked a professional', () => {
    const log = new EventLog();
    const ids: string[] = [];
    for (let day = 1; day <= 7; day += 1) {
      const id = uuidv7();
      ids.push(id);
      log.event<PathwayEvent>(pathway(id), 'PathwayOpened', {
        patientId: day % 2 === 0 ? 'p-even' : 'p-odd',
        kind: day <= 3 ? 'bpco' : 'diabete',
        openedAt: `2026-03-0${day}T09:00:00+01:00`,
      });
    }
    log.event<PathwayEvent>(pathway(ids[0]), 'PathwayClosed', {
      closedAt: '2026-03-09T09:00:00+01:00',
      outcome: 'termine',
    });
    log.event<PathwayEvent>(pathway(uuidv7(), 'cpts-other'), 'PathwayOpened', {
      patientId: 'p-even',
      kind: 'bpco',
      openedAt: '2026-03-08T09:00:00+01:00',
    });
    const registration = {
      identity: { sealed: 'x' },
      sex: 'F',
      birthYear: 1950,
      ald: false,
      precarious: false,
      hasMedecinTraitant: false,
    };
    // A professional sees the pathways of the patients whose care circle holds them, and those they are
    // involved in: nurse-1 and nurse-2 are in p-odd's circle, nurse-1 in p-even's, nurse-3 applied a
    // protocol in one pathway of p-even.
    const odd = `patient-${CPTS}.p-odd`;
    log.event(odd, 'PatientRegistered', registration);
    for (const memberId of ['nurse-1', 'nurse-2']) {
      log.event(odd, 'CareTeamMemberAdded', { memberId, role: 'autre', from: '2026-03-01' });
    }
    log.event<PathwayEvent>(pathway(ids[1]), 'ProtocolApplied', {
      applicationId: 'a-1',
      protocolCode: 'cystite',
      protocolVersion: 1,
      byMemberId: 'nurse-3',
      appliedAt: '2026-03-02T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome: 'conseil',
    });
    const patient = `patient-${CPTS}.p-even`;
    const registered = log.event(patient, 'PatientRegistered', registration);
    const joined = log.event(patient, 'CareTeamMemberAdded', {
      memberId: 'nurse-1',
      role: 'autre',
      from: '2026-03-01',
    });
    const blocked = log.event(patient, 'ProfessionalAccessBlocked', {
      memberId: 'nurse-1',
      on: '2026-03-09',
    });
    projectionSpec(pathwayViewProjection, patientSummaryProjection, careTeamProjection)
      .given(...log.events.slice(0, -3))
      .when(registered, joined, blocked)
      .then((read) => {
        const queries = views(read);
        const newestFirst = [...ids].reverse();
        const first = queries.list(CPTS, { limit: 3 });
        expect(first.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 3));
        const second = queries.list(CPTS, { limit: 3, after: first.nextAfter! });
        expect(second.items.map((p) => p.id)).toEqual(newestFirst.slice(3, 6));
        const third = queries.list(CPTS, { limit: 3, after: second.nextAfter! });
        expect(third.items.map((p) => p.id)).toEqual(newestFirst.slice(6));
        expect(third.nextAfter).toBeNull();
        expect(queries.list(CPTS, { status: 'closed' }).items.map((p) => p.id)).toEqual([ids[0]]);
        expect(queries.list(CPTS, { kind: 'bpco', status: 'open' }).items.map((p) => p.id)).toEqual([
          ids[2],
          ids[1],
        ]);
        expect(queries.list(CPTS, { patientId: 'p-even' }).items).toHaveLength(3);
        expect(queries.list(CPTS, { hiddenFrom: 'nurse-1' }).items).toHaveLength(4);
        expect(queries.list(CPTS, { hiddenFrom: 'nurse-2' }).items).toHaveLength(4);
        expect(queries.list(CPTS, { hiddenFrom: 'nurse-3' }).items.map((p) => p.id)).toEqual([ids[1]]);
        expect(queries.list(CPTS, { hiddenFrom: 'nurse-4' }).items).toEqual([]);
        const patients = new PatientSummaryQueries(read, queries, new MemberDirectoryQueries(read));
        expect(patients.isBlocked(CPTS, 'p-even', 'nurse-1')).toBe(true);
        expect(patients.isBlocked('cpts-other', 'p-even', 'nurse-1')).toBe(false);
        expect(queries.countsOf(CPTS, ['p-even', 'p-odd'])).toEqual(
          new Map([
            ['p-even', { total: 3, open: 3 }],
            ['p-odd', { total: 4, open: 3 }],
          ]),
        );
      });
  });

  it('a follow-up stored in an older shape is shown in the current shape once upcast', async () => {
    // A hypothetical version 1 named the business time `date`; version 2 (today's shape) names it `at`.
    const { upcast } = createUpcaster(
      { FollowUpCompleted: 2 },
      { FollowUpCompleted: { 1: ({ date, ...data }) => ({ ...data, at: date }) } },
    );
    const { id, opened } = pathwayLog();
    const log = new EventLog();
    const v1 = log.event(
      pathway(id),
      'FollowUpCompleted',
      { byMemberId: 'm-gp', date: '2026-03-04T10:00:00+01:00', kind: 'appel' },
      { schemaVersion: 1 },
    );
    const stored = { ...v1, revision: 1, position: opened.position + 1n };
    await projectionSpec(pathwayViewProjection)
      .upcastingWith(upcast)
      .given(opened)
      .when(stored)
      .then(async (read, log) => {
        const entry = (await view(read, log, id)).timeline.find((e) => e.type === 'FollowUpCompleted')!;
        expect(entry).toMatchObject({
          at: '2026-03-04T10:00:00+01:00',
          data: { byMemberId: 'm-gp', at: '2026-03-04T10:00:00+01:00', kind: 'appel' },
        });
        expect(entry.data).not.toHaveProperty('date');
      });
  });
});
