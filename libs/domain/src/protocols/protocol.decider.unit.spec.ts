import type { MemberState } from '../members/member.decider';
import type { MemberJoined, Profession } from '../members/member.events';
import { fold } from '../shared/decider';
import { decider, decisionAt, stored } from '../shared/testing';
import { NATIONAL_PROTOCOLS, nationalProtocolStreams } from './national-protocols';
import { decideProtocol, protocolEvolver, type ProtocolState, versionInForce } from './protocol.decider';
import type {
  ProtocolAdherentRegistered,
  ProtocolEvent,
  ProtocolPublished,
  ProtocolRetired,
} from './protocol.events';

const noMembers = { member: { exists: false as const }, doctor: { exists: false as const } };
const decidePublish = (data: ProtocolPublished, state: ProtocolState) =>
  decideProtocol({ type: 'PublishProtocol', data }, state, noMembers, decisionAt(now));
const decideRegisterAdherent = (
  data: ProtocolAdherentRegistered,
  state: ProtocolState,
  members: { member: MemberState; doctor: MemberState },
  moment: Date,
) => decideProtocol({ type: 'RegisterProtocolAdherent', data }, state, members, decisionAt(moment));
const decideRetire = (data: ProtocolRetired, state: ProtocolState) =>
  decideProtocol({ type: 'RetireProtocol', data }, state, noMembers, decisionAt(now));

const now = new Date('2026-06-15T10:00:00+02:00');
const protocol = decider(protocolEvolver);

const local: ProtocolPublished = {
  code: 'plaie-simple',
  version: 1,
  title: 'Prise en charge des plaies simples',
  kind: 'pluriprofessionnel-local',
  eligibility: { minAgeMonths: 72, maxAgeMonths: 900, exclusions: [{ code: 'diabete', label: 'Diabète' }] },
  tests: [],
  professions: ['infirmier', 'pharmacien'],
  requiresMtInformation: false,
  effectiveFrom: '2024-01-01',
};
const published: ProtocolEvent = { type: 'ProtocolPublished', data: local };

function member(profession: Profession, leftOn?: string): MemberState {
  const joined: MemberJoined = {
    displayName: 'X',
    profession,
    mode: 'liberal',
    joinedOn: '2024-01-01',
    sasParticipant: false,
  };
  return {
    ...joined,
    exists: true,
    participations: {},
    interns: {},
    ...(leftOn ? { leftOn } : {}),
  };
}
const NURSE = '0193a0e0-0000-7000-8000-000000000001';
const GP = '0193a0e0-0000-7000-8000-000000000002';
const adherent = {
  memberId: NURSE,
  delegatingDoctorMemberId: GP,
  trainedOn: '2025-09-10',
  signedOn: '2025-09-15',
};
const facts = { member: member('infirmier'), doctor: member('medecin-generaliste') };

/** The decision on a published protocol: the handler answers 404 before the decider for a missing one. */
function onPublished(decide: (state: Extract<ProtocolState, { exists: true }>) => ProtocolEvent[]) {
  return (state: ProtocolState): ProtocolEvent[] => {
    if (!state.exists) throw new Error('not published');
    return decide(state);
  };
}

function stateOf(...events: ProtocolEvent[]): ProtocolState {
  return fold(
    protocolEvolver,
    events.map((event, revision) => stored(event, revision)),
  );
}

describe('protocol decider', () => {
  describe('publication', () => {
    it('creates the protocol with its first version', () => {
      protocol
        .given()
        .when((s) => decidePublish(local, s))
        .then([published]);
    });
    it('publishes a higher version', () => {
      const v2 = { ...local, version: 2, effectiveFrom: '2025-01-01' };
      protocol
        .given(published)
        .when((s) => decidePublish(v2, s))
        .then([{ type: 'ProtocolPublished', data: v2 }]);
    });
    it('refuses a version that is not greater than the latest', () => {
      protocol
        .given(published, { type: 'ProtocolPublished', data: { ...local, version: 3 } })
        .when((s) => decidePublish({ ...local, version: 2 }, s))
        .thenBreaks('protocol-version-not-increasing', 'version');
      protocol
        .given(published)
        .when((s) => decidePublish(local, s))
        .thenBreaks('protocol-version-not-increasing', 'version');
    });
    it('refuses a new version that takes effect before the previous one', () => {
      protocol
        .given(published)
        .when((s) => decidePublish({ ...local, version: 2, effectiveFrom: '2023-12-31' }, s))
        .thenBreaks('protocol-effective-before-previous', 'effectiveFrom');
    });
    it('refuses a new version of a retired protocol', () => {
      protocol
        .given(published, { type: 'ProtocolRetired', data: { effectiveTo: '2025-12-31' } })
        .when((s) => decidePublish({ ...local, version: 2, effectiveFrom: '2026-01-01' }, s))
        .thenBreaks('protocol-retired', 'version');
    });
    it('refuses a minimum age above the maximum', () => {
      protocol
        .given()
        .when((s) =>
          decidePublish(
            { ...local, eligibility: { minAgeMonths: 300, maxAgeMonths: 200, exclusions: [] } },
            s,
          ),
        )
        .thenBreaks('eligibility-age-reversed', 'eligibility.maxAgeMonths');
    });
  });

  describe('adherents', () => {
    const register = (changes: Partial<typeof adherent> = {}, given = facts) =>
      onPublished((s) => decideRegisterAdherent({ ...adherent, ...changes }, s, given, now));

    it('registers a trained nurse delegated by a GP', () => {
      protocol
        .given(published)
        .when(register())
        .then([{ type: 'ProtocolAdherentRegistered', data: adherent }]);
    });
    it('accepts a specialist as the delegating doctor, and another doctor for the same adherent', () => {
      protocol
        .given(published, { type: 'ProtocolAdherentRegistered', data: adherent })
        .when(
          register(
            { delegatingDoctorMemberId: '0193a0e0-0000-7000-8000-000000000003' },
            { ...facts, doctor: member('medecin-specialiste') },
          ),
        )
        .then([
          {
            type: 'ProtocolAdherentRegistered',
            data: { ...adherent, delegatingDoctorMemberId: '0193a0e0-0000-7000-8000-000000000003' },
          },
        ]);
    });
    it('refuses an adherent who is not a member of this CPTS', () => {
      protocol
        .given(published)
        .when(register({}, { ...facts, member: { exists: false } }))
        .thenBreaks('unknown-member', 'memberId');
    });
    it('refuses a delegating doctor who is not a member of this CPTS', () => {
      protocol
        .given(published)
        .when(register({}, { ...facts, doctor: { exists: false } }))
        .thenBreaks('unknown-member', 'delegatingDoctorMemberId');
    });
    it('refuses members who left before signing', () => {
      protocol
        .given(published)
        .when(register({}, { ...facts, member: member('infirmier', '2025-09-14') }))
        .thenBreaks('member-has-left', 'memberId');
      protocol
        .given(published)
        .when(register({}, { ...facts, doctor: member('medecin-generaliste', '2025-09-01') }))
        .thenBreaks('member-has-left', 'delegatingDoctorMemberId');
    });
    it('refuses a profession the protocol does not allow', () => {
      protocol
        .given(published)
        .when(register({}, { ...facts, member: member('masseur-kinesitherapeute') }))
        .thenBreaks('profession-not-allowed', 'memberId');
    });
    it('refuses a delegating member who is not a doctor', () => {
      protocol
        .given(published)
        .when(register({}, { ...facts, doctor: member('pharmacien') }))
        .thenBreaks('delegating-doctor-not-a-doctor', 'delegatingDoctorMemberId');
    });
    it('refuses a member delegating to themselves', () => {
      protocol
        .given(published)
        .when(register({ delegatingDoctorMemberId: NURSE }))
        .thenBreaks('self-delegation', 'delegatingDoctorMemberId');
    });
    it('refuses a signature before the training', () => {
      protocol
        .given(published)
        .when(register({ signedOn: '2025-09-09' }))
        .thenBreaks('signed-before-training', 'signedOn');
    });
    it('refuses dates in the future', () => {
      protocol
        .given(published)
        .when(register({ trainedOn: '2026-07-01', signedOn: '2026-07-02' }))
        .thenBreaks('business-time-in-future', 'trainedOn');
      protocol
        .given(published)
        .when(register({ signedOn: '2026-07-02' }))
        .thenBreaks('business-time-in-future', 'signedOn');
    });
    it('refuses the same adherent and doctor twice', () => {
      protocol
        .given(published, { type: 'ProtocolAdherentRegistered', data: adherent })
        .when(register({ trainedOn: '2026-01-10', signedOn: '2026-01-15' }))
        .thenBreaks('adherent-registered', 'memberId');
    });
    it('refuses a signature after the retirement', () => {
      protocol
        .given(published, { type: 'ProtocolRetired', data: { effectiveTo: '2025-09-14' } })
        .when(register())
        .thenBreaks('protocol-retired', 'signedOn');
    });
  });

  describe('retirement', () => {
    it('retires the protocol', () => {
      protocol
        .given(published)
        .when(onPublished((s) => decideRetire({ effectiveTo: '2026-12-31' }, s)))
        .then([{ type: 'ProtocolRetired', data: { effectiveTo: '2026-12-31' } }]);
    });
    it('refuses a second retirement', () => {
      protocol
        .given(published, { type: 'ProtocolRetired', data: { effectiveTo: '2026-12-31' } })
        .when(onPublished((s) => decideRetire({ effectiveTo: '2027-12-31' }, s)))
        .thenBreaks('protocol-retired', 'effectiveTo');
    });
    it('refuses a retirement before the protocol took effect', () => {
      protocol
        .given(published)
        .when(onPublished((s) => decideRetire({ effectiveTo: '2023-12-31' }, s)))
        .thenBreaks('retirement-before-publication', 'effectiveTo');
    });
  });

  describe('versionInForce', () => {
    const pollakiurie = stateOf(
      ...NATIONAL_PROTOCOLS.filter((p) => p.code === 'pollakiurie-brulure-mictionnelle').map(
        (data): ProtocolEvent => ({ type: 'ProtocolPublished', data }),
      ),
    );
    const versionAt = (at: string) => versionInForce(pollakiurie, at)?.version ?? null;

    it('switches from version 1 to version 2 at midnight, Paris time, on 2021-05-05', () => {
      expect(versionAt('2021-05-04T23:59:59+02:00')).toBe(1);
      expect(versionAt('2021-05-04T21:59:59Z')).toBe(1);
      expect(versionAt('2021-05-04T22:00:00Z')).toBe(2); // 00:00 in Paris (CEST)
      expect(versionAt('2021-05-05T00:00:00+02:00')).toBe(2);
      expect(versionAt('2021-05-04')).toBe(1);
      expect(versionAt('2021-05-05')).toBe(2);
      expect(versionAt('2026-06-15T10:00:00+02:00')).toBe(2);
    });
    it('has none before the first version takes effect (2020-03-06, Paris)', () => {
      expect(versionAt('2020-03-05T22:59:59Z')).toBeNull();
      expect(versionAt('2020-03-05T23:00:00Z')).toBe(1); // 00:00 in Paris (CET)
    });
    it('has none after the retirement’s last day', () => {
      const retired = protocolEvolver.evolve(
        pollakiurie,
        stored({ type: 'ProtocolRetired', data: { effectiveTo: '2025-12-31' } }, 2),
      );
      expect(versionInForce(retired, '2025-12-31T23:59:59+01:00')?.version).toBe(2);
      expect(versionInForce(retired, '2025-12-31T23:00:00Z')).toBeNull();
    });
    it('has none for a protocol that does not exist', () => {
      expect(versionInForce({ exists: false }, '2026-01-01')).toBeNull();
    });
  });

  describe('national protocols', () => {
    it('are the four protocols of 2020, cystitis in two versions, for pharmacists and nurses', () => {
      expect(nationalProtocolStreams().map((s) => [s.code, s.versions.length])).toEqual([
        ['pollakiurie-brulure-mictionnelle', 2],
        ['odynophagie', 1],
        ['rhino-conjonctivite-allergique', 1],
        ['eruption-vesiculeuse-enfant', 1],
      ]);
      for (const p of NATIONAL_PROTOCOLS) {
        expect(p).toMatchObject({
          kind: 'cooperation-nationale',
          professions: ['pharmacien', 'infirmier'],
          requiresMtInformation: true,
        });
        expect(p.eligibility.exclusions.length).toBeGreaterThan(0);
      }
    });
    it('carry the age ranges of the arrêtés, in inclusive months', () => {
      const ages = NATIONAL_PROTOCOLS.map((p) => [
        p.code,
        p.version,
        p.eligibility.minAgeMonths,
        p.eligibility.maxAgeMonths,
        p.effectiveFrom,
      ]);
      expect(ages).toEqual([
        ['pollakiurie-brulure-mictionnelle', 1, 192, 311, '2020-03-06'],
        ['pollakiurie-brulure-mictionnelle', 2, 192, 791, '2021-05-05'],
        ['odynophagie', 1, 72, 551, '2020-03-06'],
        ['rhino-conjonctivite-allergique', 1, 180, 611, '2020-03-06'],
        ['eruption-vesiculeuse-enfant', 1, 12, 155, '2020-03-06'],
      ]);
      expect(NATIONAL_PROTOCOLS.filter((p) => p.eligibility.sex === 'F').map((p) => p.version)).toEqual([
        1, 2,
      ]);
    });
    it('hold what a publication requires: versions and dates in order, ages not reversed', () => {
      for (const { versions } of nationalProtocolStreams()) {
        versions.forEach(({ data }, index) => {
          expect(data.version).toBe(index + 1);
          if (index > 0) expect(data.effectiveFrom >= versions[index - 1].data.effectiveFrom).toBe(true);
          const { minAgeMonths = 0, maxAgeMonths = Infinity } = data.eligibility;
          expect(minAgeMonths <= maxAgeMonths).toBe(true);
          expect(data.kind).toBe('cooperation-nationale');
        });
      }
    });
  });

  describe('national cooperation protocols are the platform’s', () => {
    const odynophagie = NATIONAL_PROTOCOLS.find((p) => p.code === 'odynophagie')!;
    const nationalStream: ProtocolEvent = { type: 'ProtocolPublished', data: odynophagie };
    const widened: ProtocolPublished = {
      ...odynophagie,
      version: 2,
      kind: 'pluriprofessionnel-local',
      professions: ['pharmacien', 'infirmier', 'masseur-kinesitherapeute'],
      requiresMtInformation: false,
      eligibility: { minAgeMonths: 12, maxAgeMonths: 1200, exclusions: [] },
      effectiveFrom: '2026-01-01',
    };
    it('refuses a CPTS’s new version of a national protocol, whatever kind it says', () => {
      protocol
        .given(nationalStream)
        .when((s) => decidePublish(widened, s))
        .thenBreaks('national-protocol-reserved', 'code');
    });
    it('refuses a national code for a local protocol, even in a CPTS that does not hold it', () => {
      protocol
        .given()
        .when((s) => decidePublish({ ...widened, version: 1 }, s))
        .thenBreaks('national-protocol-reserved', 'code');
    });
    it('refuses publishing a protocol of kind cooperation-nationale', () => {
      protocol
        .given()
        .when((s) => decidePublish({ ...local, kind: 'cooperation-nationale' }, s))
        .thenBreaks('national-protocol-reserved', 'kind');
    });
    it('refuses retiring a national protocol', () => {
      protocol
        .given(nationalStream)
        .when((s) => decideRetire({ effectiveTo: '2026-12-31' }, s))
        .thenBreaks('national-protocol-reserved', 'code');
    });
    it('still registers adherents of a national protocol', () => {
      const cooperation = { ...adherent, memberId: NURSE };
      protocol
        .given(nationalStream)
        .when((s) => decideRegisterAdherent(cooperation, s, facts, now))
        .then([{ type: 'ProtocolAdherentRegistered', data: cooperation }]);
    });
  });
});
