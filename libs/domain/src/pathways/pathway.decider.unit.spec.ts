import type { MemberState } from '../members/member.decider';
import type { PatientState } from '../patients/patient.decider';
import type { ProtocolState, ProtocolVersion } from '../protocols';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf } from '../shared/testing';
import type { PathwayCommand } from './pathway.commands';
import {
  decidePathway,
  openAt,
  pathwayCorrections,
  pathwayEvolver,
  type PathwayFacts,
  type PathwayState,
} from './pathway.decider';
import type {
  DischargeNotified,
  FollowUpCompleted,
  MedicationReconciliationSent,
  PathwayClosed,
  PathwayEvent,
  PathwayOpened,
  PathwayReopened,
  PatientReferred,
  ProtocolApplied,
  ReferralAccepted,
  ReferralCompleted,
  ReferralDeclined,
} from './pathway.events';

const now = new Date('2026-06-15T12:00:00+02:00');
const GP = 'aaaaaaaa-0000-7000-8000-000000000001';
const PHARMA = 'aaaaaaaa-0000-7000-8000-000000000002';
const NURSE = 'aaaaaaaa-0000-7000-8000-000000000003';
const GONE = 'aaaaaaaa-0000-7000-8000-000000000004';
const KINE = 'aaaaaaaa-0000-7000-8000-000000000005';

const member = (profession: string, extra: object = {}): MemberState =>
  ({
    exists: true,
    displayName: profession,
    profession,
    mode: 'liberal',
    joinedOn: '2019-01-01',
    sasParticipant: false,
    participations: {},
    interns: {},
    ...extra,
  }) as MemberState;

/** The patient's record: blocks and consents dated `since`. */
function recordOf(
  blocked: string[],
  consents: Record<string, 'accord' | 'refus' | 'retrait'>,
  since = '2000-01-01',
): PatientState {
  return {
    exists: true,
    sex: 'F',
    birthYear: 1990,
    registeredStatus: { ald: false, precarious: false },
    statusUpdates: {},
    careTeam: {},
    ald: false,
    precarious: false,
    hasMedecinTraitant: true,
    consentHistory: Object.fromEntries(
      Object.entries(consents).map(([scope, decision]) => [scope, { scope, decision, on: since }]),
    ) as never,
    consents,
    blockHistory: Object.fromEntries(
      blocked.map((memberId) => [memberId, { memberId, on: since, blocked: true }]),
    ),
    blockedMemberIds: blocked,
    erased: false,
    sealedIdentity: { alg: 'A256GCM', iv: '', ciphertext: '', tag: '' },
  };
}

type SpecFacts = PathwayFacts & { actor: { id: string; role: string } };
interface PatientOverrides {
  sex?: 'F' | 'M' | 'X';
  birthDate?: string | null;
  birthYear?: number;
  earliestBusinessTime?: string;
  blockedMemberIds?: string[];
  consents?: Record<string, 'accord' | 'refus' | 'retrait'>;
  record?: PatientState;
}

const facts = (overrides: Partial<SpecFacts> = {}, patient: PatientOverrides = {}): SpecFacts => {
  const { blockedMemberIds = [], consents = {}, record, ...identity } = patient;
  return {
    patient: {
      sex: 'F',
      birthDate: '1990-04-12',
      birthYear: 1990,
      earliestBusinessTime: '1990-04-12',
      ...identity,
      record: record ?? recordOf(blockedMemberIds, consents),
    },
    members: {
      [GP]: member('medecin-generaliste'),
      [PHARMA]: member('pharmacien'),
      [NURSE]: member('infirmier'),
      [GONE]: member('infirmier', { leftOn: '2026-01-31' }),
      [KINE]: member('masseur-kinesitherapeute'),
    },
    actor: { id: 'coord', role: 'coordinator' },
    ...overrides,
  };
};

/** Runs the decision as the handler does; the ids a command creates are those given. */
const run = (
  command: PathwayCommand,
  state: PathwayState,
  given: SpecFacts,
  moment: Date,
  ids: Record<string, string> = {},
) =>
  decidePathway(command, state, given, { now: moment, actor: given.actor, newId: (purpose) => ids[purpose] });
const decideOpen = (data: PathwayOpened, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'OpenPathway', data }, s, f, moment);
const decideRefer = ({ referralId, ...data }: PatientReferred, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'ReferPatient', data }, s, f, moment, { referral: referralId });
const decideAcceptReferral = (data: ReferralAccepted, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'AcceptReferral', data }, s, f, moment);
const decideDeclineReferral = (data: ReferralDeclined, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'DeclineReferral', data }, s, f, moment);
const decideCompleteReferral = (data: ReferralCompleted, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'CompleteReferral', data }, s, f, moment);
const decideDischarge = (
  { dischargeId, ...data }: DischargeNotified,
  s: PathwayState,
  f: SpecFacts,
  moment: Date,
) => run({ type: 'NotifyDischarge', data }, s, f, moment, { discharge: dischargeId });
const decideMedicationReconciliation = (
  data: MedicationReconciliationSent,
  s: PathwayState,
  f: SpecFacts,
  moment: Date,
) => run({ type: 'SendMedicationReconciliation', data }, s, f, moment);
const decideFollowUp = (data: FollowUpCompleted, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'CompleteFollowUp', data }, s, f, moment);
const decideProtocolApplication = (
  { applicationId, ...data }: ProtocolApplied,
  s: PathwayState,
  f: SpecFacts,
  moment: Date,
) => run({ type: 'ApplyProtocol', data }, s, f, moment, { application: applicationId });
const decideClose = (data: PathwayClosed, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'ClosePathway', data }, s, f, moment);
const decideReopen = (data: PathwayReopened, s: PathwayState, f: SpecFacts, moment: Date) =>
  run({ type: 'ReopenPathway', data }, s, f, moment);

const openedData: PathwayOpened = {
  patientId: 'p-1',
  kind: 'sortie-hospitalisation',
  openedAt: '2026-03-02T09:00:00+01:00',
};
const opened: PathwayEvent = { type: 'PathwayOpened', data: openedData };
const referral: PatientReferred = {
  referralId: 'r-1',
  fromMemberId: GP,
  to: { memberId: KINE },
  reason: 'Rééducation après fracture',
  urgency: 'programmee',
  referredAt: '2026-03-03T10:00:00+01:00',
};
const referred: PathwayEvent = { type: 'PatientReferred', data: referral };
const accepted: PathwayEvent = {
  type: 'ReferralAccepted',
  data: { referralId: 'r-1', acceptedAt: '2026-03-04T10:00:00+01:00' },
};
const dischargeData: DischargeNotified = {
  dischargeId: 'd-1',
  hospital: { name: 'CH de Villefranche', finess: '690000880' },
  dischargeAt: '2026-03-06T17:30:00+01:00',
  notifiedAt: '2026-03-05T11:00:00+01:00',
  treatmentChanged: true,
  complex: false,
  needs: ['infirmier'],
};
const discharged: PathwayEvent = { type: 'DischargeNotified', data: dischargeData };
const closedData: PathwayClosed = { closedAt: '2026-04-01T10:00:00+02:00', outcome: 'termine' };
const closed: PathwayEvent = { type: 'PathwayClosed', data: closedData };

const pathway = decider(pathwayEvolver);
const open = (s: PathwayState) => s;

describe('pathway decider', () => {
  describe('opening', () => {
    it('opens a pathway', () => {
      pathway
        .given()
        .when((s) => decideOpen(openedData, s, facts(), now))
        .then([opened]);
    });
    it('refuses opening it twice', () => {
      pathway
        .given(opened)
        .when((s) => decideOpen(openedData, s, facts(), now))
        .thenBreaks('pathway-exists');
    });
    it('refuses an opening before the patient was born', () => {
      pathway
        .given()
        .when((s) => decideOpen({ ...openedData, openedAt: '1989-01-01T00:00:00+01:00' }, s, facts(), now))
        .thenBreaks('business-time-too-early', 'openedAt');
    });
    it('refuses an opening more than 5 minutes in the future, accepts one within 5 minutes', () => {
      const soon = new Date(now.getTime() + 4 * 60_000).toISOString();
      const later = new Date(now.getTime() + 6 * 60_000).toISOString();
      pathway
        .given()
        .when((s) => decideOpen({ ...openedData, openedAt: soon }, s, facts(), now))
        .then([{ type: 'PathwayOpened', data: { ...openedData, openedAt: soon } }]);
      pathway
        .given()
        .when((s) => decideOpen({ ...openedData, openedAt: later }, s, facts(), now))
        .thenBreaks('business-time-in-future', 'openedAt');
    });
    it('refuses a professional the patient blocked', () => {
      pathway
        .given()
        .when((s) =>
          decideOpen(
            opened.data,
            s,
            facts({ actor: { id: NURSE, role: 'professional' } }, { blockedMemberIds: [NURSE] }),
            now,
          ),
        )
        .thenBreaks('professional-blocked');
    });
  });

  describe('referrals', () => {
    it('records a referral', () => {
      pathway
        .given(opened)
        .when((s) => decideRefer(referral, open(s), facts(), now))
        .then([referred]);
    });
    it('refuses a referral before the pathway opened', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideRefer({ ...referral, referredAt: '2026-03-01T10:00:00+01:00' }, open(s), facts(), now),
        )
        .thenBreaks('business-time-too-early', 'referredAt');
    });
    it('refuses a referral without a recipient', () => {
      pathway
        .given(opened)
        .when((s) => decideRefer({ ...referral, to: {} }, open(s), facts(), now))
        .thenBreaks('referral-without-recipient', 'to');
    });
    it('refuses a member unknown in this CPTS (another CPTS’s member is unknown here)', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideRefer(
            { ...referral, fromMemberId: 'bbbbbbbb-0000-7000-8000-000000000009' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('unknown-member', 'fromMemberId');
    });
    it('refuses a member referenced after they left', () => {
      pathway
        .given(opened)
        .when((s) => decideRefer({ ...referral, to: { memberId: GONE } }, open(s), facts(), now))
        .thenBreaks('member-has-left', 'to.memberId');
    });
    it('refuses referring to a professional the patient blocked', () => {
      pathway
        .given(opened)
        .when((s) => decideRefer(referral, open(s), facts({}, { blockedMemberIds: [KINE] }), now))
        .thenBreaks('professional-blocked', 'to.memberId');
    });
    it('refuses anything but reopening, correcting or voiding on a closed pathway', () => {
      pathway
        .given(opened, closed)
        .when((s) => decideRefer(referral, open(s), facts(), now))
        .thenBreaks('pathway-closed');
    });
    it('accepts, then completes, in that order', () => {
      const completion = { referralId: 'r-1', completedAt: '2026-03-10T10:00:00+01:00' };
      pathway
        .given(opened, referred, accepted)
        .when((s) => decideCompleteReferral(completion, open(s), facts(), now))
        .then([{ type: 'ReferralCompleted', data: completion }]);
    });
    it('refuses completing a referral that was not accepted', () => {
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCompleteReferral(
            { referralId: 'r-1', completedAt: '2026-03-10T10:00:00+01:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('referral-not-accepted', 'referralId');
    });
    it('refuses accepting a referral twice, or after declining it', () => {
      const acceptance = { referralId: 'r-1', acceptedAt: '2026-03-05T10:00:00+01:00' };
      pathway
        .given(opened, referred, accepted)
        .when((s) => decideAcceptReferral(acceptance, open(s), facts(), now))
        .thenBreaks('referral-not-open');
      const declined: PathwayEvent = {
        type: 'ReferralDeclined',
        data: { referralId: 'r-1', declinedAt: '2026-03-04T09:00:00+01:00', reason: 'Pas de disponibilité' },
      };
      pathway
        .given(opened, referred, declined)
        .when((s) => decideAcceptReferral(acceptance, open(s), facts(), now))
        .thenBreaks('referral-not-open');
    });
    it('refuses an answer to an unknown referral', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideDeclineReferral(
            { referralId: 'r-9', declinedAt: '2026-03-04T09:00:00+01:00', reason: 'x' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('unknown-referral', 'referralId');
    });
    it('refuses an acceptance before the referral', () => {
      pathway
        .given(opened, referred)
        .when((s) =>
          decideAcceptReferral(
            { referralId: 'r-1', acceptedAt: '2026-03-03T09:00:00+01:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('business-time-too-early', 'acceptedAt');
    });
  });

  describe('discharges', () => {
    it('records a discharge whose date is still to come (notice given ahead)', () => {
      const ahead = {
        ...dischargeData,
        notifiedAt: '2026-06-14T10:00:00+02:00',
        dischargeAt: '2026-06-16T10:00:00+02:00',
      };
      pathway
        .given(opened)
        .when((s) => decideDischarge(ahead, open(s), facts(), now))
        .then([{ type: 'DischargeNotified', data: ahead }]);
    });
    it('refuses a notification in the future', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideDischarge(
            { ...dischargeData, notifiedAt: '2026-06-20T10:00:00+02:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('business-time-in-future', 'notifiedAt');
    });
    it('refuses a pharmacist who is not one, and a GP who is not one', () => {
      pathway
        .given(opened)
        .when((s) => decideDischarge({ ...dischargeData, pharmacistMemberId: NURSE }, open(s), facts(), now))
        .thenBreaks('not-a-pharmacist', 'pharmacistMemberId');
      pathway
        .given(opened)
        .when((s) => decideDischarge({ ...dischargeData, gpMemberId: PHARMA }, open(s), facts(), now))
        .thenBreaks('not-a-general-practitioner', 'gpMemberId');
    });
    it('refuses an admission after the discharge', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideDischarge(
            { ...dischargeData, admittedAt: '2026-03-07T10:00:00+01:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('period-reversed', 'dischargeAt');
    });
    it('sends the medication reconciliation for a discharge of the pathway, to a pharmacist', () => {
      const sent = { dischargeId: 'd-1', toMemberId: PHARMA, sentAt: '2026-03-07T09:00:00+01:00' };
      pathway
        .given(opened, discharged)
        .when((s) => decideMedicationReconciliation(sent, open(s), facts(), now))
        .then([{ type: 'MedicationReconciliationSent', data: sent }]);
    });
    it('refuses a reconciliation for a discharge not in the pathway', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideMedicationReconciliation(
            { dischargeId: 'd-1', toMemberId: PHARMA, sentAt: '2026-03-07T09:00:00+01:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('unknown-discharge', 'dischargeId');
    });
    it('refuses a reconciliation sent to someone who is not a pharmacist', () => {
      pathway
        .given(opened, discharged)
        .when((s) =>
          decideMedicationReconciliation(
            { dischargeId: 'd-1', toMemberId: GP, sentAt: '2026-03-07T09:00:00+01:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('not-a-pharmacist', 'toMemberId');
    });
    it('refuses a follow-up for an unknown discharge, accepts one without discharge', () => {
      const followUp = {
        byMemberId: GP,
        at: '2026-03-09T15:00:00+01:00',
        kind: 'consultation' as const,
      };
      pathway
        .given(opened)
        .when((s) => decideFollowUp({ ...followUp, dischargeId: 'd-9' }, open(s), facts(), now))
        .thenBreaks('unknown-discharge', 'dischargeId');
      pathway
        .given(opened)
        .when((s) => decideFollowUp(followUp, open(s), facts(), now))
        .then([{ type: 'FollowUpCompleted', data: followUp }]);
    });
    it('refuses a follow-up by a professional the patient blocked', () => {
      pathway
        .given(opened, discharged)
        .when((s) =>
          decideFollowUp(
            {
              dischargeId: 'd-1',
              byMemberId: NURSE,
              at: '2026-03-09T15:00:00+01:00',
              kind: 'visite-domicile',
            },
            open(s),
            facts({}, { blockedMemberIds: [NURSE] }),
            now,
          ),
        )
        .thenBreaks('professional-blocked', 'byMemberId');
    });
  });

  describe('protocol applications', () => {
    const v1: ProtocolVersion = {
      code: 'pollakiurie-brulure-mictionnelle',
      version: 1,
      title: 'Pollakiurie et brûlure mictionnelle',
      kind: 'cooperation-nationale',
      eligibility: {
        sex: 'F',
        minAgeMonths: 192,
        maxAgeMonths: 311,
        exclusions: [{ code: 'fievre', label: 'Fièvre' }],
      },
      tests: ['bandelette-urinaire'],
      professions: ['pharmacien', 'infirmier'],
      requiresMtInformation: true,
      effectiveFrom: '2020-03-06',
    };
    const v2: ProtocolVersion = {
      ...v1,
      version: 2,
      eligibility: { ...v1.eligibility, maxAgeMonths: 791 },
      effectiveFrom: '2021-05-05',
    };
    const protocol: ProtocolState = {
      exists: true,
      code: v1.code,
      versions: [v1, v2],
      adherents: [
        { memberId: PHARMA, delegatingDoctorMemberId: GP, trainedOn: '2024-02-01', signedOn: '2024-02-15' },
      ],
    };
    const application: ProtocolApplied = {
      applicationId: 'a-1',
      protocolCode: v1.code,
      protocolVersion: 2,
      byMemberId: PHARMA,
      appliedAt: '2026-03-10T10:00:00+01:00',
      eligibility: { eligible: true, answers: { fievre: false } },
      test: { kind: 'bandelette-urinaire', result: 'positif' },
      outcome: 'dispensation',
      mtInformedAt: '2026-03-10T10:30:00+01:00',
    };
    const withProtocol = (extra: Partial<SpecFacts> = {}, patient: PatientOverrides = {}) =>
      facts({ protocol, ...extra }, patient);

    it('records an application by an adherent, version in force, eligible patient', () => {
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(application, open(s), withProtocol(), now))
        .then([{ type: 'ProtocolApplied', data: application }]);
    });
    it('refuses an unknown protocol', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication(application, open(s), facts({ protocol: { exists: false } }), now),
        )
        .thenBreaks('unknown-protocol', 'protocolCode');
    });
    it('refuses a version that is not the one in force at appliedAt', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication({ ...application, protocolVersion: 1 }, open(s), withProtocol(), now),
        )
        .thenBreaks('protocol-version-not-in-force', 'protocolVersion');
    });
    it('refuses a profession the protocol does not allow', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication({ ...application, byMemberId: KINE }, open(s), withProtocol(), now),
        )
        .thenBreaks('profession-not-allowed', 'byMemberId');
    });
    it('refuses a member of an allowed profession who has not adhered (signed delegation)', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication({ ...application, byMemberId: NURSE }, open(s), withProtocol(), now),
        )
        .thenBreaks('not-an-adherent', 'byMemberId');
    });
    it('refuses dispensing to a patient outside the age range; accepts an orientation instead', () => {
      const older = { birthDate: '1950-01-01', birthYear: 1950, earliestBusinessTime: '1950-01-01' };
      const tooOld = pathway
        .given(opened)
        .when((s) => decideProtocolApplication(application, open(s), withProtocol({}, older), now))
        .thenBreaks('patient-not-eligible', 'outcome');
      // The refusal names the criterion, and the patient's age against the range, in both languages.
      expect(tooOld.extensions).toMatchObject({ criterion: 'age', ageMonths: expect.any(Number) });
      expect(tooOld.messages.fr).toMatch(/^Critère d’âge non rempli : le patient a \d+ ans/);
      expect(tooOld.messages.en).toMatch(/^Age criterion not met: the patient is \d+ years/);
      const oriented = { ...application, outcome: 'orientation-medecin' as const, mtInformedAt: undefined };
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(oriented, open(s), withProtocol({}, older), now))
        .then([{ type: 'ProtocolApplied', data: oriented }]);
    });
    it('refuses dispensing to a patient of the wrong sex, or with an exclusion criterion', () => {
      const wrongSex = pathway
        .given(opened)
        .when((s) => decideProtocolApplication(application, open(s), withProtocol({}, { sex: 'M' }), now))
        .thenBreaks('patient-not-eligible', 'outcome');
      expect(wrongSex.extensions).toEqual({ criterion: 'sex', sex: 'M', requiredSex: 'F' });
      expect(wrongSex.messages.fr).toContain('réservé au sexe féminin, le patient est de sexe masculin');
      const excluded = pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication(
            { ...application, eligibility: { eligible: true, answers: { fievre: true } } },
            open(s),
            withProtocol(),
            now,
          ),
        )
        .thenBreaks('patient-not-eligible', 'outcome');
      expect(excluded.extensions).toEqual({ criterion: 'exclusion', exclusion: 'fievre' });
      expect(excluded.messages.fr).toMatch(/^Critère d’exclusion présent : « .+ »/);
    });
    it('judges age at appliedAt: version 1 before 2021-05-05 stops at 25 years', () => {
      const early = {
        ...application,
        protocolVersion: 1,
        appliedAt: '2021-05-04T10:00:00+02:00',
        mtInformedAt: '2021-05-04T11:00:00+02:00',
      };
      const signedEarly: ProtocolState = {
        ...protocol,
        adherents: [
          { memberId: PHARMA, delegatingDoctorMemberId: GP, trainedOn: '2020-05-01', signedOn: '2020-06-01' },
        ],
      };
      const openedEarly: PathwayEvent = {
        type: 'PathwayOpened',
        data: { ...openedData, openedAt: '2021-05-01T10:00:00+02:00' },
      };
      const aged = (birthDate: string) =>
        facts(
          { protocol: signedEarly },
          { birthDate, birthYear: Number(birthDate.slice(0, 4)), earliestBusinessTime: birthDate },
        );
      // 31 years old in 2021: outside version 1 (16–25).
      pathway
        .given(openedEarly)
        .when((s) => decideProtocolApplication(early, open(s), aged('1990-04-12'), now))
        .thenBreaks('patient-not-eligible');
      // 25 years and 11 months: still inside.
      pathway
        .given(openedEarly)
        .when((s) => decideProtocolApplication(early, open(s), aged('1995-06-01'), now))
        .then([{ type: 'ProtocolApplied', data: early }]);
    });
    it('requires the médecin traitant to be informed of a dispensation, unless the patient refused sharing', () => {
      const uninformed = { ...application, mtInformedAt: undefined };
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(uninformed, open(s), withProtocol(), now))
        .thenBreaks('mt-information-required', 'mtInformedAt');
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication(
            uninformed,
            open(s),
            withProtocol({}, { consents: { 'partage-medecin-traitant': 'refus' } }),
            now,
          ),
        )
        .then([{ type: 'ProtocolApplied', data: uninformed }]);
    });
    it('refuses a test the protocol does not include', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideProtocolApplication(
            { ...application, test: { kind: 'trod-angine', result: 'negatif' } },
            open(s),
            withProtocol(),
            now,
          ),
        )
        .thenBreaks('test-not-in-protocol', 'test.kind');
    });
  });

  describe('lifecycle', () => {
    it('closes, then reopens', () => {
      pathway
        .given(opened)
        .when((s) => decideClose(closedData, open(s), facts(), now))
        .then([closed]);
      const reopening = { reopenedAt: '2026-04-05T10:00:00+02:00', reason: 'Nouvelle hospitalisation' };
      pathway
        .given(opened, closed)
        .when((s) => decideReopen(reopening, open(s), facts(), now))
        .then([{ type: 'PathwayReopened', data: reopening }]);
    });
    it('refuses closing a closed pathway and reopening an open one', () => {
      pathway
        .given(opened, closed)
        .when((s) => decideClose(closedData, open(s), facts(), now))
        .thenBreaks('pathway-closed');
      pathway
        .given(opened)
        .when((s) =>
          decideReopen({ reopenedAt: '2026-04-05T10:00:00+02:00', reason: 'x' }, open(s), facts(), now),
        )
        .thenBreaks('pathway-not-closed');
    });
    it('refuses a reopening dated before the closure', () => {
      pathway
        .given(opened, closed)
        .when((s) =>
          decideReopen({ reopenedAt: '2026-03-30T10:00:00+02:00', reason: 'x' }, open(s), facts(), now),
        )
        .thenBreaks('business-time-too-early', 'reopenedAt');
    });
  });

  describe('the test result governs a dispensation', () => {
    const version: ProtocolVersion = {
      code: 'pollakiurie-brulure-mictionnelle',
      version: 2,
      title: 'Pollakiurie',
      kind: 'cooperation-nationale',
      eligibility: { sex: 'F', minAgeMonths: 192, maxAgeMonths: 791, exclusions: [] },
      tests: ['bandelette-urinaire'],
      professions: ['pharmacien'],
      requiresMtInformation: true,
      effectiveFrom: '2021-05-05',
    };
    const protocol: ProtocolState = {
      exists: true,
      code: version.code,
      versions: [version],
      adherents: [
        { memberId: PHARMA, delegatingDoctorMemberId: GP, trainedOn: '2024-02-01', signedOn: '2024-02-15' },
      ],
    };
    const application: ProtocolApplied = {
      applicationId: 'a-1',
      protocolCode: version.code,
      protocolVersion: 2,
      byMemberId: PHARMA,
      appliedAt: '2026-03-10T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      test: { kind: 'bandelette-urinaire', result: 'positif' },
      outcome: 'dispensation',
      mtInformedAt: '2026-03-10T10:30:00+01:00',
    };
    const applying =
      (changes: Partial<ProtocolApplied>, given: SpecFacts = facts({ protocol })) =>
      (s: PathwayState) =>
        decideProtocolApplication({ ...application, ...changes }, s, given, now);
    const negative = { kind: 'bandelette-urinaire', result: 'negatif' as const };
    const invalid = { kind: 'bandelette-urinaire', result: 'invalide' as const };

    it('allows a dispensation after a positive test only', () => {
      pathway
        .given(opened)
        .when(applying({}))
        .then([{ type: 'ProtocolApplied', data: application }]);
      pathway
        .given(opened)
        .when(applying({ test: negative }))
        .thenBreaks('outcome-not-allowed-by-test', 'outcome');
      pathway
        .given(opened)
        .when(applying({ test: invalid }))
        .thenBreaks('outcome-not-allowed-by-test', 'outcome');
      pathway
        .given(opened)
        .when(applying({ test: undefined }))
        .thenBreaks('outcome-not-allowed-by-test', 'test');
    });
    it('allows advice after a negative test; an invalid or absent test only an orientation', () => {
      const advice = { outcome: 'conseil' as const, mtInformedAt: undefined };
      pathway
        .given(opened)
        .when(applying({ ...advice, test: negative }))
        .then([{ type: 'ProtocolApplied', data: { ...application, ...advice, test: negative } }]);
      pathway
        .given(opened)
        .when(applying({ ...advice, test: invalid }))
        .thenBreaks('outcome-not-allowed-by-test');
      pathway
        .given(opened)
        .when(applying({ ...advice, test: undefined }))
        .thenBreaks('outcome-not-allowed-by-test');
      const orientation = { outcome: 'orientation-medecin' as const, mtInformedAt: undefined, test: invalid };
      pathway
        .given(opened)
        .when(applying(orientation))
        .then([{ type: 'ProtocolApplied', data: { ...application, ...orientation } }]);
    });
    it('refuses a delegation whose doctor left before the application', () => {
      const left = facts({ protocol });
      const doctorGone = {
        ...left,
        members: { ...left.members, [GP]: member('medecin-generaliste', { leftOn: '2026-03-09' }) },
      };
      pathway
        .given(opened)
        .when(applying({}, doctorGone))
        .thenBreaks('delegating-doctor-has-left', 'byMemberId');
      const onTheDay = {
        ...left,
        members: { ...left.members, [GP]: member('medecin-generaliste', { leftOn: '2026-03-10' }) },
      };
      pathway
        .given(opened)
        .when(applying({}, onTheDay))
        .then([{ type: 'ProtocolApplied', data: application }]);
    });
    it('reads the consent in force at appliedAt: a refusal recorded for a later day does not excuse', () => {
      const later = recordOf([], { 'partage-medecin-traitant': 'refus' }, '2026-04-01');
      pathway
        .given(opened)
        .when(applying({ mtInformedAt: undefined }, facts({ protocol }, { record: later })))
        .thenBreaks('mt-information-required', 'mtInformedAt');
      pathway
        .given(opened)
        .when(
          applying(
            { mtInformedAt: undefined, appliedAt: '2026-04-01T00:30:00+02:00' },
            facts({ protocol }, { record: later }),
          ),
        )
        .then([
          {
            type: 'ProtocolApplied',
            data: { ...application, mtInformedAt: undefined, appliedAt: '2026-04-01T00:30:00+02:00' },
          },
        ]);
    });
    it('takes the age on the Paris calendar: 66 from midnight in Paris on the birthday', () => {
      const senior = facts(
        { protocol },
        { birthDate: '1960-06-10', birthYear: 1960, earliestBusinessTime: '1960-06-10' },
      );
      pathway
        .given(opened)
        .when(
          applying(
            { appliedAt: '2026-06-10T01:30:00+02:00', mtInformedAt: '2026-06-10T02:00:00+02:00' },
            senior,
          ),
        )
        .thenBreaks('patient-not-eligible', 'outcome');
      const eve = { appliedAt: '2026-06-09T23:30:00+02:00', mtInformedAt: '2026-06-09T23:45:00+02:00' };
      pathway
        .given(opened)
        .when(applying(eve, senior))
        .then([{ type: 'ProtocolApplied', data: { ...application, ...eve } }]);
    });
  });

  describe('blocks and planned times', () => {
    it('refuses a member the patient had blocked at the business time, not one blocked later', () => {
      const blockedSince = (on: string): PatientState => {
        const record = recordOf([KINE], {}, on);
        return record;
      };
      pathway
        .given(opened)
        .when((s) => decideRefer(referral, open(s), facts({}, { record: blockedSince('2026-03-01') }), now))
        .thenBreaks('professional-blocked', 'to.memberId');
      pathway
        .given(opened)
        .when((s) => decideRefer(referral, open(s), facts({}, { record: blockedSince('2026-03-04') }), now))
        .then([referred]);
    });
    it('refuses a discharge or an appointment planned more than a year ahead', () => {
      pathway
        .given(opened)
        .when((s) =>
          decideDischarge(
            { ...dischargeData, dischargeAt: '2027-06-16T10:00:00+02:00' },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('planned-time-too-far', 'dischargeAt');
      pathway
        .given(opened, referred)
        .when((s) =>
          decideAcceptReferral(
            {
              referralId: 'r-1',
              acceptedAt: '2026-03-04T10:00:00+01:00',
              appointmentAt: '2027-07-01T10:00:00+02:00',
            },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('planned-time-too-far', 'appointmentAt');
    });
    it('knows when the pathway was open: from its opening, outside its closures', () => {
      pathway
        .given(opened, closed, {
          type: 'PathwayReopened',
          data: { reopenedAt: '2026-05-01T10:00:00+02:00', reason: 'x' },
        })
        .when((s) => {
          expect([
            openAt(s, '2026-03-01T10:00:00+01:00'),
            openAt(s, '2026-03-20T10:00:00+01:00'),
            openAt(s, '2026-04-15T10:00:00+02:00'),
            openAt(s, '2026-05-02T10:00:00+02:00'),
          ]).toEqual([false, true, false, true]);
          return [];
        })
        .then([]);
    });
  });

  describe('corrections and voidings, decided again', () => {
    // The given events are event-0, event-1… in order.
    const change =
      (targetEventId: string, correction?: Record<string, unknown>, given: SpecFacts = facts()) =>
      (_: unknown, history: Array<StoredEvent<PathwayEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(changeOf(targetEventId, correction), history, pathwayCorrections, given, {
          ...decisionAt(now),
          actor: given.actor,
        });
    const corrected = (targetEventId: string, correction: Record<string, unknown>) => [
      { type: 'EntryCorrected', data: { targetEventId, reason: 'Erreur', correction } } as CorrectionEvent,
    ];

    it('corrects an entry, even on a closed pathway, and the state folds the corrected data', () => {
      pathway
        .given(opened, referred, closed)
        .when(change('event-1', { urgency: '24h' }))
        .then(corrected('event-1', { urgency: '24h' }));
      pathway
        .given(opened, referred, {
          type: 'EntryCorrected',
          data: { targetEventId: 'event-1', reason: 'x', correction: { urgency: '24h' } },
        })
        .when((s) => {
          expect(s.exists && s.referrals['r-1'].urgency).toBe('24h');
          return [];
        })
        .then([]);
    });
    it('refuses a correction of an unknown entry, of a lifecycle entry, of an id field, of an unknown field', () => {
      pathway
        .given(opened, referred)
        .when(change('nope', { urgency: '24h' }))
        .thenBreaks('unknown-entry', 'targetEventId');
      pathway
        .given(opened, closed)
        .when(change('event-1', { outcome: 'deces' }))
        .thenBreaks('entry-not-correctable', 'targetEventId');
      pathway
        .given(opened, referred)
        .when(change('event-1', { referralId: 'r-2' }))
        .thenBreaks('correction-field-not-allowed', 'correction.referralId');
      pathway
        .given(opened, referred)
        .when(change('event-1', { colour: 'blue' }))
        .thenBreaks('correction-field-not-allowed', 'correction.colour');
      pathway
        .given(opened, referred)
        .when(change('event-1', {}))
        .thenBreaks('empty-correction', 'correction');
    });
    it('decides the corrected entry again: time rules, member rules, blocks', () => {
      pathway
        .given(opened, referred)
        .when(change('event-1', { referredAt: '2026-03-01T10:00:00+01:00' }))
        .thenBreaks('business-time-too-early', 'correction.referredAt');
      pathway
        .given(opened, referred)
        .when(change('event-1', { referredAt: '2026-07-01T10:00:00+02:00' }))
        .thenBreaks('business-time-in-future', 'correction.referredAt');
      pathway
        .given(opened, referred)
        .when(change('event-1', { fromMemberId: GONE }))
        .thenBreaks('member-has-left', 'correction.fromMemberId');
      pathway
        .given(opened, referred)
        .when(change('event-1', { to: { memberId: NURSE } }, facts({}, { blockedMemberIds: [NURSE] })))
        .thenBreaks('professional-blocked', 'correction.to.memberId');
    });
    it('decides a corrected protocol application again: a man corrected into a dispensation, a version not in force', () => {
      const v2: ProtocolVersion = {
        code: 'pollakiurie-brulure-mictionnelle',
        version: 2,
        title: 'Pollakiurie',
        kind: 'cooperation-nationale',
        eligibility: { sex: 'F', minAgeMonths: 192, maxAgeMonths: 791, exclusions: [] },
        tests: ['bandelette-urinaire'],
        professions: ['pharmacien'],
        requiresMtInformation: true,
        effectiveFrom: '2021-05-05',
      };
      const protocol: ProtocolState = {
        exists: true,
        code: v2.code,
        versions: [{ ...v2, version: 1, effectiveFrom: '2020-03-06' }, v2],
        adherents: [
          { memberId: PHARMA, delegatingDoctorMemberId: GP, trainedOn: '2024-02-01', signedOn: '2024-02-15' },
        ],
      };
      const oriented: PathwayEvent = {
        type: 'ProtocolApplied',
        data: {
          applicationId: 'a-1',
          protocolCode: v2.code,
          protocolVersion: 2,
          byMemberId: PHARMA,
          appliedAt: '2026-03-10T10:00:00+01:00',
          eligibility: { eligible: true, answers: {} },
          outcome: 'orientation-medecin',
        },
      };
      const man = facts({ protocol }, { sex: 'M' });
      pathway
        .given(opened, oriented)
        .when(
          change(
            'event-1',
            {
              outcome: 'dispensation',
              test: { kind: 'bandelette-urinaire', result: 'positif' },
              mtInformedAt: '2026-03-10T10:30:00+01:00',
            },
            man,
          ),
        )
        .thenBreaks('patient-not-eligible', 'correction.outcome');
      pathway
        .given(opened, oriented)
        .when(change('event-1', { protocolVersion: 1 }, facts({ protocol })))
        .thenBreaks('protocol-version-not-in-force', 'correction.protocolVersion');
    });
    it('refuses a correction that a later entry no longer fits, and a voiding a later entry relies on', () => {
      const completed: PathwayEvent = {
        type: 'ReferralCompleted',
        data: { referralId: 'r-1', completedAt: '2026-03-12T15:00:00+01:00' },
      };
      pathway
        .given(opened, referred, accepted, completed)
        .when(change('event-2', { acceptedAt: '2026-03-13T10:00:00+01:00' }))
        .thenBreaks('business-time-too-early', 'correction');
      pathway
        .given(opened, referred, accepted, completed)
        .when(change('event-2'))
        .thenBreaks('referral-not-accepted', 'targetEventId');
      pathway
        .given(opened, referred, accepted)
        .when(change('event-1'))
        .thenBreaks('unknown-referral', 'targetEventId');
      pathway
        .given(opened, referred)
        .when(change('event-0', { openedAt: '2026-03-04T09:00:00+01:00' }))
        .thenBreaks('business-time-too-early', 'correction');
    });
    it('voids an entry (the state forgets it), refuses voiding the opening or a closure', () => {
      pathway
        .given(opened, referred)
        .when(change('event-1'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'Erreur' } }]);
      pathway
        .given(opened, referred, { type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'x' } })
        .when((s) => {
          expect(s.exists && s.referrals).toEqual({});
          return [];
        })
        .then([]);
      pathway.given(opened).when(change('event-0')).thenBreaks('entry-not-voidable', 'targetEventId');
      pathway.given(opened, closed).when(change('event-1')).thenBreaks('entry-not-voidable', 'targetEventId');
    });
    it('refuses a correction or a voiding by a professional the patient blocked', () => {
      const blockedNurse = facts(
        { actor: { id: NURSE, role: 'professional' } },
        { blockedMemberIds: [NURSE] },
      );
      pathway
        .given(opened, referred)
        .when(change('event-1', { urgency: '24h' }, blockedNurse))
        .thenBreaks('professional-blocked');
      pathway
        .given(opened, referred)
        .when(change('event-1', undefined, blockedNurse))
        .thenBreaks('professional-blocked');
    });
  });

  describe('each rule, tried through a correction', () => {
    const v2: ProtocolVersion = {
      code: 'pollakiurie-brulure-mictionnelle',
      version: 2,
      title: 'Pollakiurie',
      kind: 'cooperation-nationale',
      eligibility: {
        sex: 'F',
        minAgeMonths: 192,
        maxAgeMonths: 791,
        exclusions: [{ code: 'fievre', label: 'Fièvre' }],
      },
      tests: ['bandelette-urinaire'],
      professions: ['pharmacien', 'infirmier'],
      requiresMtInformation: true,
      effectiveFrom: '2021-05-05',
    };
    const protocol: ProtocolState = {
      exists: true,
      code: v2.code,
      versions: [{ ...v2, version: 1, effectiveFrom: '2020-03-06' }, v2],
      adherents: [
        { memberId: PHARMA, delegatingDoctorMemberId: GP, trainedOn: '2024-02-01', signedOn: '2024-02-15' },
      ],
    };
    const applied: PathwayEvent = {
      type: 'ProtocolApplied',
      data: {
        applicationId: 'a-1',
        protocolCode: v2.code,
        protocolVersion: 2,
        byMemberId: PHARMA,
        appliedAt: '2026-03-10T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        test: { kind: 'bandelette-urinaire', result: 'negatif' },
        outcome: 'conseil',
      },
    };
    const followedUp: PathwayEvent = {
      type: 'FollowUpCompleted',
      data: { byMemberId: GP, at: '2026-03-09T15:00:00+01:00', kind: 'appel' },
    };
    const reconciled: PathwayEvent = {
      type: 'MedicationReconciliationSent',
      data: { dischargeId: 'd-1', toMemberId: PHARMA, sentAt: '2026-03-07T09:00:00+01:00' },
    };
    const withProtocol = facts({ protocol });
    const doctorGone = {
      ...withProtocol,
      members: { ...withProtocol.members, [GP]: member('medecin-generaliste', { leftOn: '2026-03-01' }) },
    };
    // [rule, the entries (the last is the target), the correction, the facts, the path]
    const cases: Array<[string, PathwayEvent[], Record<string, unknown>, SpecFacts, string]> = [
      [
        'business-time-in-future',
        [opened, referred],
        { referredAt: '2026-06-15T12:06:00+02:00' },
        facts(),
        'correction.referredAt',
      ],
      [
        'business-time-too-early',
        [opened, referred],
        { referredAt: '2026-03-01T10:00:00+01:00' },
        facts(),
        'correction.referredAt',
      ],
      ['unknown-member', [opened, referred], { fromMemberId: 'nobody' }, facts(), 'correction.fromMemberId'],
      ['member-has-left', [opened, referred], { fromMemberId: GONE }, facts(), 'correction.fromMemberId'],
      [
        'professional-blocked',
        [opened, referred],
        { to: { memberId: NURSE } },
        facts({}, { blockedMemberIds: [NURSE] }),
        'correction.to.memberId',
      ],
      ['referral-without-recipient', [opened, referred], { to: {} }, facts(), 'correction.to'],
      [
        'business-time-too-early',
        [opened, referred, accepted],
        { appointmentAt: '2026-03-03T09:00:00+01:00' },
        facts(),
        'correction.appointmentAt',
      ],
      [
        'planned-time-too-far',
        [opened, referred, accepted],
        { appointmentAt: '2027-07-01T10:00:00+02:00' },
        facts(),
        'correction.appointmentAt',
      ],
      [
        'period-reversed',
        [opened, discharged],
        { admittedAt: '2026-03-07T10:00:00+01:00' },
        facts(),
        'correction',
      ],
      [
        'not-a-pharmacist',
        [opened, discharged],
        { pharmacistMemberId: GP },
        facts(),
        'correction.pharmacistMemberId',
      ],
      [
        'not-a-general-practitioner',
        [opened, discharged],
        { gpMemberId: PHARMA },
        facts(),
        'correction.gpMemberId',
      ],
      [
        'planned-time-too-far',
        [opened, discharged],
        { dischargeAt: '2027-07-01T10:00:00+02:00' },
        facts(),
        'correction.dischargeAt',
      ],
      [
        'not-a-pharmacist',
        [opened, discharged, reconciled],
        { toMemberId: NURSE },
        facts(),
        'correction.toMemberId',
      ],
      ['unknown-discharge', [opened, followedUp], { dischargeId: 'd-9' }, facts(), 'correction.dischargeId'],
      [
        'protocol-version-not-in-force',
        [opened, applied],
        { protocolVersion: 1 },
        withProtocol,
        'correction.protocolVersion',
      ],
      [
        'profession-not-allowed',
        [opened, applied],
        { byMemberId: KINE },
        withProtocol,
        'correction.byMemberId',
      ],
      ['not-an-adherent', [opened, applied], { byMemberId: NURSE }, withProtocol, 'correction.byMemberId'],
      [
        'delegating-doctor-has-left',
        [opened, applied],
        { appliedAt: '2026-03-10T11:00:00+01:00' },
        doctorGone,
        'correction',
      ],
      [
        'patient-not-eligible',
        [opened, applied],
        { eligibility: { eligible: true, answers: { fievre: true } } },
        withProtocol,
        'correction',
      ],
      [
        'outcome-not-allowed-by-test',
        [opened, applied],
        { outcome: 'dispensation', mtInformedAt: '2026-03-10T10:30:00+01:00' },
        withProtocol,
        'correction.outcome',
      ],
      [
        'test-not-in-protocol',
        [opened, applied],
        { test: { kind: 'trod-angine', result: 'negatif' } },
        withProtocol,
        'correction.test.kind',
      ],
      [
        'mt-information-required',
        [opened, applied],
        { outcome: 'dispensation', test: { kind: 'bandelette-urinaire', result: 'positif' } },
        withProtocol,
        'correction',
      ],
      [
        'business-time-too-early',
        [opened, applied],
        { mtInformedAt: '2026-03-10T09:00:00+01:00' },
        withProtocol,
        'correction.mtInformedAt',
      ],
    ];
    it.each(cases)('%s', (rule, entries, correction, given, path) => {
      pathway
        .given(...entries)
        .when((_, history) =>
          decideCorrectionCommand(changeOf(lastOf(history), correction), history, pathwayCorrections, given, {
            ...decisionAt(now),
            actor: given.actor,
          }),
        )
        .thenBreaks(rule, path);
    });
  });
});
