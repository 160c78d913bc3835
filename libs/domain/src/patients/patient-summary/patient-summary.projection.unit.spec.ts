import { EventLog, projectionSpec, type ReadStore } from '@parcours/projections';
import { MemberDirectoryQueries } from '../../members/member-directory/member-directory.queries';
import { pathwayViewProjection } from '../../pathways/pathway-view/pathway-view.projection';
import { PathwayViewQueries } from '../../pathways/pathway-view/pathway-view.queries';
import type { CorrectionEvent } from '../../shared/corrections';
import type { PatientEvent } from '../patient.events';
import { patientSummaryProjection, PATIENT_SUMMARY } from './patient-summary.projection';
import { PatientSummaryQueries } from './patient-summary.queries';

const CPTS = 'cpts-test';
const queries = (read: ReadStore) =>
  new PatientSummaryQueries(read, new PathwayViewQueries(read), new MemberDirectoryQueries(read));

describe('patient summary read model', () => {
  const log = new EventLog();
  const stream = `patient-${CPTS}.p-1`;
  const on = <T extends PatientEvent['type']>(type: T, data: Extract<PatientEvent, { type: T }>['data']) =>
    log.event<PatientEvent>(stream, type, data);
  const registered = on('PatientRegistered', {
    identity: { v: 1, iv: 'secret-iv', ciphertext: 'SEALED-NAME', tag: 't' } as never,
    sex: 'F',
    birthYear: 1948,
    commune: '69264',
    ald: true,
    precarious: false,
    hasMedecinTraitant: false,
  });
  const search = on('MedecinTraitantSearchRegistered', {
    registeredOn: '2026-03-01',
    requestedBy: 'patient',
    priority: 'ald',
  });
  const consent = on('ConsentRecorded', {
    scope: 'partage-medecin-traitant',
    decision: 'accord',
    on: '2026-03-01',
  });
  const blocks = [
    on('ProfessionalAccessBlocked', { memberId: 'm-1', on: '2026-03-02' }),
    on('ProfessionalAccessBlocked', { memberId: 'm-2', on: '2026-03-02' }),
    on('ProfessionalAccessUnblocked', { memberId: 'm-1', on: '2026-03-03' }),
  ];
  const assigned = on('MedecinTraitantAssigned', { memberId: 'm-gp', assignedOn: '2026-03-05' });
  const erased = on('PatientIdentityErased', { on: '2026-03-06', reason: 'Demande' });
  const spec = projectionSpec(patientSummaryProjection).given(registered, search, consent);

  it('keeps what a summary shows and the current blocks, never the identity, not even sealed', () => {
    spec.when(...blocks).then((read) => {
      expect(queries(read).patient(CPTS, 'p-1')!.state).toMatchObject({
        sex: 'F',
        birthYear: 1948,
        ald: true,
        medecinTraitantSearch: { registeredOn: '2026-03-01', priority: 'ald' },
        consents: { 'partage-medecin-traitant': 'accord' },
        blockedMemberIds: ['m-2'],
        erased: false,
      });
      expect(queries(read).isBlocked(CPTS, 'p-1', 'm-1')).toBe(false);
      expect(queries(read).isBlocked(CPTS, 'p-1', 'm-2')).toBe(true);
      const everything = JSON.stringify(
        ['patients', 'histories', 'blocks', 'open_searches'].map((table) =>
          read.db.prepare(`SELECT * FROM "${read.tables(PATIENT_SUMMARY)(table)}"`).all(),
        ),
      );
      expect(everything).toContain('1948');
      expect(everything).not.toMatch(/SEALED-NAME|secret-iv|sealedIdentity/);
    });
  });

  it('an open médecin-traitant search is due 30 days after it was registered, until assigned', () => {
    const openSearch = (read: ReadStore) =>
      read.db.prepare(`SELECT * FROM "${read.tables(PATIENT_SUMMARY)('open_searches')}"`).all();
    spec.then((read) =>
      expect(openSearch(read)).toEqual([
        {
          cpts_id: CPTS,
          patient_id: 'p-1',
          event_id: search.metadata.eventId,
          registered_on: '2026-03-01',
          priority: 'ald',
          due_at: '2026-03-31',
          overdue_from_ms: Date.parse('2026-03-31T22:00:00Z'),
        },
      ]),
    );
    spec.when(assigned).then((read) => expect(openSearch(read)).toEqual([]));
    spec
      .when(
        assigned,
        log.event<CorrectionEvent>(stream, 'EntryVoided', {
          targetEventId: assigned.metadata.eventId,
          reason: 'Erreur',
        }),
      )
      .then((read) => expect(openSearch(read)).toHaveLength(1));
  });

  it('an assignment and an erasure show in the summary, at the stream’s revision', () => {
    spec.when(...blocks, assigned, erased).then((read) => {
      const { state, revision } = queries(read).patient(CPTS, 'p-1')!;
      expect(revision).toBe(7);
      expect(state.medecinTraitantSearch).toBeUndefined();
      expect(state).toMatchObject({
        medecinTraitantMemberId: 'm-gp',
        hasMedecinTraitant: true,
        erased: true,
      });
    });
  });

  it('lists patients by id, pseudonymously, with their pathways counted, filtered and paged', () => {
    const other = new EventLog();
    const patient = (id: string, birthYear: number, hasMedecinTraitant: boolean) =>
      other.event<PatientEvent>(`patient-${CPTS}.${id}`, 'PatientRegistered', {
        identity: { sealed: 'x' } as never,
        sex: 'M',
        birthYear,
        ald: false,
        precarious: false,
        hasMedecinTraitant,
      });
    const ids = [
      '00000000-0000-7000-8000-000000000001',
      '00000000-0000-7000-8000-000000000002',
      '00000000-0000-7000-8000-000000000003',
    ];
    const given = [
      patient(ids[0], 1950, true),
      patient(ids[1], 1960, false),
      patient(ids[2], 1950, false),
      other.event(`pathway-${CPTS}.w-1`, 'PathwayOpened', {
        patientId: ids[0],
        kind: 'bpco',
        openedAt: '2026-03-02T09:00:00+01:00',
      }),
      other.event(`pathway-${CPTS}.w-2`, 'PathwayOpened', {
        patientId: ids[0],
        kind: 'bpco',
        openedAt: '2026-03-03T09:00:00+01:00',
      }),
      other.event(`pathway-${CPTS}.w-2`, 'PathwayClosed', {
        closedAt: '2026-03-04T09:00:00+01:00',
        outcome: 'termine',
      }),
    ];
    projectionSpec(patientSummaryProjection, pathwayViewProjection)
      .given(...given)
      .then((read) => {
        const list = queries(read);
        const first = list.list(CPTS, { limit: 2 });
        expect(first.items.map((p) => [p.id, p.pathwayCount, p.openPathwayCount])).toEqual([
          [ids[0], 2, 1],
          [ids[1], 0, 0],
        ]);
        expect(list.list(CPTS, { limit: 2, after: first.nextAfter! }).items.map((p) => p.id)).toEqual([
          ids[2],
        ]);
        expect(
          list.list(CPTS, { birthYear: 1950, hasMedecinTraitant: false }).items.map((p) => p.id),
        ).toEqual([ids[2]]);
        expect(JSON.stringify(list.list(CPTS, {}))).not.toMatch(/sealed/);
      });
  });
});
