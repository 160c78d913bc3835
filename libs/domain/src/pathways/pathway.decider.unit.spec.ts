import type { MemberState } from '../members/member.decider';
import type { ProtocolState, ProtocolVersion } from '../protocols';
import { decider, stored } from '../shared/testing';
import { fold } from '../shared/decider';
import {
  decideAcceptReferral,
  decideClose,
  decideCompleteReferral,
  decideCorrect,
  decideDeclineReferral,
  decideDischarge,
  decideFollowUp,
  decideMedicationReconciliation,
  decideOpen,
  decideProtocolApplication,
  decideRefer,
  decideReopen,
  decideVoid,
  live,
  pathwayEvolver,
  referralStatus,
  type OpenPathway,
  type PathwayFacts,
  type PathwayState,
} from './pathway.decider';
import type {
  DischargeNotified,
  PathwayClosed,
  PathwayEvent,
  PathwayOpened,
  PatientReferred,
  ProtocolApplied,
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
    participations: 0,
    hoursOfParticipation: 0,
    interns: 0,
    ...extra,
  }) as MemberState;

const facts = (
  overrides: Partial<PathwayFacts> = {},
  patient: Partial<PathwayFacts['patient']> = {},
): PathwayFacts => ({
  patient: {
    sex: 'F',
    birthDate: '1990-04-12',
    birthYear: 1990,
    earliestBusinessTime: '1990-04-12',
    blockedMemberIds: [],
    consents: {},
    ...patient,
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
});

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
const open = (s: PathwayState) => s as OpenPathway;

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
      const followUp = { byMemberId: GP, at: '2026-03-09T15:00:00+01:00', kind: 'consultation' as const };
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
    const withProtocol = (
      extra: Partial<PathwayFacts> = {},
      patient: Partial<PathwayFacts['patient']> = {},
    ) => facts({ protocol, ...extra }, patient);

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
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(application, open(s), withProtocol({}, older), now))
        .thenBreaks('patient-not-eligible', 'outcome');
      const oriented = { ...application, outcome: 'orientation-medecin' as const, mtInformedAt: undefined };
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(oriented, open(s), withProtocol({}, older), now))
        .then([{ type: 'ProtocolApplied', data: oriented }]);
    });
    it('refuses dispensing to a patient of the wrong sex, or with an exclusion criterion', () => {
      pathway
        .given(opened)
        .when((s) => decideProtocolApplication(application, open(s), withProtocol({}, { sex: 'M' }), now))
        .thenBreaks('patient-not-eligible', 'outcome');
      pathway
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

  describe('corrections and voidings', () => {
    const given = [opened, referred, discharged].map((e, i) => stored(e, i));
    const state = () => fold(pathwayEvolver, given) as OpenPathway;

    it('corrects an entry, even on a closed pathway, and the state shows the corrected data', () => {
      const correction = {
        targetEventId: 'event-1',
        reason: 'Erreur de saisie',
        correction: { urgency: '24h' },
      };
      pathway
        .given(opened, referred, closed)
        .when((s) => decideCorrect(correction, open(s), facts(), now))
        .then([{ type: 'EntryCorrected', data: correction }]);
      const after = pathwayEvolver.evolve(state(), stored({ type: 'EntryCorrected', data: correction }, 3));
      expect(live(after as OpenPathway, 'PatientReferred')[0].data.urgency).toBe('24h');
    });
    it('refuses a correction of an unknown entry, of a lifecycle entry, of an id field', () => {
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect(
            { targetEventId: 'nope', reason: 'x', correction: { urgency: '24h' } },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('unknown-entry', 'targetEventId');
      pathway
        .given(opened, closed)
        .when((s) =>
          decideCorrect(
            { targetEventId: 'event-1', reason: 'x', correction: { outcome: 'deces' } },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('entry-not-correctable', 'targetEventId');
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect(
            { targetEventId: 'event-1', reason: 'x', correction: { referralId: 'r-2' } },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('correction-field-not-allowed', 'correction.referralId');
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect(
            { targetEventId: 'event-1', reason: 'x', correction: { colour: 'blue' } },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('correction-field-not-allowed', 'correction.colour');
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect({ targetEventId: 'event-1', reason: 'x', correction: {} }, open(s), facts(), now),
        )
        .thenBreaks('empty-correction', 'correction');
    });
    it('applies the time rules to a corrected business time, and the member rules to a corrected member', () => {
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect(
            {
              targetEventId: 'event-1',
              reason: 'x',
              correction: { referredAt: '2027-01-01T00:00:00+01:00' },
            },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('business-time-in-future', 'correction.referredAt');
      pathway
        .given(opened, referred)
        .when((s) =>
          decideCorrect(
            { targetEventId: 'event-1', reason: 'x', correction: { fromMemberId: GONE } },
            open(s),
            facts(),
            now,
          ),
        )
        .thenBreaks('member-has-left', 'correction.fromMemberId');
    });
    it('voids an entry: it no longer counts, and cannot be voided or corrected again', () => {
      const voiding = { targetEventId: 'event-1', reason: 'Doublon' };
      pathway
        .given(opened, referred)
        .when((s) => decideVoid(voiding, open(s), facts()))
        .then([{ type: 'EntryVoided', data: voiding }]);
      const after = pathwayEvolver.evolve(
        state(),
        stored({ type: 'EntryVoided', data: voiding }, 3),
      ) as OpenPathway;
      expect(referralStatus(after, 'r-1')).toBeNull();
      pathway
        .given(opened, referred, { type: 'EntryVoided', data: voiding })
        .when((s) => decideVoid(voiding, open(s), facts()))
        .thenBreaks('entry-voided', 'targetEventId');
    });
    it('refuses voiding the opening', () => {
      pathway
        .given(opened)
        .when((s) => decideVoid({ targetEventId: 'event-0', reason: 'x' }, open(s), facts()))
        .thenBreaks('entry-not-voidable', 'targetEventId');
    });
  });
});
