import type { SealedIdentity } from '@parcours/crypto';
import type { MemberState } from '../members/member.decider';
import { fold } from '../shared/decider';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf, stored } from '../shared/testing';
import type { PatientCommand, RegisterPatient as RegisterPatientCommand } from './patient.commands';
import {
  assertNotBlocked,
  blockedAt,
  careCircle,
  inCareCircle,
  consentOn,
  decidePatient,
  earliestBusinessTime,
  patientCorrections,
  patientEvolver,
  type PatientState,
  statusOn,
} from './patient.decider';
import type {
  CareTeamMemberAdded,
  CareTeamMemberRemoved,
  ConsentRecorded,
  MedecinTraitantAssigned,
  MedecinTraitantSearchRegistered,
  PatientEvent,
  PatientIdentity,
  PatientIdentityErased,
  PharmacienCorrespondantDesignated,
  ProfessionalAccessBlocked,
  ProfessionalAccessUnblocked,
} from './patient.events';

type RegisterPatient = RegisterPatientCommand['data'];
/** Who records, when, and the patient's birth: the decision's context and the facts of these specs. */
interface PatientCommandContext {
  actor: { id: string; role: string };
  now: Date;
  earliest: string;
}
const run = (
  command: PatientCommand,
  state: PatientState,
  context: PatientCommandContext,
  members: Record<string, MemberState> = {},
  seal?: (identity: PatientIdentity) => SealedIdentity,
) =>
  decidePatient(
    command,
    state,
    { earliest: context.earliest, members, ...(seal ? { seal } : {}) },
    { ...decisionAt(context.now), actor: context.actor },
  );
const decideRegister = (
  data: RegisterPatient,
  state: PatientState,
  moment: Date,
  seal: (identity: PatientIdentity) => SealedIdentity,
) =>
  run(
    { type: 'RegisterPatient', data },
    state,
    { actor: { id: 'coord-1', role: 'coordinator' }, now: moment, earliest: data.identity.birthDate },
    {},
    seal,
  );
const decideConsent = (data: ConsentRecorded, state: PatientState, context: PatientCommandContext) =>
  run({ type: 'RecordConsent', data }, state, context);
const decideMedecinTraitantSearch = (
  data: MedecinTraitantSearchRegistered,
  state: PatientState,
  context: PatientCommandContext,
  requester: MemberState | 'patient',
) =>
  run(
    { type: 'RegisterMedecinTraitantSearch', data },
    state,
    context,
    requester === 'patient' ? {} : { [data.requestedBy]: requester },
  );
const decideAssignMedecinTraitant = (
  data: MedecinTraitantAssigned,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
) => run({ type: 'AssignMedecinTraitant', data }, state, context, { [data.memberId]: member });
const decideBlock = (
  data: ProfessionalAccessBlocked,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
) => run({ type: 'BlockProfessional', data }, state, context, { [data.memberId]: member });
const decideUnblock = (
  data: ProfessionalAccessUnblocked,
  state: PatientState,
  context: PatientCommandContext,
) => run({ type: 'UnblockProfessional', data }, state, context);
const decidePharmacienCorrespondant = (
  data: PharmacienCorrespondantDesignated,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
) => run({ type: 'DesignatePharmacienCorrespondant', data }, state, context, { [data.memberId]: member });
const decideAddToCareTeam = (
  data: CareTeamMemberAdded,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
) => run({ type: 'AddCareTeamMember', data }, state, context, { [data.memberId]: member });
const decideRemoveFromCareTeam = (
  data: CareTeamMemberRemoved,
  state: PatientState,
  context: PatientCommandContext,
) => run({ type: 'RemoveCareTeamMember', data }, state, context);
const decideErasure = (data: PatientIdentityErased, state: PatientState, context: PatientCommandContext) =>
  run({ type: 'ErasePatientIdentity', data }, state, context);

const now = new Date('2026-06-15T10:00:00+02:00');
const identity: PatientIdentity = {
  familyName: 'Dupont',
  givenName: 'Jeanne',
  birthDate: '1948-03-02',
  ins: '248037512345678',
};
const sealed: SealedIdentity = { alg: 'A256GCM', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const fakeSeal = (value: PatientIdentity): SealedIdentity => ({
  ...sealed,
  ciphertext: Buffer.from(JSON.stringify(value)).toString('base64'),
});
const registration: RegisterPatient = {
  identity,
  sex: 'F',
  birthYear: 1948,
  commune: '69123',
  ald: true,
  precarious: false,
  hasMedecinTraitant: false,
};
const registered: PatientEvent = {
  type: 'PatientRegistered',
  data: {
    identity: sealed,
    sex: 'F',
    birthYear: 1948,
    commune: '69123',
    ald: true,
    precarious: false,
    hasMedecinTraitant: false,
  },
};

const GP = '0193a0e0-0000-7000-8000-0000000000a1';
const PHARMACIST = '0193a0e0-0000-7000-8000-0000000000a2';
const NURSE = '0193a0e0-0000-7000-8000-0000000000a3';
const member = (profession: string, leftOn?: string): MemberState => ({
  exists: true,
  displayName: 'Dr X',
  profession: profession as 'medecin-generaliste',
  mode: 'liberal',
  joinedOn: '2020-01-01',
  sasParticipant: false,
  participations: {},
  interns: {},
  ...(leftOn ? { leftOn } : {}),
});
const gp = member('medecin-generaliste');
const pharmacist = member('pharmacien');
const nurse = member('infirmier');
const gone = member('medecin-generaliste', '2026-01-31');
const unknown: MemberState = { exists: false };

const coordinator: PatientCommandContext = {
  actor: { id: 'coord-1', role: 'coordinator' },
  now,
  earliest: identity.birthDate,
};
const asProfessional = (id: string): PatientCommandContext => ({
  ...coordinator,
  actor: { id, role: 'professional' },
});

const blocked = (memberId: string): PatientEvent => ({
  type: 'ProfessionalAccessBlocked',
  data: { memberId, on: '2026-01-10' },
});
const erased: PatientEvent = {
  type: 'PatientIdentityErased',
  data: { on: '2026-05-01', reason: 'demande du patient' },
};

const patient = decider(patientEvolver);

describe('patient decider', () => {
  describe('registration', () => {
    it('records PatientRegistered with the identity sealed, never in clear', () => {
      patient
        .given()
        .when((s) => decideRegister(registration, s, now, () => sealed))
        .then([registered]);
    });
    it('passes exactly the identity fields to the sealer, and leaves out an absent commune', () => {
      const events = decideRegister(
        { ...registration, commune: undefined, identity: { ...identity, ins: undefined } },
        { exists: false },
        now,
        fakeSeal,
      );
      const data = events[0].data as unknown as Record<string, unknown>;
      expect('commune' in data).toBe(false);
      const { ciphertext } = data.identity as SealedIdentity;
      expect(JSON.parse(Buffer.from(ciphertext, 'base64').toString())).toEqual({
        familyName: 'Dupont',
        givenName: 'Jeanne',
        birthDate: '1948-03-02',
      });
    });
    it('refuses a patient registered twice', () => {
      patient
        .given(registered)
        .when((s) => decideRegister(registration, s, now, () => sealed))
        .thenBreaks('patient-exists');
    });
    it('refuses a birth date in the future, without sealing anything', () => {
      const seal = jest.fn(() => sealed);
      patient
        .given()
        .when((s) =>
          decideRegister(
            { ...registration, birthYear: 2027, identity: { ...identity, birthDate: '2027-01-01' } },
            s,
            now,
            seal,
          ),
        )
        .thenBreaks('business-time-in-future', 'identity.birthDate');
      expect(seal).not.toHaveBeenCalled();
    });
    it('refuses a birth year that is not the birth date’s', () => {
      patient
        .given()
        .when((s) => decideRegister({ ...registration, birthYear: 1949 }, s, now, () => sealed))
        .thenBreaks('birth-year-mismatch', 'birthYear');
    });
  });

  describe('every command on a patient', () => {
    const consent = { scope: 'resultat-test' as const, decision: 'accord' as const, on: '2026-02-01' };
    it('refuses an unknown patient', () => {
      patient
        .given()
        .when((s) => decideConsent(consent, s, coordinator))
        .thenBreaks('unknown-patient');
    });
    it('refuses anything recorded by a professional the patient blocked', () => {
      patient
        .given(registered, blocked(NURSE))
        .when((s) => decideConsent(consent, s, asProfessional(NURSE)))
        .thenBreaks('professional-blocked');
    });
    it('accepts it from a professional the patient did not block', () => {
      patient
        .given(registered, blocked(NURSE))
        .when((s) => decideConsent(consent, s, asProfessional(GP)))
        .then([{ type: 'ConsentRecorded', data: consent }]);
    });
    it('refuses anything after the identity was erased', () => {
      patient
        .given(registered, erased)
        .when((s) => decideConsent(consent, s, coordinator))
        .thenBreaks('patient-erased');
    });
    it('refuses a business time in the future', () => {
      patient
        .given(registered)
        .when((s) => decideConsent({ ...consent, on: '2026-07-01' }, s, coordinator))
        .thenBreaks('business-time-in-future', 'on');
    });
    it('refuses a business time before the patient’s birth', () => {
      patient
        .given(registered)
        .when((s) => decideConsent({ ...consent, on: '1948-03-01' }, s, coordinator))
        .thenBreaks('business-time-too-early', 'on');
    });
    it('takes January 1st of the birth year as the birth when the birth date is unreadable', () => {
      const state = fold(patientEvolver, [stored(registered)]);
      if (!state.exists) throw new Error('registered');
      expect(earliestBusinessTime(state, '1948-03-02')).toBe('1948-03-02');
      expect(earliestBusinessTime(state, null)).toBe('1948-01-01');
    });
  });

  describe('médecin traitant search', () => {
    const search = { registeredOn: '2026-02-01', requestedBy: GP, priority: 'ald' as const };
    it('records a search asked by a member', () => {
      patient
        .given(registered)
        .when((s) => decideMedecinTraitantSearch(search, s, coordinator, gp))
        .then([{ type: 'MedecinTraitantSearchRegistered', data: search }]);
    });
    it('records a search asked by the patient', () => {
      const byPatient = { ...search, requestedBy: 'patient' };
      patient
        .given(registered)
        .when((s) => decideMedecinTraitantSearch(byPatient, s, coordinator, 'patient'))
        .then([{ type: 'MedecinTraitantSearchRegistered', data: byPatient }]);
    });
    it('refuses a requester who is not a member of this CPTS', () => {
      patient
        .given(registered)
        .when((s) => decideMedecinTraitantSearch(search, s, coordinator, unknown))
        .thenBreaks('unknown-member', 'requestedBy');
    });
    it('refuses a requester who had left', () => {
      patient
        .given(registered)
        .when((s) => decideMedecinTraitantSearch(search, s, coordinator, gone))
        .thenBreaks('member-has-left', 'requestedBy');
    });
    it('refuses a requester the patient blocked', () => {
      patient
        .given(registered, blocked(GP))
        .when((s) => decideMedecinTraitantSearch(search, s, coordinator, gp))
        .thenBreaks('professional-blocked', 'requestedBy');
    });
    it('refuses a second search while one is open', () => {
      patient
        .given(registered, { type: 'MedecinTraitantSearchRegistered', data: search })
        .when((s) =>
          decideMedecinTraitantSearch({ ...search, registeredOn: '2026-03-01' }, s, coordinator, gp),
        )
        .thenBreaks('medecin-traitant-search-open');
    });
    it('accepts a new search once the previous one ended with an assignment', () => {
      const again = { ...search, registeredOn: '2026-04-01' };
      patient
        .given(
          registered,
          { type: 'MedecinTraitantSearchRegistered', data: search },
          { type: 'MedecinTraitantAssigned', data: { memberId: GP, assignedOn: '2026-03-01' } },
        )
        .when((s) => decideMedecinTraitantSearch(again, s, coordinator, gp))
        .then([{ type: 'MedecinTraitantSearchRegistered', data: again }]);
    });
  });

  describe('médecin traitant assignment', () => {
    const assignment = { memberId: GP, assignedOn: '2026-02-01' };
    it('records the assignment of a general practitioner', () => {
      patient
        .given(registered)
        .when((s) => decideAssignMedecinTraitant(assignment, s, coordinator, gp))
        .then([{ type: 'MedecinTraitantAssigned', data: assignment }]);
    });
    it('refuses a member of no CPTS of ours', () => {
      patient
        .given(registered)
        .when((s) => decideAssignMedecinTraitant(assignment, s, coordinator, unknown))
        .thenBreaks('unknown-member', 'memberId');
    });
    it('refuses a doctor who left before the assignment', () => {
      patient
        .given(registered)
        .when((s) => decideAssignMedecinTraitant(assignment, s, coordinator, gone))
        .thenBreaks('member-has-left', 'memberId');
    });
    it('refuses a member who is not a medecin-generaliste', () => {
      patient
        .given(registered)
        .when((s) => decideAssignMedecinTraitant({ ...assignment, memberId: NURSE }, s, coordinator, nurse))
        .thenBreaks('not-a-medecin-generaliste', 'memberId');
    });
    it('refuses a doctor the patient blocked', () => {
      patient
        .given(registered, blocked(GP))
        .when((s) => decideAssignMedecinTraitant(assignment, s, coordinator, gp))
        .thenBreaks('professional-blocked', 'memberId');
    });
    it('refuses assigning the current médecin traitant again', () => {
      patient
        .given(registered, { type: 'MedecinTraitantAssigned', data: assignment })
        .when((s) =>
          decideAssignMedecinTraitant({ ...assignment, assignedOn: '2026-03-01' }, s, coordinator, gp),
        )
        .thenBreaks('already-medecin-traitant', 'memberId');
    });
  });

  describe('consents', () => {
    const accord = {
      scope: 'partage-medecin-traitant' as const,
      decision: 'accord' as const,
      on: '2026-02-01',
    };
    it('records a withdrawal of a given consent', () => {
      const retrait = { ...accord, decision: 'retrait' as const, on: '2026-03-01' };
      patient
        .given(registered, { type: 'ConsentRecorded', data: accord })
        .when((s) => decideConsent(retrait, s, coordinator))
        .then([{ type: 'ConsentRecorded', data: retrait }]);
    });
    it('refuses a withdrawal of a consent that was never given', () => {
      patient
        .given(registered)
        .when((s) => decideConsent({ ...accord, decision: 'retrait' }, s, coordinator))
        .thenBreaks('consent-not-given', 'decision');
    });
    it('refuses a decision dated before the latest one on the same scope', () => {
      patient
        .given(registered, { type: 'ConsentRecorded', data: accord })
        .when((s) => decideConsent({ ...accord, decision: 'refus', on: '2026-01-15' }, s, coordinator))
        .thenBreaks('business-time-too-early', 'on');
    });
  });

  describe('blocking', () => {
    const block = { memberId: NURSE, on: '2026-02-01' };
    it('records a block of an active member', () => {
      patient
        .given(registered)
        .when((s) => decideBlock(block, s, coordinator, nurse))
        .then([{ type: 'ProfessionalAccessBlocked', data: block }]);
    });
    it('refuses blocking someone who is not a member of this CPTS', () => {
      patient
        .given(registered)
        .when((s) => decideBlock(block, s, coordinator, unknown))
        .thenBreaks('unknown-member', 'memberId');
    });
    it('refuses blocking a member who had left', () => {
      patient
        .given(registered)
        .when((s) => decideBlock({ ...block, memberId: GP }, s, coordinator, gone))
        .thenBreaks('member-has-left', 'memberId');
    });
    it('refuses blocking twice', () => {
      patient
        .given(registered, blocked(NURSE))
        .when((s) => decideBlock(block, s, coordinator, nurse))
        .thenBreaks('already-blocked', 'memberId');
    });
    it('records an unblock of a blocked member, who then may record again', () => {
      const unblock = { memberId: NURSE, on: '2026-03-01' };
      patient
        .given(registered, blocked(NURSE))
        .when((s) => decideUnblock(unblock, s, coordinator))
        .then([{ type: 'ProfessionalAccessUnblocked', data: unblock }]);
      const consent = { scope: 'resultat-test' as const, decision: 'accord' as const, on: '2026-03-02' };
      patient
        .given(registered, blocked(NURSE), { type: 'ProfessionalAccessUnblocked', data: unblock })
        .when((s) => decideConsent(consent, s, asProfessional(NURSE)))
        .then([{ type: 'ConsentRecorded', data: consent }]);
    });
    it('refuses unblocking a member who is not blocked', () => {
      patient
        .given(registered)
        .when((s) => decideUnblock({ memberId: NURSE, on: '2026-03-01' }, s, coordinator))
        .thenBreaks('not-blocked', 'memberId');
    });
  });

  describe('pharmacien correspondant', () => {
    const designation = { memberId: PHARMACIST, on: '2026-02-01' };
    it('records the designation of a pharmacist', () => {
      patient
        .given(registered)
        .when((s) => decidePharmacienCorrespondant(designation, s, coordinator, pharmacist))
        .then([{ type: 'PharmacienCorrespondantDesignated', data: designation }]);
    });
    it('refuses a member who is not a pharmacien', () => {
      patient
        .given(registered)
        .when((s) => decidePharmacienCorrespondant({ ...designation, memberId: GP }, s, coordinator, gp))
        .thenBreaks('not-a-pharmacien', 'memberId');
    });
    it('refuses a pharmacist who had left', () => {
      patient
        .given(registered)
        .when((s) =>
          decidePharmacienCorrespondant(designation, s, coordinator, member('pharmacien', '2026-01-01')),
        )
        .thenBreaks('member-has-left', 'memberId');
    });
    it('refuses a pharmacist the patient blocked', () => {
      patient
        .given(registered, blocked(PHARMACIST))
        .when((s) => decidePharmacienCorrespondant(designation, s, coordinator, pharmacist))
        .thenBreaks('professional-blocked', 'memberId');
    });
  });

  describe('erasure', () => {
    const erasure = { on: '2026-05-01', reason: 'demande du patient' };
    it('records PatientIdentityErased', () => {
      patient
        .given(registered)
        .when((s) => decideErasure(erasure, s, coordinator))
        .then([erased]);
    });
    it('refuses erasing twice', () => {
      patient
        .given(registered, erased)
        .when((s) => decideErasure(erasure, s, coordinator))
        .thenBreaks('patient-erased');
    });
    it('refuses an erasure dated in the future', () => {
      patient
        .given(registered)
        .when((s) => decideErasure({ ...erasure, on: '2026-12-01' }, s, coordinator))
        .thenBreaks('business-time-in-future', 'on');
    });
  });

  describe('care circle', () => {
    const joins: CareTeamMemberAdded = { memberId: NURSE, role: 'soins-infirmiers', from: '2026-03-01' };
    const added: PatientEvent = { type: 'CareTeamMemberAdded', data: joins };
    const leaves: CareTeamMemberRemoved = { memberId: NURSE, to: '2026-04-30', reason: 'Fin des soins' };
    const removed: PatientEvent = { type: 'CareTeamMemberRemoved', data: leaves };
    it('adds an active member from a date', () => {
      patient
        .given(registered)
        .when((s) => decideAddToCareTeam(joins, s, coordinator, nurse))
        .then([added]);
    });
    it('refuses a member unknown in this CPTS, or who had left by then', () => {
      patient
        .given(registered)
        .when((s) => decideAddToCareTeam(joins, s, coordinator, unknown))
        .thenBreaks('unknown-member', 'memberId');
      patient
        .given(registered)
        .when((s) => decideAddToCareTeam({ ...joins, memberId: GP }, s, coordinator, gone))
        .thenBreaks('member-has-left', 'memberId');
    });
    it('refuses a member the patient blocked', () => {
      patient
        .given(registered, blocked(NURSE))
        .when((s) => decideAddToCareTeam(joins, s, coordinator, nurse))
        .thenBreaks('professional-blocked', 'memberId');
    });
    it('refuses a member already in the circle, as added, médecin traitant or pharmacien correspondant', () => {
      patient
        .given(registered, added)
        .when((s) => decideAddToCareTeam({ ...joins, from: '2026-03-05' }, s, coordinator, nurse))
        .thenBreaks('already-in-care-team', 'memberId');
      patient
        .given(registered, {
          type: 'MedecinTraitantAssigned',
          data: { memberId: GP, assignedOn: '2026-02-01' },
        })
        .when((s) => decideAddToCareTeam({ ...joins, memberId: GP }, s, coordinator, gp))
        .thenBreaks('already-in-care-team', 'memberId');
      patient
        .given(registered, {
          type: 'PharmacienCorrespondantDesignated',
          data: { memberId: PHARMACIST, on: '2026-02-01' },
        })
        .when((s) => decideAddToCareTeam({ ...joins, memberId: PHARMACIST }, s, coordinator, pharmacist))
        .thenBreaks('already-in-care-team', 'memberId');
    });
    it('refuses a start in the future or before the patient’s birth', () => {
      patient
        .given(registered)
        .when((s) => decideAddToCareTeam({ ...joins, from: '2026-07-01' }, s, coordinator, nurse))
        .thenBreaks('business-time-in-future', 'from');
      patient
        .given(registered)
        .when((s) => decideAddToCareTeam({ ...joins, from: '1948-01-01' }, s, coordinator, nurse))
        .thenBreaks('business-time-too-early', 'from');
    });
    it('removes a member present in the circle; they may join again after their stay, not within it', () => {
      patient
        .given(registered, added)
        .when((s) => decideRemoveFromCareTeam(leaves, s, coordinator))
        .then([removed]);
      patient
        .given(registered, added, removed)
        .when((s) => decideAddToCareTeam({ ...joins, from: '2026-05-02' }, s, coordinator, nurse))
        .then([{ type: 'CareTeamMemberAdded', data: { ...joins, from: '2026-05-02' } }]);
      patient
        .given(registered, added, removed)
        .when((s) => decideAddToCareTeam({ ...joins, from: '2026-04-01' }, s, coordinator, nurse))
        .thenBreaks('business-time-too-early', 'from');
    });
    it('refuses removing a member who is not in the circle, twice, or before they joined', () => {
      patient
        .given(registered)
        .when((s) => decideRemoveFromCareTeam(leaves, s, coordinator))
        .thenBreaks('not-in-care-team', 'memberId');
      patient
        .given(registered, added, removed)
        .when((s) => decideRemoveFromCareTeam({ ...leaves, to: '2026-05-01' }, s, coordinator))
        .thenBreaks('not-in-care-team', 'memberId');
      patient
        .given(registered, added)
        .when((s) => decideRemoveFromCareTeam({ ...leaves, to: '2026-02-28' }, s, coordinator))
        .thenBreaks('business-time-too-early', 'to');
      patient
        .given(registered, added)
        .when((s) => decideRemoveFromCareTeam({ ...leaves, to: '2026-07-01' }, s, coordinator))
        .thenBreaks('business-time-in-future', 'to');
    });
    it('refuses a change of the circle by a professional the patient blocked', () => {
      patient
        .given(registered, added, blocked(GP))
        .when((s) => decideRemoveFromCareTeam(leaves, s, asProfessional(GP)))
        .thenBreaks('professional-blocked');
    });
    it('counts the médecin traitant and the pharmacien correspondant in the circle; a block wins', () => {
      const state = fold(
        patientEvolver,
        [
          registered,
          { type: 'MedecinTraitantAssigned', data: { memberId: GP, assignedOn: '2026-02-01' } },
          { type: 'PharmacienCorrespondantDesignated', data: { memberId: PHARMACIST, on: '2026-02-02' } },
          added,
        ].map((event, revision) => stored(event as PatientEvent, revision)),
      );
      expect(careCircle(state)).toEqual([
        { memberId: GP, basis: 'medecin-traitant', from: '2026-02-01' },
        { memberId: PHARMACIST, basis: 'pharmacien-correspondant', from: '2026-02-02' },
        {
          memberId: NURSE,
          basis: 'care-team',
          role: 'soins-infirmiers',
          from: '2026-03-01',
          eventId: 'event-3',
        },
      ]);
      const blockedState = fold(patientEvolver, [
        stored(registered),
        stored(added, 1),
        stored(blocked(NURSE), 2),
      ]);
      expect(inCareCircle(blockedState, NURSE)).toBe(false);
      const afterRemoval = fold(patientEvolver, [stored(registered), stored(added, 1), stored(removed, 2)]);
      expect(inCareCircle(afterRemoval, NURSE)).toBe(false);
      expect(afterRemoval.exists && afterRemoval.careTeam['event-1']).toEqual({
        ...joins,
        to: '2026-04-30',
        removalReason: 'Fin des soins',
      });
      expect(careCircle({ exists: false })).toEqual([]);
    });
  });

  describe('state', () => {
    it('folds every event of the stream', () => {
      const state = fold(
        patientEvolver,
        [
          registered,
          {
            type: 'MedecinTraitantSearchRegistered',
            data: { registeredOn: '2026-01-02', requestedBy: 'patient', priority: 'ald' },
          },
          { type: 'MedecinTraitantAssigned', data: { memberId: GP, assignedOn: '2026-01-20' } },
          { type: 'ConsentRecorded', data: { scope: 'resultat-test', decision: 'refus', on: '2026-01-03' } },
          blocked(NURSE),
          blocked(GP),
          { type: 'ProfessionalAccessUnblocked', data: { memberId: GP, on: '2026-02-01' } },
          { type: 'PharmacienCorrespondantDesignated', data: { memberId: PHARMACIST, on: '2026-02-02' } },
          erased,
        ].map((event, revision) => stored(event as PatientEvent, revision)),
      );
      expect(state).toEqual<PatientState>({
        exists: true,
        sex: 'F',
        birthYear: 1948,
        commune: '69123',
        registeredStatus: { ald: true, precarious: false },
        statusUpdates: {},
        ald: true,
        precarious: false,
        hasMedecinTraitant: true,
        medecinTraitantMemberId: GP,
        medecinTraitantSince: '2026-01-20',
        careTeam: {},
        consentHistory: { 'event-3': { scope: 'resultat-test', decision: 'refus', on: '2026-01-03' } },
        consents: { 'resultat-test': 'refus' },
        blockHistory: {
          'event-4': { memberId: NURSE, on: '2026-01-10', blocked: true },
          'event-5': { memberId: GP, on: '2026-01-10', blocked: true },
          'event-6': { memberId: GP, on: '2026-02-01', blocked: false },
        },
        blockedMemberIds: [NURSE],
        pharmacienCorrespondantMemberId: PHARMACIST,
        pharmacienCorrespondantSince: '2026-02-02',
        earliestEntryOn: '2026-01-02',
        erased: true,
        erasedOn: '2026-05-01',
        sealedIdentity: sealed,
      });
    });
    it('assertNotBlocked names the field, and passes for members not blocked or an unknown patient', () => {
      const state = fold(patientEvolver, [stored(registered), stored(blocked(NURSE), 1)]);
      expect(() => assertNotBlocked(state, [GP, NURSE], 'to.memberId')).toThrow(/blocked/);
      expect(() => assertNotBlocked(state, [GP])).not.toThrow();
      expect(() => assertNotBlocked({ exists: false }, [NURSE])).not.toThrow();
    });
  });

  describe('the patient events a coordinator needs', () => {
    const search: PatientEvent = {
      type: 'MedecinTraitantSearchRegistered',
      data: { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'ald' },
    };
    it('closes an open search without an assignment; a new search may follow', () => {
      patient
        .given(registered, search)
        .when((s) =>
          run(
            { type: 'CloseMedecinTraitantSearch', data: { closedOn: '2026-03-10', reason: 'injoignable' } },
            s,
            coordinator,
          ),
        )
        .then([
          { type: 'MedecinTraitantSearchClosed', data: { closedOn: '2026-03-10', reason: 'injoignable' } },
        ]);
      patient
        .given(registered, search, {
          type: 'MedecinTraitantSearchClosed',
          data: { closedOn: '2026-03-10', reason: 'autre' },
        })
        .when((s) =>
          decideMedecinTraitantSearch(
            { ...search.data, registeredOn: '2026-04-01' },
            s,
            coordinator,
            'patient',
          ),
        )
        .then([
          {
            type: 'MedecinTraitantSearchRegistered',
            data: { ...search.data, registeredOn: '2026-04-01' },
          },
        ]);
    });
    it('refuses closing when no search is open, or before the search began', () => {
      patient
        .given(registered)
        .when((s) =>
          run(
            { type: 'CloseMedecinTraitantSearch', data: { closedOn: '2026-03-10', reason: 'autre' } },
            s,
            coordinator,
          ),
        )
        .thenBreaks('no-open-medecin-traitant-search');
      patient
        .given(registered, search)
        .when((s) =>
          run(
            { type: 'CloseMedecinTraitantSearch', data: { closedOn: '2026-01-10', reason: 'autre' } },
            s,
            coordinator,
          ),
        )
        .thenBreaks('business-time-too-early', 'closedOn');
    });
    it('updates the status from its date, and refuses an update that changes nothing then', () => {
      const update: PatientEvent = {
        type: 'PatientStatusUpdated',
        data: { effectiveOn: '2026-03-15', precarious: true },
      };
      patient
        .given(registered)
        .when((s) =>
          run(
            { type: 'UpdatePatientStatus', data: { effectiveOn: '2026-03-15', precarious: true } },
            s,
            coordinator,
          ),
        )
        .then([update]);
      patient
        .given(registered, update)
        .when((s) =>
          run(
            { type: 'UpdatePatientStatus', data: { effectiveOn: '2026-04-01', ald: true } },
            s,
            coordinator,
          ),
        )
        .thenBreaks('status-unchanged', 'effectiveOn');
      patient
        .given(registered)
        .when((s) =>
          run({ type: 'UpdatePatientStatus', data: { effectiveOn: '2026-04-01' } }, s, coordinator),
        )
        .thenBreaks('status-unchanged');
      const state = fold(patientEvolver, [stored(registered), stored(update, 1)]);
      if (!state.exists) throw new Error('registered');
      expect(statusOn(state, '2026-03-14')).toEqual({ ald: true, precarious: false });
      expect(statusOn(state, '2026-03-15')).toEqual({ ald: true, precarious: true });
      expect(state.precarious).toBe(true);
    });
    it('corrects the identity, sealed, with the birth year that follows the birth date', () => {
      const corrected = { ...identity, familyName: 'Dupond', birthDate: '1949-03-02' };
      patient
        .given(registered)
        .when((s) =>
          run(
            { type: 'CorrectPatientIdentity', data: { identity: corrected, reason: 'Erreur' } },
            s,
            coordinator,
            {},
            fakeSeal,
          ),
        )
        .then([
          {
            type: 'PatientIdentityCorrected',
            data: { identity: fakeSeal(corrected), birthYear: 1949, reason: 'Erreur' },
          },
        ]);
    });
    it('refuses an identity corrected after erasure, into the future, or born after an entry of the record', () => {
      const seal = jest.fn(fakeSeal);
      patient
        .given(registered, erased)
        .when((s) =>
          run({ type: 'CorrectPatientIdentity', data: { identity, reason: 'x' } }, s, coordinator, {}, seal),
        )
        .thenBreaks('patient-erased');
      patient
        .given(registered)
        .when((s) =>
          run(
            {
              type: 'CorrectPatientIdentity',
              data: { identity: { ...identity, birthDate: '2027-01-01' }, reason: 'x' },
            },
            s,
            coordinator,
            {},
            seal,
          ),
        )
        .thenBreaks('business-time-in-future', 'identity.birthDate');
      patient
        .given(registered, search)
        .when((s) =>
          run(
            {
              type: 'CorrectPatientIdentity',
              data: { identity: { ...identity, birthDate: '2026-02-02' }, reason: 'x' },
            },
            s,
            coordinator,
            {},
            seal,
          ),
        )
        .thenBreaks('business-time-too-early', 'identity.birthDate');
      expect(seal).not.toHaveBeenCalled();
    });
    it('reads consents and blocks as they stood at a business time', () => {
      const state = fold(
        patientEvolver,
        [
          registered,
          {
            type: 'ConsentRecorded',
            data: { scope: 'partage-medecin-traitant', decision: 'refus', on: '2026-04-01' },
          },
          blocked(NURSE),
          { type: 'ProfessionalAccessUnblocked', data: { memberId: NURSE, on: '2026-03-01' } },
        ].map((event, revision) => stored(event as PatientEvent, revision)),
      );
      if (!state.exists) throw new Error('registered');
      expect(consentOn(state, 'partage-medecin-traitant', '2026-03-31T23:30:00+02:00')).toBeUndefined();
      expect(consentOn(state, 'partage-medecin-traitant', '2026-04-01T00:30:00+02:00')).toBe('refus');
      expect(blockedAt(state, NURSE, '2026-01-09T12:00:00+01:00')).toBe(false);
      expect(blockedAt(state, NURSE, '2026-02-01T12:00:00+01:00')).toBe(true);
      expect(blockedAt(state, NURSE, '2026-03-02T12:00:00+01:00')).toBe(false);
    });
  });

  describe('corrections and voidings, decided again', () => {
    // event-0 registered, event-1 search, event-2 assignment, event-3 consent accord, event-4 withdrawal
    const given = patient.given(
      registered,
      {
        type: 'MedecinTraitantSearchRegistered',
        data: { registeredOn: '2026-02-01', requestedBy: 'patient', priority: 'ald' },
      },
      { type: 'MedecinTraitantAssigned', data: { memberId: GP, assignedOn: '2026-02-20' } },
      { type: 'ConsentRecorded', data: { scope: 'resultat-test', decision: 'accord', on: '2026-02-01' } },
      { type: 'ConsentRecorded', data: { scope: 'resultat-test', decision: 'retrait', on: '2026-02-10' } },
    );
    const change =
      (
        targetEventId: string,
        correction?: Record<string, unknown>,
        members: Record<string, MemberState> = { [GP]: gp },
      ) =>
      (_: unknown, history: Array<StoredEvent<PatientEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          patientCorrections,
          { earliest: identity.birthDate, members },
          decisionAt(now),
        );

    it('refuses a search moved after the assignment that ended it', () => {
      given
        .when(change('event-1', { registeredOn: '2026-02-25' }))
        .thenBreaks('business-time-too-early', 'correction');
    });
    it('refuses an assignment corrected to a doctor who is not a GP', () => {
      given
        .when(change('event-2', { memberId: PHARMACIST }, { [PHARMACIST]: pharmacist }))
        .thenBreaks('not-a-medecin-generaliste', 'correction.memberId');
    });
    it('refuses the consent corrected into a refusal: the withdrawal after it no longer holds', () => {
      given.when(change('event-3', { decision: 'refus' })).thenBreaks('consent-not-given', 'correction');
    });
    it('voids a removal, which puts the member back in the circle; refuses voiding the addition it ends', () => {
      const circle = patient.given(
        registered,
        {
          type: 'CareTeamMemberAdded',
          data: { memberId: NURSE, role: 'soins-infirmiers', from: '2026-03-01' },
        },
        { type: 'CareTeamMemberRemoved', data: { memberId: NURSE, to: '2026-04-30', reason: 'Fin' } },
      );
      circle
        .when(change('event-2'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-2', reason: 'Erreur' } }]);
      circle.when(change('event-1')).thenBreaks('not-in-care-team', 'targetEventId');
      circle.when(change('event-2', { memberId: GP })).thenBreaks('correction-field-not-allowed');
      // The stay moved after its end: the removal no longer holds.
      circle
        .when(change('event-1', { from: '2026-05-01' }, { [NURSE]: nurse }))
        .thenBreaks('business-time-too-early', 'correction');
      circle.when(change('event-1', { role: 'coordination' }, { [NURSE]: nurse })).then([
        {
          type: 'EntryCorrected',
          data: { targetEventId: 'event-1', reason: 'Erreur', correction: { role: 'coordination' } },
        },
      ]);
    });
    it('voids the assignment; refuses voiding the accord a withdrawal relies on', () => {
      given
        .when(change('event-2'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-2', reason: 'Erreur' } }]);
      given.when(change('event-3')).thenBreaks('consent-not-given', 'targetEventId');
      given.when(change('event-0')).thenBreaks('entry-not-voidable');
    });
  });

  describe('each rule, tried through a correction', () => {
    const search: PatientEvent = {
      type: 'MedecinTraitantSearchRegistered',
      data: { registeredOn: '2026-02-01', requestedBy: GP, priority: 'ald' },
    };
    const assigned: PatientEvent = {
      type: 'MedecinTraitantAssigned',
      data: { memberId: GP, assignedOn: '2026-02-20' },
    };
    const closed: PatientEvent = {
      type: 'MedecinTraitantSearchClosed',
      data: { closedOn: '2026-03-01', reason: 'autre' },
    };
    const consent: PatientEvent = {
      type: 'ConsentRecorded',
      data: { scope: 'resultat-test', decision: 'accord', on: '2026-02-01' },
    };
    const status: PatientEvent = {
      type: 'PatientStatusUpdated',
      data: { effectiveOn: '2026-03-01', precarious: true },
    };
    const joined: PatientEvent = {
      type: 'CareTeamMemberAdded',
      data: { memberId: NURSE, role: 'soins-infirmiers', from: '2026-03-01' },
    };
    const left: PatientEvent = {
      type: 'CareTeamMemberRemoved',
      data: { memberId: NURSE, to: '2026-04-30', reason: 'Fin' },
    };
    const members = { [GP]: gp, [PHARMACIST]: pharmacist, [NURSE]: nurse, gone, unknown };
    const cases: Array<[string, PatientEvent[], Record<string, unknown>, string]> = [
      [
        'business-time-in-future',
        [registered, search],
        { registeredOn: '2026-07-01' },
        'correction.registeredOn',
      ],
      [
        'business-time-too-early',
        [registered, search],
        { registeredOn: '1948-03-01' },
        'correction.registeredOn',
      ],
      ['unknown-member', [registered, search], { requestedBy: 'unknown' }, 'correction.requestedBy'],
      ['member-has-left', [registered, search], { requestedBy: 'gone' }, 'correction.requestedBy'],
      [
        'professional-blocked',
        [registered, blocked(NURSE), search],
        { requestedBy: NURSE },
        'correction.requestedBy',
      ],
      [
        'not-a-medecin-generaliste',
        [registered, search, assigned],
        { memberId: NURSE },
        'correction.memberId',
      ],
      [
        'business-time-too-early',
        [registered, search, assigned],
        { assignedOn: '2026-01-20' },
        'correction.assignedOn',
      ],
      [
        'business-time-too-early',
        [registered, search, closed],
        { closedOn: '2026-01-20' },
        'correction.closedOn',
      ],
      ['consent-not-given', [registered, consent], { decision: 'retrait' }, 'correction.decision'],
      ['status-unchanged', [registered, status], { precarious: false }, 'correction'],
      [
        'business-time-in-future',
        [registered, status],
        { effectiveOn: '2026-07-01' },
        'correction.effectiveOn',
      ],
      ['unknown-member', [registered, joined], { memberId: 'unknown' }, 'correction.memberId'],
      ['member-has-left', [registered, joined], { memberId: 'gone' }, 'correction.memberId'],
      ['professional-blocked', [registered, blocked(GP), joined], { memberId: GP }, 'correction.memberId'],
      ['business-time-in-future', [registered, joined], { from: '2026-07-01' }, 'correction.from'],
      ['business-time-too-early', [registered, joined, left], { to: '2026-02-01' }, 'correction.to'],
      ['business-time-in-future', [registered, joined, left], { to: '2026-07-01' }, 'correction.to'],
    ];
    it.each(cases)('%s', (rule, entries, correction, path) => {
      patient
        .given(...entries)
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            patientCorrections,
            { earliest: identity.birthDate, members },
            decisionAt(now),
          ),
        )
        .thenBreaks(rule, path);
    });
  });
});
