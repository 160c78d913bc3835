import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf } from '../shared/testing';
import type { MemberCommand } from './member.commands';
import { decideMember, memberCorrections, memberEvolver } from './member.decider';
import type { MemberEvent, MemberJoined } from './member.events';

const now = new Date('2026-06-15T10:00:00+02:00');
const decision = decisionAt(now);
const joined: MemberJoined = {
  displayName: 'Dr Claire Martin',
  profession: 'medecin-generaliste',
  rpps: '10001234567',
  mode: 'liberal',
  joinedOn: '2025-01-10',
  sasParticipant: true,
};
const member = decider(memberEvolver);
const joinedEvent: MemberEvent = { type: 'MemberJoined', data: joined };
const leftEvent: MemberEvent = { type: 'MemberLeft', data: { leftOn: '2026-03-31' } };
const participation = { activity: 'rcp' as const, on: '2026-02-03', hours: 1.5 };
const participated: MemberEvent = { type: 'ParticipationRecorded', data: participation };
const ctx = (revision: number) => ({
  eventId: `event-${revision}`,
  recordedAt: '2026-01-01T00:00:00Z',
  actorId: 't',
  revision,
});
const decide = (command: MemberCommand) => (state: Parameters<typeof decideMember>[1]) =>
  decideMember(command, state, decision);

describe('member decider', () => {
  describe('joining', () => {
    it('records MemberJoined for a new member', () => {
      member
        .given()
        .when(decide({ type: 'JoinMember', data: joined }))
        .then([joinedEvent]);
    });
    it('refuses a member joined twice', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'JoinMember', data: joined }))
        .thenBreaks('member-exists');
    });
    it('refuses a join date in the future', () => {
      member
        .given()
        .when(decide({ type: 'JoinMember', data: { ...joined, joinedOn: '2027-01-01' } }))
        .thenBreaks('business-time-in-future', 'joinedOn');
    });
  });

  describe('leaving', () => {
    it('records MemberLeft', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'LeaveCpts', data: { leftOn: '2026-03-31' } }))
        .then([leftEvent]);
    });
    it('refuses leaving before joining', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'LeaveCpts', data: { leftOn: '2024-12-31' } }))
        .thenBreaks('business-time-too-early', 'leftOn');
    });
    it('refuses leaving twice', () => {
      member
        .given(joinedEvent, leftEvent)
        .when(decide({ type: 'LeaveCpts', data: { leftOn: '2026-04-30' } }))
        .thenBreaks('member-has-left');
    });
    it('refuses an unknown member', () => {
      member
        .given()
        .when(decide({ type: 'LeaveCpts', data: { leftOn: '2026-03-31' } }))
        .thenBreaks('unknown-member');
    });
  });

  describe('participation', () => {
    it('records a participation while a member', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'RecordParticipation', data: participation }))
        .then([participated]);
    });
    it('accepts it on the day of leaving', () => {
      member
        .given(joinedEvent, leftEvent)
        .when(decide({ type: 'RecordParticipation', data: { ...participation, on: '2026-03-31' } }))
        .then([{ type: 'ParticipationRecorded', data: { ...participation, on: '2026-03-31' } }]);
    });
    it('refuses it after the member left', () => {
      member
        .given(joinedEvent, leftEvent)
        .when(decide({ type: 'RecordParticipation', data: { ...participation, on: '2026-04-01' } }))
        .thenBreaks('member-has-left', 'on');
    });
    it('refuses it before the member joined', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'RecordParticipation', data: { ...participation, on: '2024-06-01' } }))
        .thenBreaks('business-time-too-early', 'on');
    });
  });

  describe('interns', () => {
    it('records an internship', () => {
      const intern = { profession: 'medecin-generaliste' as const, from: '2026-01-05', to: '2026-04-30' };
      member
        .given(joinedEvent)
        .when(decide({ type: 'HostIntern', data: intern }))
        .then([{ type: 'InternHosted', data: intern }]);
    });
    it('refuses an internship that ends before it starts', () => {
      member
        .given(joinedEvent)
        .when(
          decide({
            type: 'HostIntern',
            data: { profession: 'pharmacien', from: '2026-04-30', to: '2026-01-05' },
          }),
        )
        .thenBreaks('period-reversed', 'to');
    });
  });

  describe('corrections and voidings, decided again', () => {
    // Given events are event-0 (joined), event-1 (participation), event-2 (left).
    const correct = (targetEventId: string, correction: Record<string, unknown>) =>
      decideCorrectionCommand(
        { type: 'CorrectEntry', data: { targetEventId, reason: 'Erreur', correction } },
        [] as never,
        memberCorrections,
        undefined,
        decision,
      );
    const run =
      (targetEventId: string, correction?: Record<string, unknown>) =>
      (_: unknown, history: Array<StoredEvent<MemberEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          memberCorrections,
          undefined,
          decision,
        );

    it('corrects the hours of a participation', () => {
      member
        .given(joinedEvent, participated, leftEvent)
        .when(run('event-1', { hours: 2 }))
        .then([
          {
            type: 'EntryCorrected',
            data: { targetEventId: 'event-1', reason: 'Erreur', correction: { hours: 2 } },
          },
        ]);
    });
    it('refuses a participation moved after the departure', () => {
      member
        .given(joinedEvent, participated, leftEvent)
        .when(run('event-1', { on: '2026-04-02' }))
        .thenBreaks('member-has-left', 'correction.on');
    });
    it('refuses a participation moved into the future', () => {
      member
        .given(joinedEvent, participated)
        .when(run('event-1', { on: '2026-12-02' }))
        .thenBreaks('business-time-in-future', 'correction.on');
    });
    it('refuses a departure moved before a participation recorded earlier', () => {
      member
        .given(joinedEvent, participated, leftEvent)
        .when(run('event-2', { leftOn: '2026-01-31' }))
        .thenBreaks('member-has-left', 'correction');
    });
    it('voids a departure; refuses voiding the joining, or an entry twice', () => {
      member
        .given(joinedEvent, participated, leftEvent)
        .when(run('event-2'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-2', reason: 'Erreur' } }]);
      member.given(joinedEvent, participated).when(run('event-0')).thenBreaks('entry-not-voidable');
      member
        .given(joinedEvent, participated, {
          type: 'EntryVoided',
          data: { targetEventId: 'event-1', reason: 'x' },
        })
        .when(run('event-1'))
        .thenBreaks('entry-voided', 'targetEventId');
    });
    it('refuses correcting the joining, an unknown entry, or with nothing to change', () => {
      member
        .given(joinedEvent)
        .when(run('event-0', { displayName: 'X' }))
        .thenBreaks('entry-not-correctable');
      member
        .given(joinedEvent)
        .when(run('event-9', { hours: 1 }))
        .thenBreaks('unknown-entry', 'targetEventId');
      member.given(joinedEvent, participated).when(run('event-1', {})).thenBreaks('empty-correction');
      member
        .given(joinedEvent, participated)
        .when(run('event-1', { memberId: 'x' }))
        .thenBreaks('correction-field-not-allowed', 'correction.memberId');
      expect(() => correct('event-1', { hours: 1 })).toThrow(/unknown-entry/);
    });
    it('folds a correction into the state', () => {
      member
        .given(joinedEvent, participated, {
          type: 'EntryCorrected',
          data: { targetEventId: 'event-1', reason: 'x', correction: { on: '2026-04-02' } },
        })
        .when(decide({ type: 'LeaveCpts', data: { leftOn: '2026-04-01' } }))
        .then([{ type: 'MemberLeft', data: { leftOn: '2026-04-01' } }]);
    });
  });

  describe('each rule, tried through a correction', () => {
    const hosted: MemberEvent = {
      type: 'InternHosted',
      data: { profession: 'pharmacien', from: '2026-01-05', to: '2026-04-30' },
    };
    const cases: Array<[string, MemberEvent[], Record<string, unknown>, string]> = [
      ['business-time-too-early', [joinedEvent, participated], { on: '2024-06-01' }, 'correction.on'],
      ['member-has-left', [joinedEvent, leftEvent, participated], { on: '2026-04-01' }, 'correction.on'],
      ['business-time-in-future', [joinedEvent, participated], { on: '2026-06-16' }, 'correction.on'],
      ['period-reversed', [joinedEvent, hosted], { to: '2026-01-01' }, 'correction.to'],
      ['business-time-too-early', [joinedEvent, leftEvent], { leftOn: '2024-12-31' }, 'correction.leftOn'],
    ];
    it.each(cases)('%s', (rule, entries, correction, path) => {
      member
        .given(...entries)
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            memberCorrections,
            undefined,
            decision,
          ),
        )
        .thenBreaks(rule, path);
    });
  });

  describe('how the member is reached', () => {
    const emailed: MemberEvent = { type: 'MemberEmailRecorded', data: { email: 'claire@cabinet.test' } };
    const night = { email: true, webhook: false, quietHours: { from: '20:00', to: '07:00' } };
    const correct =
      (targetEventId: string, correction?: Record<string, unknown>) =>
      (_: unknown, history: Array<StoredEvent<MemberEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          memberCorrections,
          undefined,
          decision,
        );

    it('records an e-mail address, and preferences, for a member in the CPTS', () => {
      member
        .given(joinedEvent)
        .when(decide({ type: 'RecordMemberEmail', data: { email: 'claire@cabinet.test' } }))
        .then([emailed]);
      member
        .given(joinedEvent, emailed)
        .when(decide({ type: 'SetNotificationPreferences', data: night }))
        .then([{ type: 'NotificationPreferencesSet', data: night }]);
    });
    it('given a member who left, refuses an address and preferences', () => {
      member
        .given(joinedEvent, leftEvent)
        .when(decide({ type: 'RecordMemberEmail', data: { email: 'x@y.test' } }))
        .thenBreaks('member-has-left');
      member
        .given(joinedEvent, leftEvent)
        .when(decide({ type: 'SetNotificationPreferences', data: night }))
        .thenBreaks('member-has-left');
    });
    it('refuses quiet hours that start and end at the same time', () => {
      member
        .given(joinedEvent)
        .when(
          decide({
            type: 'SetNotificationPreferences',
            data: { email: true, webhook: true, quietHours: { from: '07:00', to: '07:00' } },
          }),
        )
        .thenBreaks('quiet-hours-empty', 'quietHours.to');
    });
    it('corrects and voids an address; preferences are set again, not corrected', () => {
      member
        .given(joinedEvent, emailed)
        .when(correct('event-1', { email: 'dr.martin@cabinet.test' }))
        .then([
          {
            type: 'EntryCorrected',
            data: {
              targetEventId: 'event-1',
              reason: 'Erreur',
              correction: { email: 'dr.martin@cabinet.test' },
            },
          },
        ]);
      member
        .given(joinedEvent, emailed)
        .when(correct('event-1'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'Erreur' } }]);
      // Preferences are set again, not corrected.
      member
        .given(joinedEvent, { type: 'NotificationPreferencesSet', data: night })
        .when(correct('event-1', { email: false }))
        .thenBreaks('entry-not-correctable');
    });
    it('folds the address as it now stands, and the preferences last set', () => {
      const state = memberEvolver.evolve(
        memberEvolver.evolve(
          memberEvolver.evolve(memberEvolver.initialState(), { ...joinedEvent, context: ctx(0) }),
          { ...emailed, context: ctx(1) },
        ),
        { type: 'NotificationPreferencesSet', data: night, context: ctx(2) } as never,
      );
      expect(state).toEqual(expect.objectContaining({ email: 'claire@cabinet.test', preferences: night }));
    });
  });
});
