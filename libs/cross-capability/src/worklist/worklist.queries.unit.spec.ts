import {
  careTeamProjection,
  cptsHistoryProjection,
  NotFoundError,
  pathwayViewProjection,
  patientSummaryProjection,
  unscheduledCareLogProjection,
} from '@parcours/domain';
import {
  EventLog,
  ReadModelNotReadyError,
  ReadStore,
  serveProjections,
  type ServedProjections,
} from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { worklistAssignmentsProjection } from './assignments/assignments.projection';
import { readWorklist, type WorklistQuery } from './worklist.queries';

/** The read models the worklist reads its items from. */
const SOURCES = [
  worklistAssignmentsProjection,
  pathwayViewProjection,
  unscheduledCareLogProjection,
  patientSummaryProjection,
  cptsHistoryProjection,
  careTeamProjection,
];

const CPTS = 'cpts-wl';
const OTHER = 'cpts-wl-other';
/** Long before every due date of these tests: nothing is overdue. */
const EARLY = new Date('2020-01-01T00:00:00Z');

/**
 * The worklist over the capabilities' read models, fed event by event through the projection spec helper;
 * after each test, the same events rebuilt at once must give the same rows as built live.
 */
describe('worklist', () => {
  let log: EventLog;
  let served: ServedProjections;
  let pathwayId: string;
  let patientId: string;
  const pathway = () => `pathway-${CPTS}.${pathwayId}`;

  /** Oldest due first unless a test asks for another order: these tests are about due dates. */
  const read = (query: Partial<WorklistQuery> = {}, now = EARLY, cptsId = CPTS) =>
    readWorklist(served.readStore, cptsId, { limit: 100, sort: 'oldest', ...query }, now);
  const kinds = (now = EARLY) => read({}, now).items.map((item) => [item.kind, item.dueAt]);

  const record = (type: string, data: Record<string, unknown>, stream = pathway()) => {
    const event = log.event(stream, type, data);
    served.apply(event);
    return event;
  };
  const discharge = (dischargeAt: string, dischargeId = uuidv7()) =>
    record('DischargeNotified', {
      dischargeId,
      hospital: { name: 'CH de Villefranche' },
      dischargeAt,
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: [],
    });

  beforeEach(() => {
    log = new EventLog();
    served = serveProjections(SOURCES);
    pathwayId = uuidv7();
    patientId = uuidv7();
    served.apply(
      log.event(`cpts-${CPTS}`, 'CptsRegistered', { name: 'CPTS', population: 50000, communes: [] }),
      log.event(`cpts-${OTHER}`, 'CptsRegistered', { name: 'Autre', population: 50000, communes: [] }),
      log.event(`patient-${CPTS}.${patientId}`, 'PatientRegistered', {
        identity: { alg: 'A256GCM', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' },
        sex: 'F',
        birthYear: 1950,
        ald: true,
        precarious: false,
        hasMedecinTraitant: false,
      }),
      log.event(pathway(), 'PathwayOpened', {
        patientId,
        kind: 'sortie-hospitalisation',
        openedAt: '2026-03-02T09:00:00+01:00',
      }),
    );
  });
  afterEach(() => {
    expect(served.rebuiltEqualsLive()).toBe(true);
    served.close();
  });

  describe('sortie.pharmacien and sortie.suivi', () => {
    it('a discharge opens both, due 48 h and 7 days after it; each closes with its own event', () => {
      const { data, metadata } = discharge('2026-03-06T17:30:00+01:00');
      expect(read().items).toEqual([
        {
          kind: 'sortie.pharmacien',
          dueAt: '2026-03-08T17:30:00+01:00',
          overdue: false,
          streamId: pathway(),
          pathwayId,
          patientId,
          summary: 'Conciliation médicamenteuse à envoyer — sortie CH de Villefranche du 06/03',
          openedBy: metadata.eventId,
        },
        {
          kind: 'sortie.suivi',
          dueAt: '2026-03-13T17:30:00+01:00',
          overdue: false,
          streamId: pathway(),
          pathwayId,
          patientId,
          summary: 'Suivi post-sortie à réaliser — sortie CH de Villefranche du 06/03',
          openedBy: metadata.eventId,
        },
      ]);

      record('MedicationReconciliationSent', {
        dischargeId: data.dischargeId,
        toMemberId: uuidv7(),
        sentAt: '2026-03-07T09:00:00+01:00',
      });
      expect(kinds()).toEqual([['sortie.suivi', '2026-03-13T17:30:00+01:00']]);

      // A follow-up that is not about this discharge does not close it.
      record('FollowUpCompleted', {
        byMemberId: uuidv7(),
        at: '2026-03-08T10:00:00+01:00',
        kind: 'appel',
      });
      expect(kinds()).toHaveLength(1);
      record('FollowUpCompleted', {
        dischargeId: data.dischargeId,
        byMemberId: uuidv7(),
        at: '2026-03-09T15:00:00+01:00',
        kind: 'consultation',
      });
      expect(kinds()).toEqual([]);
    });

    it('a reconciliation for another discharge closes nothing; a voided one reopens the item', () => {
      const first = discharge('2026-03-06T17:30:00+01:00');
      const second = discharge('2026-03-20T10:00:00+01:00');
      const sent = record('MedicationReconciliationSent', {
        dischargeId: second.data.dischargeId,
        toMemberId: uuidv7(),
        sentAt: '2026-03-20T12:00:00+01:00',
      });
      expect(read({ kinds: ['sortie.pharmacien'] }).items.map((i) => i.openedBy)).toEqual([
        first.metadata.eventId,
      ]);
      record('EntryVoided', { targetEventId: sent.metadata.eventId, reason: 'mauvaise sortie' });
      expect(read({ kinds: ['sortie.pharmacien'] }).items.map((i) => i.openedBy)).toEqual([
        first.metadata.eventId,
        second.metadata.eventId,
      ]);
    });

    it('a follow-up corrected to name the discharge closes its item', () => {
      const { data } = discharge('2026-03-06T17:30:00+01:00');
      const followUp = record('FollowUpCompleted', {
        byMemberId: uuidv7(),
        at: '2026-03-09T15:00:00+01:00',
        kind: 'visite-domicile',
      });
      expect(read({ kinds: ['sortie.suivi'] }).count).toBe(1);
      record('EntryCorrected', {
        targetEventId: followUp.metadata.eventId,
        reason: 'oubli',
        correction: { dischargeId: data.dischargeId },
      });
      expect(read({ kinds: ['sortie.suivi'] }).count).toBe(0);
    });

    it('a voided discharge takes its items away', () => {
      const kept = discharge('2026-03-06T17:30:00+01:00');
      const voided = discharge('2026-03-10T10:00:00+01:00');
      expect(read().count).toBe(4);
      record('EntryVoided', { targetEventId: voided.metadata.eventId, reason: 'doublon' });
      expect(new Set(read().items.map((item) => item.openedBy))).toEqual(new Set([kept.metadata.eventId]));
      expect(read().count).toBe(2);
    });

    it('a corrected dischargeAt moves both due dates', () => {
      const { metadata } = discharge('2026-03-06T17:30:00+01:00');
      record('EntryCorrected', {
        targetEventId: metadata.eventId,
        reason: 'date erronée',
        correction: { dischargeAt: '2026-03-09T11:00:00+01:00' },
      });
      expect(kinds()).toEqual([
        ['sortie.pharmacien', '2026-03-11T11:00:00+01:00'],
        ['sortie.suivi', '2026-03-16T11:00:00+01:00'],
      ]);
      expect(read().items[0].summary).toMatch(/du 09\/03$/);
    });
  });

  describe('adressage.reponse', () => {
    const refer = (urgency: string, referredAt = '2026-03-03T10:00:00+01:00') => {
      const referralId = uuidv7();
      const event = record('PatientReferred', {
        referralId,
        fromMemberId: uuidv7(),
        to: { profession: 'masseur-kinesitherapeute' },
        reason: 'Rééducation',
        urgency,
        referredAt,
      });
      return { referralId, event };
    };

    it('is due 12 h (jour-meme), 24 h (24h) or 14 days (programmee) after the referral', () => {
      refer('programmee');
      refer('24h');
      refer('jour-meme');
      expect(kinds()).toEqual([
        ['adressage.reponse', '2026-03-03T22:00:00+01:00'],
        ['adressage.reponse', '2026-03-04T10:00:00+01:00'],
        ['adressage.reponse', '2026-03-17T10:00:00+01:00'],
      ]);
      expect(read().items[0].summary).toBe(
        'Réponse attendue à l’adressage du 03/03 (jour même, vers masseur-kinesitherapeute)',
      );
    });

    it('in priority order: what came in today (newest first), then what is overdue, then the rest; pages give the same order', () => {
      // "Now" is 2026-03-10 at noon, Paris time: a referral that day, some overdue, some due later.
      const now = new Date('2026-03-10T11:00:00Z');
      refer('programmee', '2026-03-01T10:00:00+01:00'); // due 03-15: not yet
      refer('24h', '2026-03-10T08:00:00+01:00'); // today, 08:00
      refer('jour-meme', '2026-03-05T09:00:00+01:00'); // due 03-05 21:00: overdue
      refer('programmee', '2026-02-28T10:00:00+01:00'); // due 03-14: not yet
      refer('24h', '2026-03-10T11:30:00+01:00'); // today, 11:30
      refer('24h', '2026-03-02T10:00:00+01:00'); // due 03-03 10:00: overdue, the oldest
      const expected = [
        '2026-03-11T11:30:00+01:00',
        '2026-03-11T08:00:00+01:00',
        '2026-03-03T10:00:00+01:00',
        '2026-03-05T21:00:00+01:00',
        '2026-03-14T10:00:00+01:00',
        '2026-03-15T10:00:00+01:00',
      ];
      const whole = read({ sort: 'priority', limit: 10 }, now);
      expect(whole.items.map((i) => i.dueAt)).toEqual(expected);
      expect(whole.items.map((i) => i.overdue)).toEqual([false, false, true, true, false, false]);
      expect(whole.total).toBe(6);
      const pages = [0, 2, 4].flatMap((offset) =>
        read({ sort: 'priority', limit: 2, offset }, now).items.map((i) => i.dueAt),
      );
      expect(pages).toEqual(expected);
      expect(read({ sort: 'priority', limit: 2, offset: 6 }, now).items).toEqual([]);
    });

    it('closes when accepted or declined; a voided acceptance reopens it', () => {
      const accepted = refer('24h');
      const declined = refer('jour-meme');
      const waiting = refer('programmee');
      const acceptance = record('ReferralAccepted', {
        referralId: accepted.referralId,
        acceptedAt: '2026-03-03T15:00:00+01:00',
      });
      record('ReferralDeclined', {
        referralId: declined.referralId,
        declinedAt: '2026-03-03T12:00:00+01:00',
        reason: 'complet',
      });
      expect(read().items.map((item) => item.openedBy)).toEqual([waiting.event.metadata.eventId]);
      record('EntryVoided', { targetEventId: acceptance.metadata.eventId, reason: 'erreur' });
      expect(read().items.map((item) => item.openedBy)).toEqual([
        accepted.event.metadata.eventId,
        waiting.event.metadata.eventId,
      ]);
    });

    it('a corrected urgency moves the due time; a voided referral leaves', () => {
      const { event } = refer('programmee');
      record('EntryCorrected', {
        targetEventId: event.metadata.eventId,
        reason: 'urgence',
        correction: { urgency: 'jour-meme' },
      });
      expect(kinds()).toEqual([['adressage.reponse', '2026-03-03T22:00:00+01:00']]);
      record('EntryVoided', { targetEventId: event.metadata.eventId, reason: 'doublon' });
      expect(kinds()).toEqual([]);
    });
  });

  describe('snp.orientation', () => {
    const request = (receivedAt: string, extra: Record<string, unknown> = {}) => {
      const stream = `snp-${CPTS}.${uuidv7()}`;
      const event = record(
        'UnscheduledCareRequested',
        { receivedAt, channel: 'telephone', motive: 'Fièvre', viaSas: false, ...extra },
        stream,
      );
      return { stream, event };
    };

    it('is due 24 h after the request and closes when oriented or closed', () => {
      const oriented = request('2026-03-06T14:30:00+01:00', { patientId });
      const closed = request('2026-03-06T16:00:00+01:00', { channel: 'sas', viaSas: true });
      const waiting = request('2026-03-07T08:15:00+01:00');
      expect(read().items).toEqual([
        {
          kind: 'snp.orientation',
          dueAt: '2026-03-07T14:30:00+01:00',
          overdue: false,
          streamId: oriented.stream,
          patientId,
          summary: 'Demande de soins non programmés à orienter — reçue le 06/03 à 14:30 (téléphone)',
          openedBy: oriented.event.metadata.eventId,
        },
        expect.objectContaining({ dueAt: '2026-03-07T16:00:00+01:00', streamId: closed.stream }),
        expect.objectContaining({ dueAt: '2026-03-08T08:15:00+01:00', streamId: waiting.stream }),
      ]);
      expect(read().items[1]).not.toHaveProperty('pathwayId');
      record(
        'UnscheduledCareOriented',
        { toMemberId: uuidv7(), appointmentAt: '2026-03-07T09:00:00+01:00' },
        oriented.stream,
      );
      record('UnscheduledCareClosed', { closedAt: '2026-03-06T18:00:00+01:00', reason: 'x' }, closed.stream);
      expect(read().items.map((item) => item.streamId)).toEqual([waiting.stream]);
    });
  });

  describe('rcp.revue', () => {
    const rcp = (heldAt: string, cases: Array<Record<string, unknown>>) => {
      const stream = `rcp-${CPTS}.${uuidv7()}`;
      const event = record(
        'RcpHeld',
        {
          convenedBy: uuidv7(),
          heldAt,
          durationMinutes: 60,
          complex: true,
          format: 'visio',
          participants: [],
          patientPresent: false,
          familyPresent: false,
          cases,
        },
        stream,
      );
      return { stream, event };
    };

    it('is due on the review day (overdue from the next Paris day) and closes with a later RCP on the pathway', () => {
      const first = rcp('2026-03-10T18:00:00+01:00', [
        { pathwayId, decisions: ['Bilan'], reviewOn: '2026-04-15' },
      ]);
      const item = read().items[0];
      expect(item).toEqual({
        kind: 'rcp.revue',
        dueAt: '2026-04-15',
        overdue: false,
        streamId: first.stream,
        pathwayId,
        patientId,
        summary: 'Cas à revoir en RCP le 15/04 — décidé en RCP du 10/03',
        openedBy: first.event.metadata.eventId,
      });
      // 23:59 in Paris on the day is still in time; midnight is overdue.
      expect(read({}, new Date('2026-04-15T21:59:00Z')).items[0].overdue).toBe(false);
      expect(read({}, new Date('2026-04-15T22:00:00Z')).items[0].overdue).toBe(true);

      // An RCP held before it, recorded afterwards, is not a later one.
      rcp('2026-03-01T18:00:00+01:00', [{ pathwayId, decisions: ['Rétro-saisie'] }]);
      expect(read().items.map((i) => i.openedBy)).toEqual([first.event.metadata.eventId]);

      const second = rcp('2026-04-14T18:00:00+02:00', [
        { pathwayId, decisions: ['Suite'], reviewOn: '2026-05-20' },
      ]);
      expect(read().items.map((i) => [i.dueAt, i.openedBy])).toEqual([
        ['2026-05-20', second.event.metadata.eventId],
      ]);
      rcp('2026-05-20T18:00:00+02:00', [{ pathwayId, decisions: ['Fin du suivi RCP'] }]);
      expect(read().items).toEqual([]);
    });

    it('one RCP opens a review per case that asks for one, each for its own pathway', () => {
      const otherPathway = uuidv7();
      record(
        'PathwayOpened',
        {
          patientId: uuidv7(),
          kind: 'cas-complexe',
          openedAt: '2026-03-02T09:00:00+01:00',
        },
        `pathway-${CPTS}.${otherPathway}`,
      );
      rcp('2026-03-10T18:00:00+01:00', [
        { pathwayId, decisions: ['a'], reviewOn: '2026-04-15' },
        { pathwayId: otherPathway, decisions: ['b'], reviewOn: '2026-04-01' },
        { pathwayId: uuidv7(), decisions: ['c'] },
      ]);
      expect(read().items.map((i) => [i.pathwayId, i.dueAt])).toEqual([
        [otherPathway, '2026-04-01'],
        [pathwayId, '2026-04-15'],
      ]);
    });
  });

  describe('mt.recherche', () => {
    it('is due 30 days after the search is registered and closes when a médecin traitant is assigned', () => {
      const stream = `patient-${CPTS}.${patientId}`;
      const search = record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'ald' },
        stream,
      );
      expect(read().items).toEqual([
        {
          kind: 'mt.recherche',
          dueAt: '2026-03-03',
          overdue: false,
          streamId: stream,
          patientId,
          summary: 'Médecin traitant à trouver — recherche du 01/02 (priorité ALD)',
          openedBy: search.metadata.eventId,
        },
      ]);
      record('MedecinTraitantAssigned', { memberId: uuidv7(), assignedOn: '2026-02-20' }, stream);
      expect(read().items).toEqual([]);
      // A new search after a change of doctor opens a new item.
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-06-01', requestedBy: uuidv7(), priority: 'aucune' },
        stream,
      );
      expect(read().items.map((i) => [i.dueAt, i.summary])).toEqual([
        ['2026-07-01', 'Médecin traitant à trouver — recherche du 01/06'],
      ]);
    });

    it('closes when the search ends without an assignment, and opens again when that end is voided', () => {
      const stream = `patient-${CPTS}.${patientId}`;
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'ald' },
        stream,
      );
      const closure = record(
        'MedecinTraitantSearchClosed',
        { closedOn: '2026-02-20', reason: 'injoignable' },
        stream,
      );
      expect(read({ kinds: ['mt.recherche'] }).items).toEqual([]);
      record('EntryVoided', { targetEventId: closure.metadata.eventId, reason: 'x' }, stream);
      expect(read({ kinds: ['mt.recherche'] }).items.map((i) => i.dueAt)).toEqual(['2026-03-03']);
    });
  });

  describe('closed pathways', () => {
    it('a closure takes every item of the pathway away; a reopening brings back those still open', () => {
      const { data, metadata } = discharge('2026-03-06T17:30:00+01:00');
      record(
        'RcpHeld',
        {
          convenedBy: uuidv7(),
          heldAt: '2026-03-10T18:00:00+01:00',
          durationMinutes: 60,
          complex: false,
          format: 'presentiel',
          participants: [],
          patientPresent: false,
          familyPresent: false,
          cases: [{ pathwayId, decisions: ['x'], reviewOn: '2026-04-15' }],
        },
        `rcp-${CPTS}.${uuidv7()}`,
      );
      record(
        'UnscheduledCareRequested',
        {
          receivedAt: '2026-03-06T14:30:00+01:00',
          channel: 'telephone',
          motive: 'x',
          viaSas: false,
          patientId,
        },
        `snp-${CPTS}.${uuidv7()}`,
      );
      record('MedicationReconciliationSent', {
        dischargeId: data.dischargeId,
        toMemberId: uuidv7(),
        sentAt: '2026-03-07T09:00:00+01:00',
      });
      expect(read().items.map((i) => i.kind)).toEqual(['snp.orientation', 'sortie.suivi', 'rcp.revue']);

      record('PathwayClosed', { closedAt: '2026-03-12T10:00:00+01:00', outcome: 'termine' });
      // The unscheduled-care request is about the patient, not this pathway: it stays.
      expect(read().items.map((i) => i.kind)).toEqual(['snp.orientation']);
      // A closed pathway still takes corrections: they show once it is reopened.
      record('EntryCorrected', {
        targetEventId: metadata.eventId,
        reason: 'date',
        correction: { dischargeAt: '2026-03-07T10:00:00+01:00' },
      });
      expect(read().count).toBe(1);

      record('PathwayReopened', { reopenedAt: '2026-03-20T10:00:00+01:00', reason: 'rechute' });
      expect(kinds()).toEqual([
        ['snp.orientation', '2026-03-07T14:30:00+01:00'],
        ['sortie.suivi', '2026-03-14T10:00:00+01:00'],
        ['rcp.revue', '2026-04-15'],
      ]);
    });
  });

  describe('Europe/Paris daylight saving', () => {
    it('hours are elapsed time and days are calendar days across the last Sunday of October', () => {
      // Sunday 26 October 2025, 03:00 CEST → 02:00 CET.
      discharge('2025-10-24T10:00:00+02:00');
      expect(kinds()).toEqual([
        ['sortie.pharmacien', '2025-10-26T09:00:00+01:00'], // 48 h later: the clock went back one hour
        ['sortie.suivi', '2025-10-31T10:00:00+01:00'], // 7 days later at 10:00 Paris (169 h)
      ]);
      const at = (iso: string) => read({}, new Date(iso)).items.map((i) => [i.kind, i.overdue]);
      expect(at('2025-10-26T08:00:00Z')).toEqual([
        ['sortie.pharmacien', false],
        ['sortie.suivi', false],
      ]);
      expect(at('2025-10-26T08:00:01Z')).toEqual([
        ['sortie.pharmacien', true],
        ['sortie.suivi', false],
      ]);
      expect(at('2025-10-31T09:00:01Z')[1]).toEqual(['sortie.suivi', true]);
    });

    it('a programmed referral and a review day across the change, and the spring one', () => {
      record('PatientReferred', {
        referralId: uuidv7(),
        fromMemberId: uuidv7(),
        to: { structure: 'Centre de rééducation' },
        reason: 'x',
        urgency: 'programmee',
        referredAt: '2025-10-20T09:30:00+02:00',
      });
      discharge('2026-03-27T10:00:00+01:00'); // Sunday 29 March 2026, 02:00 CET → 03:00 CEST
      expect(kinds()).toEqual([
        ['adressage.reponse', '2025-11-03T09:30:00+01:00'],
        ['sortie.pharmacien', '2026-03-29T11:00:00+02:00'],
        ['sortie.suivi', '2026-04-03T10:00:00+02:00'],
      ]);
      record(
        'RcpHeld',
        {
          convenedBy: uuidv7(),
          heldAt: '2025-10-01T18:00:00+02:00',
          durationMinutes: 30,
          complex: false,
          format: 'visio',
          participants: [],
          patientPresent: false,
          familyPresent: false,
          cases: [{ pathwayId, decisions: ['x'], reviewOn: '2025-10-26' }],
        },
        `rcp-${CPTS}.${uuidv7()}`,
      );
      // The 26th of October lasts 25 hours in Paris: overdue from 27 Oct 00:00 CET = 26 Oct 23:00 UTC.
      const review = (iso: string) => read({ kinds: ['rcp.revue'] }, new Date(iso)).items[0].overdue;
      expect(review('2025-10-26T22:59:59Z')).toBe(false);
      expect(review('2025-10-26T23:00:00Z')).toBe(true);
    });
  });

  describe('reading', () => {
    it('oldest due first, with kind, overdue, pathway and limit filters, and the total before the limit', () => {
      discharge('2026-03-06T17:30:00+01:00');
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'aucune' },
        `patient-${CPTS}.${patientId}`,
      );
      const now = new Date('2026-03-09T12:00:00+01:00');
      expect(read({}, now).items.map((i) => [i.kind, i.overdue])).toEqual([
        ['mt.recherche', true],
        ['sortie.pharmacien', true],
        ['sortie.suivi', false],
      ]);
      expect(read({ overdue: true }, now).items.map((i) => i.kind)).toEqual([
        'mt.recherche',
        'sortie.pharmacien',
      ]);
      expect(read({ overdue: false }, now).items.map((i) => i.kind)).toEqual(['sortie.suivi']);
      expect(read({ kinds: ['sortie.suivi', 'mt.recherche'] }, now).count).toBe(2);
      expect(read({ pathwayId }, now).count).toBe(2);
      expect(read({ patientId }, now).count).toBe(3);
      const limited = read({ limit: 1 }, now);
      expect([limited.count, limited.total, limited.items[0].kind]).toEqual([1, 3, 'mt.recherche']);
      expect(limited.at).toBe(now.toISOString());
    });

    it('by priority: what came in today first (newest first), then what is overdue, then the rest', () => {
      discharge('2026-03-06T17:30:00+01:00');
      const today = discharge('2026-03-09T08:00:00+01:00');
      const latest = discharge('2026-03-09T10:15:00+01:00');
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'aucune' },
        `patient-${CPTS}.${patientId}`,
      );
      const now = new Date('2026-03-09T12:00:00+01:00');
      const order = read({ sort: 'priority' }, now).items.map((i) => [i.kind, i.openedBy, i.overdue]);
      expect(order).toEqual([
        // Today's discharges, the latest first, each with its two steps by due date.
        ['sortie.pharmacien', latest.metadata.eventId, false],
        ['sortie.suivi', latest.metadata.eventId, false],
        ['sortie.pharmacien', today.metadata.eventId, false],
        ['sortie.suivi', today.metadata.eventId, false],
        // Then what is overdue, oldest due first; then the rest.
        ['mt.recherche', expect.any(String), true],
        ['sortie.pharmacien', expect.any(String), true],
        ['sortie.suivi', expect.any(String), false],
      ]);
      // Oldest first: by due date only.
      expect(read({ sort: 'oldest' }, now).items.map((i) => i.kind)).toEqual([
        'mt.recherche',
        'sortie.pharmacien',
        'sortie.pharmacien',
        'sortie.pharmacien',
        'sortie.suivi',
        'sortie.suivi',
        'sortie.suivi',
      ]);
      // Pages of that order: the same items, none twice, the total before paging.
      const pages = [0, 3, 6].map((offset) => read({ sort: 'priority', limit: 3, offset }, now));
      expect(pages.flatMap((page) => page.items.map((i) => [i.kind, i.openedBy, i.overdue]))).toEqual(order);
      expect(pages.map((page) => [page.count, page.total, page.offset])).toEqual([
        [3, 7, 0],
        [3, 7, 3],
        [1, 7, 6],
      ]);
    });

    it('filters by pathway kind: the items of those pathways only', () => {
      discharge('2026-03-06T17:30:00+01:00');
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'aucune' },
        `patient-${CPTS}.${patientId}`,
      );
      expect(read({ pathwayKinds: ['sortie-hospitalisation'] }).items.map((i) => i.kind)).toEqual([
        'sortie.pharmacien',
        'sortie.suivi',
      ]);
      expect(read({ pathwayKinds: ['osteoporose'] }).items).toEqual([]);
    });

    it('keeps tenants apart, and answers 404 for a CPTS never registered', () => {
      discharge('2026-03-06T17:30:00+01:00');
      expect(read({}, EARLY, OTHER).items).toEqual([]);
      expect(() => read({}, EARLY, 'cpts-ghost')).toThrow(NotFoundError);
    });

    it('shows a professional the items of the patients whose care circle holds them, none while blocked', () => {
      discharge('2026-03-06T17:30:00+01:00');
      const blocked = uuidv7();
      const member = uuidv7();
      const stream = `patient-${CPTS}.${patientId}`;
      expect(read({ hideBlockedFor: member }).count).toBe(0);
      for (const memberId of [blocked, member]) {
        record('CareTeamMemberAdded', { memberId, role: 'autre', from: '2026-03-01' }, stream);
      }
      expect(read({ hideBlockedFor: member }).count).toBe(2);
      record('ProfessionalAccessBlocked', { memberId: blocked, on: '2026-03-07' }, stream);
      expect(read({ hideBlockedFor: blocked }).count).toBe(0);
      expect(read({ hideBlockedFor: member }).count).toBe(2);
      expect(read({ hideBlockedFor: uuidv7() }).count).toBe(0);
      expect(read().count).toBe(2);
      record('ProfessionalAccessUnblocked', { memberId: blocked, on: '2026-03-08' }, stream);
      expect(read({ hideBlockedFor: blocked }).count).toBe(2);
    });

    it('shows a professional involved in a pathway its items while it is open, not the patient’s other ones', () => {
      discharge('2026-03-06T17:30:00+01:00');
      const applicant = uuidv7();
      record('ProtocolApplied', {
        applicationId: uuidv7(),
        protocolCode: 'cystite',
        protocolVersion: 1,
        byMemberId: applicant,
        appliedAt: '2026-03-05T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        outcome: 'conseil',
      });
      record(
        'MedecinTraitantSearchRegistered',
        { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'aucune' },
        `patient-${CPTS}.${patientId}`,
      );
      expect(
        read({ hideBlockedFor: applicant })
          .items.map((item) => item.kind)
          .sort(),
      ).toEqual(['sortie.pharmacien', 'sortie.suivi']);
      record('PathwayClosed', { closedAt: '2026-03-08T10:00:00+01:00', outcome: 'termine' });
      expect(read({ hideBlockedFor: applicant }).count).toBe(0);
    });

    it('is a 503 (not ready) before its first build', () => {
      const empty = new ReadStore(':memory:');
      expect(() => readWorklist(empty, CPTS, { limit: 10 }, EARLY)).toThrow(ReadModelNotReadyError);
      empty.close();
    });
  });

  it('is deterministic: a rebuild from the same events gives the same rows', () => {
    const { data, metadata } = discharge('2026-03-06T17:30:00+01:00');
    record('EntryCorrected', {
      targetEventId: metadata.eventId,
      reason: 'x',
      correction: { dischargeAt: '2026-03-07T10:00:00+01:00' },
    });
    record('MedicationReconciliationSent', {
      dischargeId: data.dischargeId,
      toMemberId: uuidv7(),
      sentAt: '2026-03-07T12:00:00+01:00',
    });
    expect(served.rebuiltEqualsLive()).toBe(true);
    expect(kinds()).toEqual([['sortie.suivi', '2026-03-14T10:00:00+01:00']]);
  });

  it('holds nothing for the events that open no item', () => {
    record('ProtocolApplied', {
      applicationId: uuidv7(),
      protocolCode: 'x',
      protocolVersion: 1,
      byMemberId: uuidv7(),
      appliedAt: '2026-03-05T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome: 'conseil',
    });
    expect(read().count).toBe(0);
  });

  describe('unscheduled care and RCPs as their streams now stand', () => {
    it('opens a request again when its orientation is voided, moves it when corrected, drops it when voided', () => {
      const stream = `snp-${CPTS}.${uuidv7()}`;
      const requested = record(
        'UnscheduledCareRequested',
        { receivedAt: '2026-03-05T09:00:00+01:00', channel: 'telephone', motive: 'x', viaSas: false },
        stream,
      );
      const oriented = record(
        'UnscheduledCareOriented',
        { toMemberId: uuidv7(), appointmentAt: '2026-03-05T16:00:00+01:00' },
        stream,
      );
      expect(read({ kinds: ['snp.orientation'] }).items).toEqual([]);
      record('EntryVoided', { targetEventId: oriented.metadata.eventId, reason: 'x' }, stream);
      expect(read({ kinds: ['snp.orientation'] }).items.map((i) => i.dueAt)).toEqual([
        '2026-03-06T09:00:00+01:00',
      ]);
      record(
        'EntryCorrected',
        {
          targetEventId: requested.metadata.eventId,
          reason: 'x',
          correction: { receivedAt: '2026-03-05T10:00:00+01:00' },
        },
        stream,
      );
      expect(read({ kinds: ['snp.orientation'] }).items.map((i) => i.dueAt)).toEqual([
        '2026-03-06T10:00:00+01:00',
      ]);
      record('EntryVoided', { targetEventId: requested.metadata.eventId, reason: 'x' }, stream);
      expect(read({ kinds: ['snp.orientation'] }).items).toEqual([]);
    });

    it('moves a review when its RCP is corrected, and takes it away when the RCP is voided', () => {
      const stream = `rcp-${CPTS}.${uuidv7()}`;
      const held = record(
        'RcpHeld',
        {
          convenedBy: uuidv7(),
          heldAt: '2026-03-10T18:00:00+01:00',
          durationMinutes: 60,
          complex: false,
          format: 'visio',
          participants: [],
          patientPresent: false,
          familyPresent: false,
          cases: [{ pathwayId, decisions: ['x'], reviewOn: '2026-04-15' }],
        },
        stream,
      );
      expect(read({ kinds: ['rcp.revue'] }).items.map((i) => i.dueAt)).toEqual(['2026-04-15']);
      record(
        'EntryCorrected',
        {
          targetEventId: held.metadata.eventId,
          reason: 'x',
          correction: { cases: [{ pathwayId, decisions: ['x'], reviewOn: '2026-04-20' }] },
        },
        stream,
      );
      expect(read({ kinds: ['rcp.revue'] }).items.map((i) => i.dueAt)).toEqual(['2026-04-20']);
      record('EntryVoided', { targetEventId: held.metadata.eventId, reason: 'x' }, stream);
      expect(read({ kinds: ['rcp.revue'] }).items).toEqual([]);
    });
  });
});
