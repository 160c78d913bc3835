import { EventLog, projectionSpec, type ReadStore } from '@parcours/projections';
import type { MemberEvent } from '../../members/member.events';
import { memberDirectoryProjection } from '../../members/member-directory/member-directory.projection';
import { MemberDirectoryQueries } from '../../members/member-directory/member-directory.queries';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { PatientEvent } from '../patient.events';
import { CARE_TEAM, careTeamProjection } from './care-team.projection';
import { CareTeamQueries } from './care-team.queries';

const CPTS = 'cpts-test';
const queries = (read: ReadStore) => new CareTeamQueries(read, new MemberDirectoryQueries(read));

describe('care team read model', () => {
  const log = new EventLog();
  const patientStream = `patient-${CPTS}.p-1`;
  const pathwayStream = `pathway-${CPTS}.pw-1`;
  const onPatient = <T extends PatientEvent['type']>(
    type: T,
    data: Extract<PatientEvent, { type: T }>['data'],
  ) => log.event<PatientEvent>(patientStream, type, data);
  const onPathway = <T extends PathwayEvent['type']>(
    type: T,
    data: Extract<PathwayEvent, { type: T }>['data'],
  ) => log.event<PathwayEvent>(pathwayStream, type, data);
  const change = (stream: string, type: CorrectionEvent['type'], data: Record<string, unknown>) =>
    log.event<CorrectionEvent>(stream, type, data as never);
  const joined = (id: string, displayName: string) =>
    log.event<MemberEvent>(`member-${CPTS}.${id}`, 'MemberJoined', {
      displayName,
      profession: 'infirmier',
      mode: 'liberal',
      joinedOn: '2020-01-01',
      sasParticipant: false,
    });
  const members = [joined('m-gp', 'Dr Martin'), joined('m-nurse', 'Mme Roux'), joined('m-kine', 'M. Blanc')];
  const registered = onPatient('PatientRegistered', {
    identity: { alg: 'A256GCM', iv: 'secret-iv', ciphertext: 'SEALED-NAME', tag: 't' },
    sex: 'F',
    birthYear: 1948,
    ald: true,
    precarious: false,
    hasMedecinTraitant: false,
  });
  const assigned = onPatient('MedecinTraitantAssigned', { memberId: 'm-gp', assignedOn: '2026-02-01' });
  const nurseJoins = onPatient('CareTeamMemberAdded', {
    memberId: 'm-nurse',
    role: 'soins-infirmiers',
    from: '2026-03-01',
  });
  const kineJoins = onPatient('CareTeamMemberAdded', {
    memberId: 'm-kine',
    role: 'reeducation',
    from: '2026-03-02',
  });
  const kineLeaves = onPatient('CareTeamMemberRemoved', {
    memberId: 'm-kine',
    to: '2026-04-30',
    reason: 'Fin de la rééducation',
  });
  const spec = projectionSpec(careTeamProjection, memberDirectoryProjection).given(
    ...members,
    registered,
    assigned,
    nurseJoins,
  );

  it('lists the médecin traitant and the members added, with their names, and never keeps an identity', () => {
    spec.then((read) => {
      expect(queries(read).circle(CPTS, 'p-1')).toEqual({
        patientId: 'p-1',
        members: [
          {
            memberId: 'm-gp',
            displayName: 'Dr Martin',
            basis: 'medecin-traitant',
            role: null,
            from: '2026-02-01',
            eventId: null,
          },
          {
            memberId: 'm-nurse',
            displayName: 'Mme Roux',
            basis: 'care-team',
            role: 'soins-infirmiers',
            from: '2026-03-01',
            eventId: nurseJoins.metadata.eventId,
          },
        ],
        past: [],
        involved: [],
      });
      expect(queries(read).inCircle(CPTS, 'p-1', 'm-gp')).toBe(true);
      expect(queries(read).inCircle(CPTS, 'p-1', 'm-kine')).toBe(false);
      expect(queries(read).inCircle(CPTS, 'p-2', 'm-gp')).toBe(false);
      const everything = JSON.stringify(
        ['circle', 'histories'].map((table) =>
          read.db.prepare(`SELECT * FROM "${read.tables(CARE_TEAM)(table)}"`).all(),
        ),
      );
      expect(everything).not.toMatch(/SEALED-NAME|secret-iv/);
    });
  });

  it('keeps a removed member as a past stay, out of the circle', () => {
    spec.when(kineJoins, kineLeaves).then((read) => {
      const circle = queries(read).circle(CPTS, 'p-1');
      expect(circle.members.map((member) => member.memberId)).toEqual(['m-gp', 'm-nurse']);
      expect(circle.past).toEqual([
        {
          memberId: 'm-kine',
          displayName: 'M. Blanc',
          role: 'reeducation',
          from: '2026-03-02',
          to: '2026-04-30',
          blocked: false,
          eventId: kineJoins.metadata.eventId,
        },
      ]);
      expect(queries(read).inCircle(CPTS, 'p-1', 'm-kine')).toBe(false);
    });
  });

  it('follows a removal voided (back in the circle) and a block (out of it while it lasts)', () => {
    const voided = change(patientStream, 'EntryVoided', {
      targetEventId: kineLeaves.metadata.eventId,
      reason: 'Erreur',
    });
    spec.when(kineJoins, kineLeaves, voided).then((read) => {
      expect(queries(read).inCircle(CPTS, 'p-1', 'm-kine')).toBe(true);
      expect(queries(read).circle(CPTS, 'p-1').past).toEqual([]);
    });
    const blocked = onPatient('ProfessionalAccessBlocked', { memberId: 'm-gp', on: '2026-05-01' });
    const unblocked = onPatient('ProfessionalAccessUnblocked', { memberId: 'm-gp', on: '2026-05-02' });
    spec.when(blocked).then((read) => expect(queries(read).inCircle(CPTS, 'p-1', 'm-gp')).toBe(false));
    const nurseBlocked = onPatient('ProfessionalAccessBlocked', { memberId: 'm-nurse', on: '2026-05-01' });
    spec.when(nurseBlocked).then((read) => {
      expect(queries(read).inCircle(CPTS, 'p-1', 'm-nurse')).toBe(false);
      expect(queries(read).circle(CPTS, 'p-1').past).toMatchObject([
        { memberId: 'm-nurse', to: null, blocked: true },
      ]);
    });
    spec
      .when(blocked, unblocked)
      .then((read) => expect(queries(read).inCircle(CPTS, 'p-1', 'm-gp')).toBe(true));
  });

  describe('involvement in a pathway', () => {
    const opened = onPathway('PathwayOpened', {
      patientId: 'p-1',
      kind: 'sortie-hospitalisation',
      openedAt: '2026-03-01T09:00:00+01:00',
    });
    const referred = onPathway('PatientReferred', {
      referralId: 'r-1',
      fromMemberId: 'm-gp',
      to: { memberId: 'm-kine' },
      reason: 'Rééducation',
      urgency: 'programmee',
      referredAt: '2026-03-02T09:00:00+01:00',
    });
    const accepted = onPathway('ReferralAccepted', {
      referralId: 'r-1',
      acceptedAt: '2026-03-03T09:00:00+01:00',
    });
    const closed = onPathway('PathwayClosed', { closedAt: '2026-04-01T09:00:00+02:00', outcome: 'termine' });
    const pathwaySpec = projectionSpec(careTeamProjection, memberDirectoryProjection).given(
      ...members,
      registered,
      opened,
      referred,
    );

    it('involves the recipient of a referral once accepted, not before', () => {
      pathwaySpec.then((read) => expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(false));
      pathwaySpec.when(accepted).then((read) => {
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(true);
        expect(queries(read).involvedWith(CPTS, 'p-1', 'm-kine')).toBe(true);
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-gp')).toBe(false);
        expect(queries(read).circle(CPTS, 'p-1').involved).toEqual([
          {
            memberId: 'm-kine',
            displayName: 'M. Blanc',
            pathwayId: 'pw-1',
            reason: 'referral',
            since: '2026-03-03T09:00:00+01:00',
          },
        ]);
      });
    });

    it('involves who applied a protocol', () => {
      const applied = onPathway('ProtocolApplied', {
        applicationId: 'a-1',
        protocolCode: 'cystite',
        protocolVersion: 1,
        byMemberId: 'm-nurse',
        appliedAt: '2026-03-04T09:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        outcome: 'dispensation',
      });
      pathwaySpec.when(applied).then((read) => {
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-nurse')).toBe(true);
      });
      const voided = change(pathwayStream, 'EntryVoided', {
        targetEventId: applied.metadata.eventId,
        reason: 'Erreur',
      });
      pathwaySpec
        .when(applied, voided)
        .then((read) => expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-nurse')).toBe(false));
    });

    it('lasts while the pathway is open: ends at its closure, again at its reopening or the closure voided', () => {
      pathwaySpec.when(accepted, closed).then((read) => {
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(false);
        expect(queries(read).circle(CPTS, 'p-1').involved).toEqual([]);
      });
      const reopened = onPathway('PathwayReopened', {
        reopenedAt: '2026-04-02T09:00:00+02:00',
        reason: 'Rechute',
      });
      pathwaySpec
        .when(accepted, closed, reopened)
        .then((read) => expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(true));
      const voidClosure = change(pathwayStream, 'EntryVoided', {
        targetEventId: closed.metadata.eventId,
        reason: 'Erreur',
      });
      pathwaySpec
        .when(accepted, closed, voidClosure)
        .then((read) => expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(true));
    });

    it('follows the referral’s recipient corrected, and its voiding', () => {
      const corrected = change(pathwayStream, 'EntryCorrected', {
        targetEventId: referred.metadata.eventId,
        reason: 'Erreur de destinataire',
        correction: { to: { memberId: 'm-nurse' } },
      });
      pathwaySpec.when(accepted, corrected).then((read) => {
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(false);
        expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-nurse')).toBe(true);
      });
      const voided = change(pathwayStream, 'EntryVoided', {
        targetEventId: accepted.metadata.eventId,
        reason: 'Erreur',
      });
      pathwaySpec
        .when(accepted, voided)
        .then((read) => expect(queries(read).involvedIn(CPTS, 'pw-1', 'm-kine')).toBe(false));
    });
  });
});
