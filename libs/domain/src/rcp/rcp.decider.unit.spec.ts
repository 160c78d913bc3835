import type { MemberState } from '../members/member.decider';
import type { MemberJoined } from '../members/member.events';
import type { Closure, PathwayState } from '../pathways/pathway.decider';
import type { PatientState } from '../patients/patient.decider';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf, stored } from '../shared/testing';
import { decideRcp, type RcpFacts, rcpCorrections, rcpEvolver, type RcpState } from './rcp.decider';
import type { RcpEvent, RcpHeld } from './rcp.events';

/** A pathway of `patient` opened on 1 January 2026, with its closures. */
const pathwayOf = (patient: string, closures: Closure[] = []): PathwayState => ({
  exists: true,
  patientId: patient,
  kind: 'cas-complexe',
  openedAt: '2026-01-01T09:00:00+01:00',
  status: closures.some((c) => c.reopenedAt === undefined) ? 'closed' : 'open',
  closures,
  referrals: {},
  discharges: {},
});
/** A patient who blocked `blocked` from 1 January 2026. */
const patientBlocking = (...blocked: string[]): PatientState => ({
  exists: true,
  sex: 'F',
  birthYear: 1950,
  registeredStatus: { ald: false, precarious: false },
  statusUpdates: {},
  careTeam: {},
  ald: false,
  precarious: false,
  hasMedecinTraitant: true,
  consentHistory: {},
  consents: {},
  blockHistory: Object.fromEntries(
    blocked.map((memberId) => [memberId, { memberId, on: '2026-01-01', blocked: true }]),
  ),
  blockedMemberIds: blocked,
  erased: false,
  sealedIdentity: { alg: 'A256GCM', iv: '', ciphertext: '', tag: '' },
});
const decideHoldRcp = (command: RcpHeld, state: RcpState, given: RcpFacts, moment: Date) =>
  decideRcp({ type: 'HoldRcp', data: command }, state, given, decisionAt(moment));

const now = new Date('2026-06-15T10:00:00+02:00');
const joined = (profession: MemberJoined['profession'], leftOn?: string): MemberState => ({
  exists: true,
  displayName: `Dr ${profession}`,
  profession,
  mode: 'liberal',
  joinedOn: '2025-01-10',
  sasParticipant: false,
  participations: {},
  interns: {},
  ...(leftOn === undefined ? {} : { leftOn }),
});

const DOCTOR = 'doctor';
const NURSE = 'nurse';
const OTHER_DOCTOR = 'other-doctor';
const LEFT = 'left-in-march';
const PATHWAY = 'pathway-1';
const OTHER_PATHWAY = 'pathway-2';

const facts: RcpFacts = {
  members: {
    [DOCTOR]: joined('medecin-generaliste'),
    [NURSE]: joined('infirmier'),
    [OTHER_DOCTOR]: joined('medecin-generaliste'),
    [LEFT]: joined('pharmacien', '2026-03-31'),
  },
  pathways: { [PATHWAY]: pathwayOf('patient-1'), [OTHER_PATHWAY]: pathwayOf('patient-2') },
  patients: { 'patient-1': patientBlocking(), 'patient-2': patientBlocking() },
};

const held: RcpHeld = {
  convenedBy: DOCTOR,
  heldAt: '2026-06-10T17:30:00+02:00',
  durationMinutes: 90,
  complex: true,
  format: 'mixte',
  participants: [
    { memberId: DOCTOR },
    { memberId: NURSE },
    { name: 'Mme Durand', profession: 'psychologue' },
  ],
  patientPresent: false,
  familyPresent: true,
  cases: [{ pathwayId: PATHWAY, decisions: ['Passage IDE quotidien'], reviewOn: '2026-07-01' }],
};
const rcp = decider(rcpEvolver);
const hold =
  (command: RcpHeld, given: RcpFacts = facts) =>
  (state: Parameters<typeof decideHoldRcp>[1]) =>
    decideHoldRcp(command, state, given, now);

describe('RCP decider', () => {
  it('records RcpHeld', () => {
    rcp
      .given()
      .when(hold(held))
      .then([{ type: 'RcpHeld', data: held }]);
  });

  it('folds RcpHeld into the state', () => {
    const event: RcpEvent = { type: 'RcpHeld', data: held };
    expect(rcpEvolver.evolve(rcpEvolver.initialState(), stored(event))).toEqual({
      ...held,
      exists: true,
    });
  });

  it('refuses an RCP recorded twice on one stream', () => {
    rcp.given({ type: 'RcpHeld', data: held }).when(hold(held)).thenBreaks('rcp-exists');
  });

  it('refuses an RCP held in the future', () => {
    rcp
      .given()
      .when(hold({ ...held, heldAt: '2026-06-16T09:00:00+02:00' }))
      .thenBreaks('business-time-in-future', 'heldAt');
  });

  it('accepts an RCP 5 minutes ahead of the server clock (clock skew)', () => {
    const skewed = {
      ...held,
      heldAt: '2026-06-15T10:04:00+02:00',
      cases: [{ ...held.cases[0], reviewOn: '2026-06-15' }],
    };
    rcp
      .given()
      .when(hold(skewed))
      .then([{ type: 'RcpHeld', data: skewed }]);
  });

  it.each([0, 601, 1.5])('refuses a duration of %p minutes', (durationMinutes) => {
    rcp
      .given()
      .when(hold({ ...held, durationMinutes }))
      .thenBreaks('rcp-duration-out-of-range', 'durationMinutes');
  });

  it('refuses a convener who is not a member of this CPTS', () => {
    rcp
      .given()
      .when(hold({ ...held, convenedBy: 'stranger' }))
      .thenBreaks('unknown-member', 'convenedBy');
  });

  it('refuses a convener who had left before the RCP', () => {
    rcp
      .given()
      .when(hold({ ...held, convenedBy: LEFT }))
      .thenBreaks('member-has-left', 'convenedBy');
  });

  it('refuses a participant who is not a member of this CPTS', () => {
    rcp
      .given()
      .when(hold({ ...held, participants: [...held.participants, { memberId: 'stranger' }] }))
      .thenBreaks('unknown-member', 'participants[3].memberId');
  });

  it('refuses a participant who had left before the RCP', () => {
    rcp
      .given()
      .when(hold({ ...held, participants: [{ memberId: LEFT }, ...held.participants] }))
      .thenBreaks('member-has-left', 'participants[0].memberId');
  });

  it('accepts a member on the day they left', () => {
    const onLeavingDay = {
      ...held,
      heldAt: '2026-03-31T18:00:00+02:00',
      participants: [{ memberId: LEFT }, { memberId: DOCTOR }],
      cases: [{ pathwayId: PATHWAY, decisions: ['Bilan'] }],
    };
    rcp
      .given()
      .when(hold(onLeavingDay))
      .then([{ type: 'RcpHeld', data: onLeavingDay }]);
  });

  it('refuses a member listed twice among the participants', () => {
    rcp
      .given()
      .when(hold({ ...held, participants: [...held.participants, { memberId: NURSE }] }))
      .thenBreaks('duplicate-participant', 'participants[3].memberId');
  });

  it('refuses fewer than two participants', () => {
    rcp
      .given()
      .when(hold({ ...held, participants: [{ memberId: DOCTOR }] }))
      .thenBreaks('rcp-needs-two-professions', 'participants');
  });

  it('refuses participants who all share one profession (members and externals alike)', () => {
    rcp
      .given()
      .when(
        hold({
          ...held,
          participants: [
            { memberId: DOCTOR },
            { memberId: OTHER_DOCTOR },
            { name: 'Dr Roux', profession: 'medecin-generaliste' },
          ],
        }),
      )
      .thenBreaks('rcp-needs-two-professions', 'participants');
  });

  it('counts an external participant’s profession', () => {
    const withExternal = {
      ...held,
      participants: [
        { memberId: DOCTOR },
        { name: 'M. Petit', profession: 'masseur-kinesitherapeute' as const },
      ],
    };
    rcp
      .given()
      .when(hold(withExternal))
      .then([{ type: 'RcpHeld', data: withExternal }]);
  });

  it('refuses an RCP without a case', () => {
    rcp
      .given()
      .when(hold({ ...held, cases: [] }))
      .thenBreaks('rcp-needs-a-case', 'cases');
  });

  it('refuses a case whose pathway does not exist in this CPTS', () => {
    rcp
      .given()
      .when(hold({ ...held, cases: [...held.cases, { pathwayId: 'elsewhere', decisions: ['x'] }] }))
      .thenBreaks('unknown-pathway', 'cases[1].pathwayId');
  });

  it('refuses one pathway discussed twice', () => {
    rcp
      .given()
      .when(hold({ ...held, cases: [...held.cases, { pathwayId: PATHWAY, decisions: ['y'] }] }))
      .thenBreaks('duplicate-case', 'cases[1].pathwayId');
  });

  it('refuses a review date before the RCP’s Paris date', () => {
    rcp
      .given()
      .when(
        hold({
          ...held,
          cases: [held.cases[0], { pathwayId: OTHER_PATHWAY, decisions: ['z'], reviewOn: '2026-06-09' }],
        }),
      )
      .thenBreaks('review-before-rcp', 'cases[1].reviewOn');
  });

  it('accepts a review on the day of the RCP, in Paris time', () => {
    // 23:30 UTC on 9 June is already 10 June in Paris.
    const lateEvening = {
      ...held,
      heldAt: '2026-06-09T23:30:00Z',
      cases: [{ pathwayId: PATHWAY, decisions: ['Revoir demain'], reviewOn: '2026-06-10' }],
    };
    rcp
      .given()
      .when(hold(lateEvening))
      .then([{ type: 'RcpHeld', data: lateEvening }]);
  });

  describe('blocks and times', () => {
    const blocking = (...blocked: string[]): RcpFacts => ({
      ...facts,
      patients: { ...facts.patients, 'patient-1': patientBlocking(...blocked) },
    });
    it('refuses a convenor the case’s patient blocked', () => {
      rcp
        .given()
        .when(hold(held, blocking(DOCTOR)))
        .thenBreaks('professional-blocked', 'convenedBy');
    });
    it('refuses a member participant the case’s patient blocked', () => {
      rcp
        .given()
        .when(hold(held, blocking(NURSE)))
        .thenBreaks('professional-blocked', 'participants[1].memberId');
    });
    it('refuses an RCP recorded by a professional a case’s patient blocked', () => {
      rcp
        .given()
        .when((s) =>
          decideRcp({ type: 'HoldRcp', data: held }, s, blocking('author'), {
            ...decisionAt(now),
            actor: { id: 'author', role: 'professional' },
          }),
        )
        .thenBreaks('professional-blocked');
    });
    it('refuses an RCP held before a case’s pathway opened', () => {
      rcp
        .given()
        .when(hold({ ...held, heldAt: '2025-12-31T18:00:00+01:00' }))
        .thenBreaks('business-time-too-early', 'heldAt');
    });
    it('refuses a case whose pathway was closed when the RCP was held, accepts one reopened by then', () => {
      const closed = {
        ...facts,
        pathways: {
          ...facts.pathways,
          [PATHWAY]: pathwayOf('patient-1', [{ closedAt: '2026-05-01T10:00:00+02:00' }]),
        },
      };
      rcp.given().when(hold(held, closed)).thenBreaks('pathway-not-open', 'cases[0].pathwayId');
      const reopened = {
        ...facts,
        pathways: {
          ...facts.pathways,
          [PATHWAY]: pathwayOf('patient-1', [
            { closedAt: '2026-05-01T10:00:00+02:00', reopenedAt: '2026-06-01T10:00:00+02:00' },
          ]),
        },
      };
      rcp
        .given()
        .when(hold(held, reopened))
        .then([{ type: 'RcpHeld', data: held }]);
    });
    it('refuses a review more than a year ahead', () => {
      rcp
        .given()
        .when(hold({ ...held, cases: [{ pathwayId: PATHWAY, decisions: ['x'], reviewOn: '2027-06-16' }] }))
        .thenBreaks('planned-time-too-far', 'cases[0].reviewOn');
    });
  });

  describe('corrections and voidings, decided again', () => {
    const change =
      (correction?: Record<string, unknown>, given: RcpFacts = facts) =>
      (_: unknown, history: Array<StoredEvent<RcpEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf('event-0', correction),
          history,
          rcpCorrections,
          given,
          decisionAt(now),
        );
    const recorded: RcpEvent = { type: 'RcpHeld', data: held };

    it('refuses participants corrected into one profession, or a convenor the patient blocked', () => {
      rcp
        .given(recorded)
        .when(change({ participants: [{ memberId: DOCTOR }, { memberId: OTHER_DOCTOR }] }))
        .thenBreaks('rcp-needs-two-professions', 'correction.participants');
      rcp
        .given(recorded)
        .when(
          change(
            { convenedBy: NURSE },
            { ...facts, patients: { ...facts.patients, 'patient-1': patientBlocking(NURSE) } },
          ),
        )
        .thenBreaks('professional-blocked', 'correction.convenedBy');
    });
    it('corrects the time, and voids the whole RCP', () => {
      rcp
        .given(recorded)
        .when(change({ heldAt: '2026-06-10T18:00:00+02:00' }))
        .then([
          {
            type: 'EntryCorrected',
            data: {
              targetEventId: 'event-0',
              reason: 'Erreur',
              correction: { heldAt: '2026-06-10T18:00:00+02:00' },
            },
          },
        ]);
      rcp
        .given(recorded)
        .when(change())
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-0', reason: 'Erreur' } }]);
    });
  });

  describe('each rule, tried through a correction', () => {
    const blockingFacts: RcpFacts = {
      ...facts,
      patients: { ...facts.patients, 'patient-1': patientBlocking(OTHER_DOCTOR) },
    };
    const cases: Array<[string, Record<string, unknown>, RcpFacts, string]> = [
      ['business-time-in-future', { heldAt: '2026-06-16T18:00:00+02:00' }, facts, 'correction.heldAt'],
      ['rcp-duration-out-of-range', { durationMinutes: 0 }, facts, 'correction.durationMinutes'],
      ['unknown-member', { convenedBy: 'stranger' }, facts, 'correction.convenedBy'],
      [
        'member-has-left',
        { participants: [{ memberId: DOCTOR }, { memberId: LEFT }] },
        facts,
        'correction.participants[1].memberId',
      ],
      [
        'duplicate-participant',
        { participants: [{ memberId: DOCTOR }, { memberId: DOCTOR }] },
        facts,
        'correction.participants[1].memberId',
      ],
      [
        'rcp-needs-two-professions',
        { participants: [{ memberId: DOCTOR }, { memberId: OTHER_DOCTOR }] },
        facts,
        'correction.participants',
      ],
      ['rcp-needs-a-case', { cases: [] }, facts, 'correction.cases'],
      [
        'unknown-pathway',
        { cases: [{ pathwayId: 'elsewhere', decisions: ['x'] }] },
        facts,
        'correction.cases[0].pathwayId',
      ],
      ['duplicate-case', { cases: [...held.cases, held.cases[0]] }, facts, 'correction.cases[1].pathwayId'],
      [
        'review-before-rcp',
        { cases: [{ pathwayId: PATHWAY, decisions: ['x'], reviewOn: '2026-06-01' }] },
        facts,
        'correction.cases[0].reviewOn',
      ],
      [
        'planned-time-too-far',
        { cases: [{ pathwayId: PATHWAY, decisions: ['x'], reviewOn: '2027-06-16' }] },
        facts,
        'correction.cases[0].reviewOn',
      ],
      ['business-time-too-early', { heldAt: '2025-12-31T18:00:00+01:00' }, facts, 'correction.heldAt'],
      [
        'pathway-not-open',
        { complex: false },
        {
          ...facts,
          pathways: {
            ...facts.pathways,
            [PATHWAY]: pathwayOf('patient-1', [{ closedAt: '2026-05-01T10:00:00+02:00' }]),
          },
        },
        'correction',
      ],
      ['professional-blocked', { convenedBy: OTHER_DOCTOR }, blockingFacts, 'correction.convenedBy'],
    ];
    it.each(cases)('%s', (rule, correction, given, path) => {
      rcp
        .given({ type: 'RcpHeld', data: held })
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            rcpCorrections,
            given,
            decisionAt(now),
          ),
        )
        .thenBreaks(rule, path);
    });
  });
});
