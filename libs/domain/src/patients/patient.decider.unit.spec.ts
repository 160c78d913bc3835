import type { SealedIdentity } from '@parcours/crypto';
import type { MemberState } from '../members/member.decider';
import { fold } from '../shared/decider';
import { decider, stored } from '../shared/testing';
import {
  assertNotBlocked,
  decideAssignMedecinTraitant,
  decideBlock,
  decideConsent,
  decideErasure,
  decideMedecinTraitantSearch,
  decidePharmacienCorrespondant,
  decideRegister,
  decideUnblock,
  earliestBusinessTime,
  patientEvolver,
  type PatientCommandContext,
  type PatientState,
} from './patient.decider';
import type { PatientEvent, PatientIdentity, RegisterPatient } from './patient.events';

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
  participations: 0,
  hoursOfParticipation: 0,
  interns: 0,
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
        ald: true,
        precarious: false,
        hasMedecinTraitant: true,
        medecinTraitantMemberId: GP,
        consents: { 'resultat-test': 'refus' },
        consentDates: { 'resultat-test': '2026-01-03' },
        blockedMemberIds: [NURSE],
        pharmacienCorrespondantMemberId: PHARMACIST,
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
});
