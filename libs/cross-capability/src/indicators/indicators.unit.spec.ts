/**
 * Every indicator of the catalogue on hand-built event sequences: the events go through the facts
 * projection (the projection spec helper, each event a live batch) into an in-memory read store, and the
 * figures are read back as the API reads them; after each test the same events rebuilt at once must give
 * the same rows. Each
 * figure asked without `asOf` is computed twice, from the current rollup and from the bitemporal facts,
 * and must agree; its drill-down must list as many events as it counts.
 */
import { schemaVersionOf } from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';
import { serveProjections, type ServedProjections } from '@parcours/projections';
import { randomUUID } from 'node:crypto';
import { INDICATORS, indicatorByCode } from './indicator-catalogue';
import { indicatorFactsProjection } from './indicator-facts.projection';
import { indicatorParams, IndicatorsReader, type IndicatorFigure } from './indicators.reader';

const CPTS = 'cpts-test';
type Data = Record<string, unknown>;

/** Every log a test made, checked and closed after it. */
const logs: Log[] = [];
afterEach(() => {
  for (const log of logs.splice(0)) {
    expect(log.served.rebuiltEqualsLive()).toBe(true);
    log.served.close();
  }
});

class Log {
  readonly served: ServedProjections = serveProjections([indicatorFactsProjection]);
  readonly read = this.served.readStore;
  readonly reader = new IndicatorsReader(this.read);
  private readonly revisions = new Map<string, number>();
  private position = 0n;
  private clock = Date.parse('2027-01-01T00:00:00Z');

  constructor() {
    logs.push(this);
  }

  /** Events from now on are recorded at this instant (each 1 ms after the previous one). */
  recordAt(iso: string): void {
    this.clock = Date.parse(iso);
  }

  /** The instant the next event will be recorded at. */
  now(): string {
    return new Date(this.clock).toISOString();
  }

  record(streamId: string, type: string, data: Data, cptsId = CPTS): string {
    const revision = this.revisions.get(streamId) ?? 0;
    this.revisions.set(streamId, revision + 1);
    this.position += 1n;
    const eventId = randomUUID();
    const event: RecordedEvent = {
      streamId,
      revision,
      position: this.position,
      type,
      data,
      metadata: {
        eventId,
        cptsId,
        actor: { id: 'coord', role: 'coordinator' },
        correlationId: 'c',
        causationId: 'c',
        source: 'api',
        schemaVersion: schemaVersionOf(type),
        recordedAt: new Date(this.clock).toISOString(),
        prevHash: 'p',
        hash: 'h',
      },
    };
    this.clock += 1;
    this.served.apply(event);
    return eventId;
  }

  figure(code: string, from: string, to: string, asOf?: string): IndicatorFigure {
    const definition = indicatorByCode(code);
    if (!definition) throw new Error(`no indicator ${code}`);
    const params = indicatorParams({ cptsId: CPTS, from, to, asOf });
    const figure = this.reader.figure(definition, params);
    const fromFacts = this.reader.figure(definition, params, 'facts');
    expect(fromFacts).toEqual(figure);
    const events = this.reader.events(definition, params, { limit: 10_000, offset: 0 });
    expect(this.reader.count(definition, params)).toBe(events.length);
    if (definition.kind === 'rate') {
      expect(events).toHaveLength(figure.denominator!);
      expect(events.filter((e) => e.inNumerator)).toHaveLength(figure.numerator!);
    } else if (definition.kind === 'custom' && definition.value === 'amount') {
      expect(events).toHaveLength(figure.value === null ? 0 : 1);
    } else {
      expect(events).toHaveLength(figure.value!);
    }
    return figure;
  }

  value(code: string, from: string, to: string, asOf?: string): number | null {
    return this.figure(code, from, to, asOf).value;
  }

  events(code: string, from: string, to: string, asOf?: string) {
    const params = indicatorParams({ cptsId: CPTS, from, to, asOf });
    return this.reader.events(indicatorByCode(code)!, params, { limit: 10_000, offset: 0 });
  }
}

const pathwayStream = (id: string) => `pathway-${CPTS}.${id}`;
const memberStream = (id: string) => `member-${CPTS}.${id}`;
const patientStream = (id: string) => `patient-${CPTS}.${id}`;

function openPathway(log: Log, id: string, openedAt: string, kind = 'sortie-hospitalisation'): string {
  return log.record(pathwayStream(id), 'PathwayOpened', { patientId: `patient-of-${id}`, kind, openedAt });
}

function discharge(log: Log, pathway: string, dischargeId: string, dischargeAt: string, notifiedAt: string) {
  return log.record(pathwayStream(pathway), 'DischargeNotified', {
    dischargeId,
    hospital: { name: 'CH' },
    dischargeAt,
    notifiedAt,
    treatmentChanged: true,
    complex: false,
    needs: [],
  });
}

function join(log: Log, id: string, profession: string, joinedOn: string, sasParticipant = false) {
  return log.record(memberStream(id), 'MemberJoined', {
    displayName: id,
    profession,
    mode: 'liberal',
    joinedOn,
    sasParticipant,
  });
}

describe('the catalogue', () => {
  it('has every code of indicators.md, with its mission', () => {
    expect(INDICATORS.map((i) => [i.code, i.mission])).toEqual([
      ['acces.mt.recherches', 'acces-soins'],
      ['acces.mt.attributions', 'acces-soins'],
      ['acces.mt.sans-mt', 'acces-soins'],
      ['acces.snp.demandes', 'acces-soins'],
      ['acces.snp.taux-24h', 'acces-soins'],
      ['acces.sas.rdv', 'acces-soins'],
      ['acces.sas.medecins', 'acces-soins'],
      ['parcours.ouverts', 'parcours'],
      ['parcours.clos', 'parcours'],
      ['parcours.actifs', 'parcours'],
      ['parcours.adressages', 'parcours'],
      ['parcours.adressages.taux-acceptation', 'parcours'],
      ['parcours.sorties', 'parcours'],
      ['parcours.sorties.taux-preavis-24h', 'parcours'],
      ['parcours.sorties.taux-pharmacien-48h', 'parcours'],
      ['parcours.sorties.taux-suivi-7j', 'parcours'],
      ['parcours.rcp', 'parcours'],
      ['parcours.affectations', 'parcours'],
      ['prevention.actions', 'prevention'],
      ['qualite.protocoles', 'qualite-pertinence'],
      ['qualite.protocoles.taux-mt-informe', 'qualite-pertinence'],
      ['qualite.formations', 'qualite-pertinence'],
      ['accompagnement.stagiaires', 'accompagnement-professionnels'],
      ['accompagnement.nouveaux-membres', 'accompagnement-professionnels'],
      ['adhesion.membres', null],
      ['adhesion.membres-actifs', null],
      ['adhesion.population', null],
    ]);
  });

  it('answers every figure on an empty read model: counts 0, rates and population null', () => {
    const log = new Log();
    const figures = log.reader.all({ cptsId: CPTS, from: '2026-01-01', to: '2027-01-01' });
    expect(figures).toHaveLength(INDICATORS.length);
    for (const figure of figures) {
      const definition = indicatorByCode(figure.code)!;
      if (definition.kind === 'rate')
        expect(figure).toMatchObject({ value: null, numerator: 0, denominator: 0 });
      else if (figure.code === 'adhesion.population') expect(figure.value).toBeNull();
      else expect(figure.value).toBe(0);
    }
  });
});

describe('periods in Europe/Paris days', () => {
  it('counts a timestamp on its Paris day, both sides of midnight, in winter and in summer; [from, to) excludes to', () => {
    const log = new Log();
    openPathway(log, 'p', '2025-12-01T10:00:00+01:00');
    discharge(log, 'p', 'a', '2026-01-31T23:30:00+01:00', '2026-01-30T10:00:00+01:00'); // 31 Jan
    discharge(log, 'p', 'b', '2026-02-01T00:30:00+01:00', '2026-01-30T10:00:00+01:00'); // 31 Jan in UTC
    discharge(log, 'p', 'c', '2026-01-31T23:30:00Z', '2026-01-30T10:00:00+01:00'); // 1 Feb 00:30 in Paris
    discharge(log, 'p', 'd', '2026-06-30T23:30:00+02:00', '2026-06-29T10:00:00+02:00'); // 30 June
    discharge(log, 'p', 'e', '2026-06-30T22:30:00Z', '2026-06-29T10:00:00+02:00'); // 1 July 00:30 in Paris
    discharge(log, 'p', 'f', '2026-06-30T21:59:59Z', '2026-06-29T10:00:00+02:00'); // 30 June 23:59:59
    expect(log.value('parcours.sorties', '2026-01-01', '2026-02-01')).toBe(1);
    expect(log.value('parcours.sorties', '2026-01-01', '2026-01-31')).toBe(0);
    expect(log.value('parcours.sorties', '2026-02-01', '2026-03-01')).toBe(2);
    expect(log.value('parcours.sorties', '2026-06-01', '2026-07-01')).toBe(2);
    expect(log.value('parcours.sorties', '2026-07-01', '2026-08-01')).toBe(1);
    expect(log.value('parcours.sorties', '2026-06-30', '2026-07-01')).toBe(2);
  });

  it('counts the 23-hour day of the spring change and the 25-hour day of the autumn change in full', () => {
    const log = new Log();
    for (const [id, receivedAt] of [
      ['before', '2026-03-28T23:59:00+01:00'],
      ['start', '2026-03-29T00:00:00+01:00'],
      ['end', '2026-03-29T23:59:00+02:00'],
      ['after', '2026-03-30T00:00:00+02:00'],
      ['oct-start', '2026-10-25T00:00:00+02:00'],
      ['oct-second-0230', '2026-10-25T02:30:00+01:00'],
      ['oct-end', '2026-10-25T23:59:59+01:00'],
      ['oct-after', '2026-10-26T00:00:00+01:00'],
    ]) {
      log.record(`snp-${CPTS}.${id}`, 'UnscheduledCareRequested', {
        receivedAt,
        channel: 'telephone',
        motive: 'x',
        viaSas: false,
      });
    }
    expect(log.value('acces.snp.demandes', '2026-03-29', '2026-03-30')).toBe(2);
    expect(log.value('acces.snp.demandes', '2026-10-25', '2026-10-26')).toBe(3);
  });
});

describe('acces-soins', () => {
  it('acces.mt.recherches and acces.mt.attributions count by registeredOn and assignedOn', () => {
    const log = new Log();
    log.record(patientStream('a'), 'MedecinTraitantSearchRegistered', {
      registeredOn: '2026-01-31',
      requestedBy: 'patient',
      priority: 'ald',
    });
    log.record(patientStream('a'), 'MedecinTraitantAssigned', { memberId: 'gp', assignedOn: '2026-02-01' });
    log.record(patientStream('b'), 'MedecinTraitantSearchRegistered', {
      registeredOn: '2026-02-10',
      requestedBy: 'patient',
      priority: 'aucune',
    });
    expect(log.value('acces.mt.recherches', '2026-01-01', '2026-02-01')).toBe(1);
    expect(log.value('acces.mt.recherches', '2026-02-01', '2026-03-01')).toBe(1);
    expect(log.value('acces.mt.attributions', '2026-01-01', '2026-02-01')).toBe(0);
    expect(log.value('acces.mt.attributions', '2026-02-01', '2026-03-01')).toBe(1);
  });

  it('acces.mt.sans-mt is a snapshot at the period end, with its breakdown, counting erased patients', () => {
    const log = new Log();
    const patient = (id: string, birthYear: number, ald = false, precarious = false) =>
      log.record(patientStream(id), 'PatientRegistered', {
        identity: { sealed: 'x' },
        sex: 'F',
        birthYear,
        ald,
        precarious,
        hasMedecinTraitant: false,
      });
    const search = (id: string, registeredOn: string) =>
      log.record(patientStream(id), 'MedecinTraitantSearchRegistered', {
        registeredOn,
        requestedBy: 'patient',
        priority: 'aucune',
      });
    const assign = (id: string, assignedOn: string) =>
      log.record(patientStream(id), 'MedecinTraitantAssigned', { memberId: 'gp', assignedOn });
    patient('A', 1950, true);
    search('A', '2026-01-10');
    assign('A', '2026-02-15');
    patient('B', 1980, false, true);
    search('B', '2026-02-20');
    patient('C', 1956);
    search('C', '2025-06-01');
    assign('C', '2025-07-01');
    search('C', '2026-03-05'); // lost the médecin traitant again
    patient('D', 1990);
    search('D', '2026-04-10');
    patient('E', 1940, true);
    search('E', '2025-12-01');
    log.record(patientStream('E'), 'PatientIdentityErased', { on: '2026-01-05', reason: 'art. 17' });
    patient('F', 1956); // 69 in 2025, 70 in 2026
    search('F', '2025-03-01');

    expect(log.figure('acces.mt.sans-mt', '2026-01-01', '2026-02-01')).toMatchObject({
      value: 3, // A, E, F
      breakdown: { ald: 2, 'plus-de-70-ans': 3, precarite: 0 },
    });
    expect(log.figure('acces.mt.sans-mt', '2026-02-01', '2026-03-01')).toMatchObject({
      value: 3, // B, E, F
      breakdown: { ald: 1, 'plus-de-70-ans': 2, precarite: 1 },
    });
    expect(log.figure('acces.mt.sans-mt', '2026-03-01', '2026-04-01')).toMatchObject({
      value: 4, // B, C, E, F
      breakdown: { ald: 1, 'plus-de-70-ans': 3, precarite: 1 },
    });
    expect(log.figure('acces.mt.sans-mt', '2025-12-01', '2025-12-31')).toMatchObject({
      value: 2, // E, F
      breakdown: { ald: 1, 'plus-de-70-ans': 1, precarite: 0 },
    });
    // Assigned on the last day of the period: no longer without one at its end.
    expect(log.value('acces.mt.sans-mt', '2026-02-01', '2026-02-15')).toBe(3); // A, E, F
    expect(log.value('acces.mt.sans-mt', '2026-02-01', '2026-02-16')).toBe(2); // E, F
  });

  it('acces.snp.demandes, acces.snp.taux-24h (24 h included, a duration across the clock change) and acces.sas.rdv', () => {
    const log = new Log();
    const request = (id: string, receivedAt: string, viaSas: boolean) =>
      log.record(`snp-${CPTS}.${id}`, 'UnscheduledCareRequested', {
        receivedAt,
        channel: viaSas ? 'sas' : 'telephone',
        motive: 'x',
        viaSas,
      });
    const orient = (id: string, appointmentAt: string) =>
      log.record(`snp-${CPTS}.${id}`, 'UnscheduledCareOriented', { toMemberId: 'gp', appointmentAt });
    request('r1', '2026-03-10T10:00:00+01:00', true);
    const r1Orientation = orient('r1', '2026-03-11T10:00:00+01:00'); // exactly 24 h
    request('r2', '2026-03-10T12:00:00+01:00', false);
    orient('r2', '2026-03-11T12:00:01+01:00'); // 24 h and 1 s
    request('r3', '2026-03-12T09:00:00+01:00', true);
    log.record(`snp-${CPTS}.r3`, 'UnscheduledCareClosed', {
      closedAt: '2026-03-12T10:00:00+01:00',
      reason: 'x',
    });
    request('r4', '2026-03-28T10:00:00+01:00', true);
    orient('r4', '2026-03-29T10:00:00+02:00'); // 23 h later: the clocks went forward
    request('r5', '2026-03-31T23:30:00+02:00', false);
    orient('r5', '2026-04-01T10:00:00+02:00');
    request('r6', '2026-04-01T00:10:00+02:00', true);
    orient('r6', '2026-04-01T09:00:00+02:00');

    expect(log.value('acces.snp.demandes', '2026-03-01', '2026-04-01')).toBe(5);
    expect(log.figure('acces.snp.taux-24h', '2026-03-01', '2026-04-01')).toMatchObject({
      value: 0.6,
      numerator: 3,
      denominator: 5,
    });
    expect(log.value('acces.sas.rdv', '2026-03-01', '2026-04-01')).toBe(2); // r1, r4
    expect(log.value('acces.sas.rdv', '2026-04-01', '2026-05-01')).toBe(1); // r6
    const r1 = log.events('acces.snp.taux-24h', '2026-03-01', '2026-04-01')[0];
    expect(r1).toMatchObject({ inNumerator: true, evidenceEventId: r1Orientation });
    expect(log.events('acces.sas.rdv', '2026-03-01', '2026-04-01')[0].evidenceEventId).toBe(r1Orientation);
    expect(log.figure('acces.snp.taux-24h', '2026-05-01', '2026-06-01')).toEqual({
      code: 'acces.snp.taux-24h',
      mission: 'acces-soins',
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });

  it('acces.snp orientation recorded after asOf does not count as of then', () => {
    const log = new Log();
    log.recordAt('2026-03-10T09:00:00Z');
    log.record(`snp-${CPTS}.r`, 'UnscheduledCareRequested', {
      receivedAt: '2026-03-10T10:00:00+01:00',
      channel: 'sas',
      motive: 'x',
      viaSas: true,
    });
    log.recordAt('2026-03-10T15:00:00Z');
    log.record(`snp-${CPTS}.r`, 'UnscheduledCareOriented', {
      toMemberId: 'gp',
      appointmentAt: '2026-03-10T17:00:00+01:00',
    });
    expect(log.value('acces.sas.rdv', '2026-03-01', '2026-04-01', '2026-03-10T14:59:59Z')).toBe(0);
    expect(log.value('acces.snp.taux-24h', '2026-03-01', '2026-04-01', '2026-03-10T14:59:59Z')).toBe(0);
    expect(log.value('acces.sas.rdv', '2026-03-01', '2026-04-01', '2026-03-10T15:00:00Z')).toBe(1);
    expect(log.value('acces.snp.taux-24h', '2026-03-01', '2026-04-01')).toBe(1);
  });

  it('acces.sas.medecins, adhesion.membres and accompagnement.nouveaux-membres: present at the period end: one who left on its last day is gone', () => {
    const log = new Log();
    join(log, 'M1', 'medecin-generaliste', '2025-01-01', true);
    join(log, 'M2', 'pharmacien', '2025-06-01');
    log.record(memberStream('M2'), 'MemberLeft', { leftOn: '2026-01-31' });
    join(log, 'M3', 'medecin-specialiste', '2026-02-01', true);
    join(log, 'M4', 'infirmier', '2025-01-01', true);
    join(log, 'M5', 'medecin-generaliste', '2025-01-01');
    join(log, 'M6', 'medecin-generaliste', '2025-01-01', true);
    log.record(memberStream('M6'), 'MemberLeft', { leftOn: '2025-12-31' });

    expect(log.value('adhesion.membres', '2026-01-01', '2026-02-01')).toBe(3); // M1 M4 M5: M2 left on the 31st
    expect(log.value('acces.sas.medecins', '2026-01-01', '2026-02-01')).toBe(1); // M1
    expect(log.value('adhesion.membres', '2026-02-01', '2026-03-01')).toBe(4); // M1 M3 M4 M5
    expect(log.value('acces.sas.medecins', '2026-02-01', '2026-03-01')).toBe(2); // M1 M3
    expect(log.value('adhesion.membres', '2025-12-01', '2026-01-01')).toBe(4); // M6 left on the last day
    expect(log.value('acces.sas.medecins', '2025-12-01', '2026-01-01')).toBe(1); // M1
    expect(log.value('adhesion.membres', '2025-11-01', '2025-12-01')).toBe(5); // M6 still there
    expect(log.value('accompagnement.nouveaux-membres', '2026-02-01', '2026-03-01')).toBe(1);
    expect(log.value('accompagnement.nouveaux-membres', '2025-01-01', '2026-01-01')).toBe(5);
    expect(log.events('acces.sas.medecins', '2026-02-01', '2026-03-01').map((e) => e.category)).toEqual([
      'medecin-generaliste',
      'medecin-specialiste',
    ]);
  });
});

describe('parcours', () => {
  it('parcours.ouverts (by kind, as corrected), parcours.clos and the parcours.actifs snapshot through closures and reopenings', () => {
    const log = new Log();
    log.recordAt('2026-01-20T12:00:00Z');
    openPathway(log, 'P1', '2026-01-05T10:00:00+01:00', 'diabete');
    openPathway(log, 'P4', '2026-01-02T10:00:00+01:00', 'autre');
    log.record(pathwayStream('P4'), 'PathwayClosed', {
      closedAt: '2026-01-31T23:00:00+01:00',
      outcome: 'termine',
    });
    const p5 = openPathway(log, 'P5', '2026-01-20T10:00:00+01:00', 'autre');
    log.record(pathwayStream('P1'), 'PathwayClosed', {
      closedAt: '2026-02-10T10:00:00+01:00',
      outcome: 'termine',
    });
    openPathway(log, 'P2', '2026-02-28T23:30:00+01:00', 'bpco');
    openPathway(log, 'P3', '2026-03-01T00:30:00+01:00', 'diabete');
    log.record(pathwayStream('P1'), 'PathwayReopened', {
      reopenedAt: '2026-03-02T10:00:00+01:00',
      reason: 'x',
    });
    log.record(pathwayStream('P2'), 'PathwayClosed', {
      closedAt: '2026-03-15T09:00:00+01:00',
      outcome: 'autre',
    });
    log.record(pathwayStream('P2'), 'PathwayReopened', {
      reopenedAt: '2026-03-15T17:00:00+01:00',
      reason: 'x',
    });
    const correctedAt = '2026-04-10T08:00:00.000Z';
    log.recordAt(correctedAt);
    const correction = log.record(pathwayStream('P5'), 'EntryCorrected', {
      targetEventId: p5,
      reason: 'mauvais type',
      correction: { kind: 'tnd' },
    });

    const january = log.figure('parcours.ouverts', '2026-01-01', '2026-02-01');
    expect(january.value).toBe(3);
    expect(january.breakdown).toMatchObject({ diabete: 1, autre: 1, tnd: 1, bpco: 0 });
    expect(Object.keys(january.breakdown!)).toHaveLength(10); // every kind listed
    expect(
      log.figure('parcours.ouverts', '2026-01-01', '2026-02-01', '2026-04-10T07:59:59Z').breakdown,
    ).toMatchObject({ autre: 2, tnd: 0 });
    expect(
      log.events('parcours.ouverts', '2026-01-01', '2026-02-01').find((e) => e.eventId === p5),
    ).toMatchObject({ correctedBy: correction, category: 'tnd' });
    expect(log.value('parcours.clos', '2026-01-01', '2026-02-01')).toBe(1);
    expect(log.value('parcours.actifs', '2026-01-01', '2026-02-01')).toBe(2); // P1 P5; P4 closed on the last day
    expect(log.value('parcours.ouverts', '2026-02-01', '2026-03-01')).toBe(1);
    expect(log.value('parcours.clos', '2026-02-01', '2026-03-01')).toBe(1);
    expect(log.value('parcours.actifs', '2026-02-01', '2026-03-01')).toBe(2); // P2 P5
    expect(log.value('parcours.ouverts', '2026-03-01', '2026-04-01')).toBe(1);
    expect(log.value('parcours.clos', '2026-03-01', '2026-04-01')).toBe(1);
    expect(log.value('parcours.actifs', '2026-03-01', '2026-04-01')).toBe(4); // P1 reopened, P2 P3 P5
    expect(log.value('parcours.actifs', '2026-03-01', '2026-03-15')).toBe(4); // P2 still open on the 14th
    expect(log.value('parcours.actifs', '2026-03-01', '2026-03-03')).toBe(4); // P1 reopened on the 2nd
    expect(log.value('parcours.actifs', '2026-03-01', '2026-03-02')).toBe(3);
    // As known before the reopening of P1 was recorded.
    expect(log.value('parcours.actifs', '2026-03-01', '2026-04-01', '2026-01-20T12:00:00.006Z')).toBe(3);
  });

  it('parcours.adressages by urgency and parcours.adressages.taux-acceptation, with a voided acceptance', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-03-01T10:00:00+02:00');
    const refer = (referralId: string, urgency: string, referredAt: string) =>
      log.record(pathwayStream('p'), 'PatientReferred', {
        referralId,
        fromMemberId: 'gp',
        to: { profession: 'infirmier' },
        reason: 'x',
        urgency,
        referredAt,
      });
    refer('q1', 'jour-meme', '2026-04-02T10:00:00+02:00');
    const accepted = log.record(pathwayStream('p'), 'ReferralAccepted', {
      referralId: 'q1',
      acceptedAt: '2026-05-02T10:00:00+02:00',
    });
    refer('q2', '24h', '2026-04-03T10:00:00+02:00');
    log.record(pathwayStream('p'), 'ReferralDeclined', {
      referralId: 'q2',
      declinedAt: '2026-04-03T12:00:00+02:00',
      reason: 'x',
    });
    refer('q3', 'programmee', '2026-04-04T10:00:00+02:00');
    const q3Acceptance = log.record(pathwayStream('p'), 'ReferralAccepted', {
      referralId: 'q3',
      acceptedAt: '2026-04-05T10:00:00+02:00',
    });
    refer('q4', 'programmee', '2026-04-30T23:30:00+02:00');
    refer('q5', 'programmee', '2026-03-31T22:30:00Z'); // 1 April 00:30 in Paris
    refer('q6', 'programmee', '2026-03-31T21:30:00Z'); // 31 March 23:30 in Paris
    log.recordAt('2027-02-01T00:00:00Z');
    log.record(pathwayStream('p'), 'EntryVoided', { targetEventId: q3Acceptance, reason: 'erreur' });

    expect(log.figure('parcours.adressages', '2026-04-01', '2026-05-01')).toMatchObject({
      value: 5,
      breakdown: { 'jour-meme': 1, '24h': 1, programmee: 3 },
    });
    expect(log.figure('parcours.adressages.taux-acceptation', '2026-04-01', '2026-05-01')).toMatchObject({
      value: 0.2,
      numerator: 1,
      denominator: 5,
    });
    expect(
      log.figure('parcours.adressages.taux-acceptation', '2026-04-01', '2026-05-01', '2027-01-31T23:59:59Z'),
    ).toMatchObject({ value: 0.4, numerator: 2 });
    const q1 = log.events('parcours.adressages.taux-acceptation', '2026-04-01', '2026-05-01')[1];
    expect(q1).toMatchObject({ inNumerator: true, evidenceEventId: accepted, category: 'jour-meme' });
  });

  it('parcours.sorties and its three rates, the thresholds exactly at the boundary, voided and corrected entries', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-01-01T10:00:00+01:00');
    const reconcile = (dischargeId: string, sentAt: string) =>
      log.record(pathwayStream('p'), 'MedicationReconciliationSent', {
        dischargeId,
        toMemberId: 'ph',
        sentAt,
      });
    const followUp = (dischargeId: string | undefined, at: string) =>
      log.record(pathwayStream('p'), 'FollowUpCompleted', {
        ...(dischargeId ? { dischargeId } : {}),
        byMemberId: 'gp',
        at,
        kind: 'consultation',
      });
    // D1: everything exactly on time.
    const d1 = discharge(log, 'p', 'd1', '2026-05-10T12:00:00+02:00', '2026-05-09T12:00:00+02:00');
    const d1Reconciliation = reconcile('d1', '2026-05-12T12:00:00+02:00');
    const d1FollowUp = followUp('d1', '2026-05-17T12:00:00+02:00');
    // D2: everything just late.
    discharge(log, 'p', 'd2', '2026-05-11T12:00:00+02:00', '2026-05-10T12:00:01+02:00');
    reconcile('d2', '2026-05-13T12:01:00+02:00');
    followUp('d2', '2026-05-18T12:01:00+02:00');
    followUp(undefined, '2026-05-12T10:00:00+02:00'); // follows no discharge up
    // D3: on time, then the reconciliation is voided and the follow-up corrected to later.
    discharge(log, 'p', 'd3', '2026-05-20T12:00:00+02:00', '2026-05-20T08:00:00+02:00');
    const d3Reconciliation = reconcile('d3', '2026-05-20T18:00:00+02:00');
    const d3FollowUp = followUp('d3', '2026-05-22T10:00:00+02:00');
    // D4: voided.
    const d4 = discharge(log, 'p', 'd4', '2026-05-25T12:00:00+02:00', '2026-05-20T08:00:00+02:00');
    reconcile('d4', '2026-05-25T18:00:00+02:00');
    const voidingsAt = '2027-03-01T00:00:00.000Z';
    log.recordAt(voidingsAt);
    log.record(pathwayStream('p'), 'EntryVoided', { targetEventId: d3Reconciliation, reason: 'x' });
    log.record(pathwayStream('p'), 'EntryCorrected', {
      targetEventId: d3FollowUp,
      reason: 'x',
      correction: { at: '2026-05-29T10:00:00+02:00' },
    });
    log.record(pathwayStream('p'), 'EntryVoided', { targetEventId: d4, reason: 'doublon' });

    const may = ['2026-05-01', '2026-06-01'] as const;
    expect(log.value('parcours.sorties', ...may)).toBe(3);
    expect(log.figure('parcours.sorties.taux-preavis-24h', ...may)).toMatchObject({
      value: 0.3333, // D1 exactly 24 h ahead; D2 one second short; D3 only 4 h ahead
      numerator: 1,
      denominator: 3,
    });
    expect(log.figure('parcours.sorties.taux-pharmacien-48h', ...may)).toMatchObject({
      value: 0.3333,
      numerator: 1,
      denominator: 3,
    });
    expect(log.figure('parcours.sorties.taux-suivi-7j', ...may)).toMatchObject({
      value: 0.3333,
      numerator: 1,
      denominator: 3,
    });
    // As reported before the voidings and the correction.
    const before = '2027-02-28T23:59:59.999Z';
    expect(log.value('parcours.sorties', ...may, before)).toBe(4);
    expect(log.figure('parcours.sorties.taux-pharmacien-48h', ...may, before)).toMatchObject({
      value: 0.75,
      numerator: 3,
      denominator: 4,
    });
    expect(log.figure('parcours.sorties.taux-suivi-7j', ...may, before)).toMatchObject({ numerator: 2 });
    // At exactly the instant of the first voiding, it is known.
    expect(log.figure('parcours.sorties.taux-pharmacien-48h', ...may, voidingsAt)).toMatchObject({
      numerator: 2,
    });

    const [first] = log.events('parcours.sorties.taux-pharmacien-48h', ...may);
    expect(first).toMatchObject({ eventId: d1, inNumerator: true, evidenceEventId: d1Reconciliation });
    expect(log.events('parcours.sorties.taux-suivi-7j', ...may)[0].evidenceEventId).toBe(d1FollowUp);
    expect(log.events('parcours.sorties', ...may).map((e) => e.eventId)).not.toContain(d4);
    expect(log.events('parcours.sorties', ...may, before).map((e) => e.eventId)).toContain(d4);
  });

  it('parcours.sorties.taux-preavis-24h follows a correction of dischargeAt into another period', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-01-01T10:00:00+01:00');
    log.recordAt('2026-02-01T08:00:00.000Z');
    const d = discharge(log, 'p', 'd', '2026-01-31T20:00:00+01:00', '2026-01-31T10:00:00+01:00');
    log.recordAt('2026-02-03T08:00:00.000Z');
    log.record(pathwayStream('p'), 'EntryCorrected', {
      targetEventId: d,
      reason: 'date de sortie',
      correction: { dischargeAt: '2026-02-02T10:00:00+01:00' },
    });
    const reported = '2026-02-02T00:00:00Z';
    expect(log.value('parcours.sorties', '2026-01-01', '2026-02-01', reported)).toBe(1);
    expect(log.value('parcours.sorties.taux-preavis-24h', '2026-01-01', '2026-02-01', reported)).toBe(0);
    expect(log.value('parcours.sorties', '2026-01-01', '2026-02-01')).toBe(0);
    expect(log.figure('parcours.sorties.taux-preavis-24h', '2026-02-01', '2026-03-01')).toMatchObject({
      value: 1,
      numerator: 1,
    });
    expect(log.value('parcours.sorties', '2026-02-01', '2026-03-01', reported)).toBe(0);
    expect(log.value('parcours.sorties', '2026-01-01', '2026-02-01', '2026-02-01T07:59:59.999Z')).toBe(0);
  });

  it('parcours.sorties.taux-suivi-7j counts Paris calendar days across both clock changes', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-01-01T10:00:00+01:00');
    const withFollowUp = (id: string, dischargeAt: string, at: string) => {
      discharge(log, 'p', id, dischargeAt, dischargeAt);
      log.record(pathwayStream('p'), 'FollowUpCompleted', {
        dischargeId: id,
        byMemberId: 'gp',
        at,
        kind: 'appel',
      });
    };
    withFollowUp('spring-167h', '2026-03-27T10:00:00+01:00', '2026-04-03T10:00:00+02:00');
    withFollowUp('spring-168h', '2026-03-26T10:00:00+01:00', '2026-04-02T11:00:00+02:00');
    withFollowUp('autumn-169h', '2026-10-23T10:00:00+02:00', '2026-10-30T10:00:00+01:00');
    expect(log.figure('parcours.sorties.taux-suivi-7j', '2026-03-01', '2026-04-01')).toMatchObject({
      value: 0.5,
      numerator: 1,
      denominator: 2,
    });
    expect(log.value('parcours.sorties.taux-suivi-7j', '2026-10-01', '2026-11-01')).toBe(1);
  });

  it('parcours.rcp counts RCPs with complex ones and cases', () => {
    const log = new Log();
    const rcp = (id: string, heldAt: string, complex: boolean, cases: number) =>
      log.record(`rcp-${CPTS}.${id}`, 'RcpHeld', {
        convenedBy: 'gp',
        heldAt,
        durationMinutes: 60,
        complex,
        format: 'visio',
        participants: [{ memberId: 'gp' }, { name: 'Dr X', profession: 'infirmier' }],
        patientPresent: false,
        familyPresent: false,
        cases: Array.from({ length: cases }, (_, i) => ({ pathwayId: `w${i}`, decisions: [] })),
      });
    rcp('a', '2026-06-01T18:00:00+02:00', true, 2);
    rcp('b', '2026-06-30T23:00:00+02:00', false, 3);
    rcp('c', '2026-07-01T00:30:00+02:00', true, 4);
    expect(log.figure('parcours.rcp', '2026-06-01', '2026-07-01')).toMatchObject({
      value: 2,
      breakdown: { complexes: 1, cas: 5 },
    });
  });
});

describe('parcours.affectations', () => {
  const assign = (log: Log, item: string, kind: string, assignee: unknown, assignedAt: string) =>
    log.record(`worklist-${CPTS}.${item}`, 'WorkItemAssigned', {
      kind,
      openedBy: `opened-${item}`,
      assignee,
      assignedAt,
    });

  it('counts the assignments of the period to a member or a coordinator by kind, not the items given back', () => {
    const log = new Log();
    assign(log, 'i1', 'sortie.suivi', { memberId: 'm1' }, '2026-03-02T09:00:00+01:00');
    assign(log, 'i1', 'sortie.suivi', null, '2026-03-03T09:00:00+01:00');
    assign(log, 'i1', 'sortie.suivi', { coordinatorId: 'marie' }, '2026-03-31T23:30:00+02:00');
    assign(log, 'i2', 'mt.recherche', { memberId: 'm2' }, '2026-03-10T12:00:00+01:00');
    assign(log, 'i3', 'snp.orientation', { memberId: 'm2' }, '2026-04-01T00:30:00+02:00');
    expect(log.figure('parcours.affectations', '2026-03-01', '2026-04-01')).toMatchObject({
      value: 3,
      breakdown: {
        'sortie.pharmacien': 0,
        'sortie.suivi': 2,
        'adressage.reponse': 0,
        'snp.orientation': 0,
        'rcp.revue': 0,
        'mt.recherche': 1,
      },
    });
    expect(log.value('parcours.affectations', '2026-04-01', '2026-05-01')).toBe(1);
    expect(log.events('parcours.affectations', '2026-03-01', '2026-04-01').map((e) => e.type)).toEqual([
      'WorkItemAssigned',
      'WorkItemAssigned',
      'WorkItemAssigned',
    ]);
  });

  it('follows corrections and voidings, and gives the figure as known at asOf', () => {
    const log = new Log();
    log.recordAt('2026-03-05T10:00:00Z');
    const first = assign(log, 'i1', 'rcp.revue', { memberId: 'm1' }, '2026-03-02T09:00:00+01:00');
    const second = assign(log, 'i1', 'rcp.revue', { memberId: 'm2' }, '2026-03-04T09:00:00+01:00');
    log.recordAt('2026-03-06T10:00:00Z');
    log.record(`worklist-${CPTS}.i1`, 'EntryVoided', { targetEventId: second, reason: 'erreur' });
    expect(log.value('parcours.affectations', '2026-03-01', '2026-04-01')).toBe(1);
    expect(log.value('parcours.affectations', '2026-03-01', '2026-04-01', '2026-03-05T12:00:00Z')).toBe(2);
    log.recordAt('2026-03-07T10:00:00Z');
    log.record(`worklist-${CPTS}.i1`, 'EntryCorrected', {
      targetEventId: first,
      reason: 'donné à l’équipe',
      correction: { assignee: null },
    });
    expect(log.value('parcours.affectations', '2026-03-01', '2026-04-01')).toBe(0);
    expect(log.value('parcours.affectations', '2026-03-01', '2026-04-01', '2026-03-06T12:00:00Z')).toBe(1);
  });
});

describe('prevention, qualite-pertinence, accompagnement-professionnels', () => {
  it('prevention.actions sums the people reached', () => {
    const log = new Log();
    log.record(`action-${CPTS}.a`, 'PreventionActionHeld', {
      theme: 'x',
      heldOn: '2026-09-01',
      participants: 12,
      memberIds: [],
    });
    log.record(`action-${CPTS}.b`, 'PreventionActionHeld', {
      theme: 'x',
      heldOn: '2026-09-30',
      participants: 30,
      memberIds: [],
    });
    log.record(`action-${CPTS}.c`, 'PreventionActionHeld', {
      theme: 'x',
      heldOn: '2026-10-01',
      participants: 99,
      memberIds: [],
    });
    expect(log.figure('prevention.actions', '2026-09-01', '2026-10-01')).toMatchObject({
      value: 2,
      breakdown: { personnes: 42 },
    });
  });

  it('qualite.protocoles by code@version and qualite.protocoles.taux-mt-informe, before and after a correction', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-01-01T10:00:00+01:00');
    const apply = (
      applicationId: string,
      protocolCode: string,
      protocolVersion: number,
      outcome: string,
      mtInformedAt?: string,
    ) =>
      log.record(pathwayStream('p'), 'ProtocolApplied', {
        applicationId,
        protocolCode,
        protocolVersion,
        byMemberId: 'ph',
        appliedAt: '2026-02-10T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        outcome,
        ...(mtInformedAt ? { mtInformedAt } : {}),
      });
    apply('a1', 'odynophagie', 1, 'dispensation', '2026-02-10T11:00:00+01:00');
    apply('a2', 'pollakiurie-brulure-mictionnelle', 2, 'dispensation');
    apply('a3', 'pollakiurie-brulure-mictionnelle', 2, 'conseil');
    const a4 = apply('a4', 'pollakiurie-brulure-mictionnelle', 2, 'dispensation');
    const a5 = apply('a5', 'odynophagie', 2, 'dispensation', '2026-02-10T11:00:00+01:00');
    log.recordAt('2027-05-01T00:00:00.000Z');
    log.record(pathwayStream('p'), 'EntryVoided', { targetEventId: a5, reason: 'doublon' });
    log.record(pathwayStream('p'), 'EntryCorrected', {
      targetEventId: a4,
      reason: 'oubli',
      correction: { mtInformedAt: '2026-02-10T12:00:00+01:00' },
    });
    const protocols = log.figure('qualite.protocoles', '2026-02-01', '2026-03-01');
    expect(protocols.value).toBe(4);
    // a5 was voided: no odynophagie@2 left, not even a 0.
    expect(protocols.breakdown).toEqual({ 'odynophagie@1': 1, 'pollakiurie-brulure-mictionnelle@2': 3 });
    expect(log.figure('qualite.protocoles.taux-mt-informe', '2026-02-01', '2026-03-01')).toMatchObject({
      value: 0.6667,
      numerator: 2,
      denominator: 3,
    });
    expect(
      log.figure('qualite.protocoles.taux-mt-informe', '2026-02-01', '2026-03-01', '2027-04-30T23:59:59Z'),
    ).toMatchObject({ value: 0.5, numerator: 2, denominator: 4 }); // a5 not yet voided, a4 not yet corrected
    expect(
      log.figure('qualite.protocoles', '2026-02-01', '2026-03-01', '2027-04-30T23:59:59Z').breakdown,
    ).toEqual({
      'odynophagie@1': 1,
      'odynophagie@2': 1,
      'pollakiurie-brulure-mictionnelle@2': 3,
    });
  });

  it('qualite.formations, accompagnement.stagiaires', () => {
    const log = new Log();
    log.record(`action-${CPTS}.t1`, 'TrainingHeld', {
      theme: 'x',
      heldOn: '2026-11-30',
      attendeeMemberIds: [],
    });
    log.record(`action-${CPTS}.t2`, 'TrainingHeld', {
      theme: 'x',
      heldOn: '2026-12-01',
      attendeeMemberIds: [],
    });
    log.record(memberStream('m'), 'InternHosted', {
      profession: 'infirmier',
      from: '2026-11-02',
      to: '2027-01-15',
    });
    log.record(memberStream('m'), 'InternHosted', {
      profession: 'infirmier',
      from: '2026-10-31',
      to: '2026-11-30',
    });
    expect(log.value('qualite.formations', '2026-11-01', '2026-12-01')).toBe(1);
    expect(log.value('accompagnement.stagiaires', '2026-11-01', '2026-12-01')).toBe(1);
    expect(log.value('accompagnement.stagiaires', '2026-10-01', '2026-12-01')).toBe(2);
  });
});

describe('adhesion (Plan 100 % CPTS)', () => {
  it('adhesion.membres-actifs: any activity in the 12 months ending at the period end', () => {
    const log = new Log();
    join(log, 'M1', 'medecin-generaliste', '2025-01-01');
    join(log, 'M2', 'pharmacien', '2025-01-01');
    join(log, 'M3', 'medecin-specialiste', '2025-01-01');
    join(log, 'M4', 'infirmier', '2025-01-01');
    join(log, 'M5', 'masseur-kinesitherapeute', '2025-01-01');
    log.record(memberStream('M1'), 'ParticipationRecorded', {
      activity: 'reunion',
      on: '2025-02-01',
      hours: 2,
    });
    openPathway(log, 'p', '2025-01-10T10:00:00+01:00');
    const referral = log.record(pathwayStream('p'), 'PatientReferred', {
      referralId: 'q',
      fromMemberId: 'M2',
      to: { profession: 'infirmier' },
      reason: 'x',
      urgency: '24h',
      referredAt: '2026-01-10T10:00:00+01:00',
    });
    log.record(`rcp-${CPTS}.r`, 'RcpHeld', {
      convenedBy: 'M1',
      heldAt: '2026-01-15T18:00:00+01:00',
      durationMinutes: 60,
      complex: false,
      format: 'visio',
      participants: [{ memberId: 'M4' }, { name: 'Dr X', profession: 'medecin-specialiste' }],
      patientPresent: false,
      familyPresent: false,
      cases: [],
    });
    log.record(pathwayStream('p'), 'FollowUpCompleted', {
      byMemberId: 'M5',
      at: '2025-01-31T10:00:00+01:00',
      kind: 'appel',
    });
    const voidedAt = '2027-06-01T00:00:00.000Z';
    log.recordAt(voidedAt);
    log.record(pathwayStream('p'), 'EntryVoided', { targetEventId: referral, reason: 'x' });

    // Window [2025-02-01, 2026-02-01): M1 on its first day, M4 (RCP); M2's referral is voided; M5 too early.
    expect(log.value('adhesion.membres-actifs', '2026-01-01', '2026-02-01')).toBe(2);
    expect(log.value('adhesion.membres-actifs', '2026-01-01', '2026-02-01', '2027-05-31T23:59:59Z')).toBe(3);
    expect(log.value('adhesion.membres', '2026-01-01', '2026-02-01')).toBe(5);
    const active = log.events('adhesion.membres-actifs', '2026-01-01', '2026-02-01');
    expect(active.map((e) => e.category).sort()).toEqual(['infirmier', 'medecin-generaliste']);
    expect(active.every((e) => typeof e.evidenceEventId === 'string')).toBe(true);

    // Window [2025-03-01, 2026-03-01): M1's participation is out; a training, a protocol and an action in.
    log.record(`action-${CPTS}.t`, 'TrainingHeld', {
      theme: 'x',
      heldOn: '2026-02-25',
      attendeeMemberIds: ['M1'],
    });
    log.record(pathwayStream('p'), 'ProtocolApplied', {
      applicationId: 'a',
      protocolCode: 'odynophagie',
      protocolVersion: 1,
      byMemberId: 'M3',
      appliedAt: '2026-02-10T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome: 'conseil',
    });
    log.record(`action-${CPTS}.a`, 'PreventionActionHeld', {
      theme: 'x',
      heldOn: '2026-02-20',
      participants: 5,
      memberIds: ['M5'],
    });
    expect(log.value('adhesion.membres-actifs', '2026-02-01', '2026-03-01')).toBe(4); // M1 M3 M4 M5
  });

  it('adhesion.population: the population in force at the period end, as known at asOf', () => {
    const log = new Log();
    log.recordAt('2026-01-01T00:00:00.000Z');
    log.record(`cpts-${CPTS}`, 'CptsRegistered', { name: 'x', population: 60000, communes: [] });
    log.recordAt('2026-02-15T00:00:00.000Z');
    log.record(`cpts-${CPTS}`, 'CptsPopulationUpdated', { population: 65000, effectiveOn: '2026-03-01' });
    expect(log.value('adhesion.population', '2026-02-01', '2026-03-01')).toBe(60000);
    expect(log.value('adhesion.population', '2026-02-01', '2026-03-02')).toBe(65000);
    expect(log.value('adhesion.population', '2026-02-01', '2026-03-02', '2026-02-14T23:59:59Z')).toBe(60000);
    expect(log.value('adhesion.population', '2026-02-01', '2026-03-02', '2025-12-31T23:59:59Z')).toBeNull();
    // The drill-down names each event's stream, the CPTS's own (which has no id) as any other.
    expect(log.events('adhesion.population', '2026-02-01', '2026-03-02').map((e) => e.streamId)).toEqual([
      `cpts-${CPTS}`,
    ]);
  });
});

describe('tenants', () => {
  it('counts only the events of the CPTS asked about', () => {
    const log = new Log();
    openPathway(log, 'p', '2026-01-01T10:00:00+01:00');
    discharge(log, 'p', 'd', '2026-05-10T12:00:00+02:00', '2026-05-09T12:00:00+02:00');
    log.record(
      'pathway-cpts-other.q',
      'PathwayOpened',
      { patientId: 'x', kind: 'autre', openedAt: '2026-01-01T10:00:00+01:00' },
      'cpts-other',
    );
    const other = log.record(
      'pathway-cpts-other.q',
      'DischargeNotified',
      { dischargeId: 'd', dischargeAt: '2026-05-10T12:00:00+02:00', notifiedAt: '2026-05-01T12:00:00+02:00' },
      'cpts-other',
    );
    // A voiding in another CPTS's stream cannot reach this CPTS's entries.
    const ours = log.events('parcours.sorties', '2026-05-01', '2026-06-01')[0].eventId;
    log.record('pathway-cpts-other.q', 'EntryVoided', { targetEventId: ours, reason: 'x' }, 'cpts-other');
    expect(log.value('parcours.sorties', '2026-05-01', '2026-06-01')).toBe(1);
    expect(log.value('parcours.actifs', '2026-01-01', '2026-02-01')).toBe(1);
    expect(log.events('parcours.sorties', '2026-05-01', '2026-06-01').map((e) => e.eventId)).not.toContain(
      other,
    );
  });
});
