import type { MemberState } from '../members/member.decider';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf } from '../shared/testing';
import {
  type ActionMembers,
  type ActionState,
  actionCorrections,
  actionEvolver,
  decideAction,
} from './action.decider';
import type { ActionEvent, PreventionActionHeld, TrainingHeld } from './action.events';

const decideHoldPreventionAction = (
  data: PreventionActionHeld,
  state: ActionState,
  named: ActionMembers,
  moment: Date,
) => decideAction({ type: 'HoldPreventionAction', data }, state, named, decisionAt(moment));
const decideHoldTraining = (data: TrainingHeld, state: ActionState, named: ActionMembers, moment: Date) =>
  decideAction({ type: 'HoldTraining', data }, state, named, decisionAt(moment));

const now = new Date('2026-06-15T10:00:00+02:00');
const member = (joinedOn: string, leftOn?: string): MemberState => ({
  exists: true,
  displayName: 'Dr Claire Martin',
  profession: 'medecin-generaliste',
  mode: 'liberal',
  joinedOn,
  sasParticipant: false,
  participations: {},
  interns: {},
  ...(leftOn === undefined ? {} : { leftOn }),
});
const members: ActionMembers = {
  a: member('2025-01-10'),
  b: member('2025-02-01'),
  left: member('2025-01-10', '2026-03-31'),
};

const prevention: PreventionActionHeld = {
  theme: 'Dépistage du cancer colorectal',
  heldOn: '2026-03-06',
  participants: 42,
  memberIds: ['a', 'b'],
};
const training: TrainingHeld = {
  theme: 'Gestes et soins d’urgence',
  heldOn: '2026-03-06',
  attendeeMemberIds: ['a'],
};
const action = decider(actionEvolver);

describe('action decider', () => {
  describe('prevention action', () => {
    it('records PreventionActionHeld', () => {
      action
        .given()
        .when((s) => decideHoldPreventionAction(prevention, s, members, now))
        .then([{ type: 'PreventionActionHeld', data: prevention }]);
    });
    it('accepts an action reaching nobody, run by no member', () => {
      const empty = { ...prevention, participants: 0, memberIds: [] };
      action
        .given()
        .when((s) => decideHoldPreventionAction(empty, s, {}, now))
        .then([{ type: 'PreventionActionHeld', data: empty }]);
    });
    it('accepts today in Paris just after midnight (UTC is still yesterday)', () => {
      const today = { ...prevention, heldOn: '2026-06-16' };
      action
        .given()
        .when((s) => decideHoldPreventionAction(today, s, members, new Date('2026-06-15T22:30:00Z')))
        .then([{ type: 'PreventionActionHeld', data: today }]);
    });
    it('refuses an action recorded twice on one stream', () => {
      const held: ActionEvent = { type: 'PreventionActionHeld', data: prevention };
      action
        .given(held)
        .when((s) => decideHoldPreventionAction(prevention, s, members, now))
        .thenBreaks('action-exists');
    });
    it('refuses a date in the future', () => {
      action
        .given()
        .when((s) => decideHoldPreventionAction({ ...prevention, heldOn: '2026-06-16' }, s, members, now))
        .thenBreaks('business-time-in-future', 'heldOn');
    });
    it('refuses a member listed twice', () => {
      action
        .given()
        .when((s) =>
          decideHoldPreventionAction({ ...prevention, memberIds: ['a', 'b', 'a'] }, s, members, now),
        )
        .thenBreaks('duplicate-member', 'memberIds[2]');
    });
    it('refuses a member unknown in this CPTS', () => {
      action
        .given()
        .when((s) =>
          decideHoldPreventionAction({ ...prevention, memberIds: ['a', 'stranger'] }, s, members, now),
        )
        .thenBreaks('unknown-member', 'memberIds[1]');
    });
    it('refuses a member who had left by that date', () => {
      action
        .given()
        .when((s) =>
          decideHoldPreventionAction(
            { ...prevention, heldOn: '2026-04-01', memberIds: ['left'] },
            s,
            members,
            now,
          ),
        )
        .thenBreaks('member-has-left', 'memberIds[0]');
    });
  });

  describe('training', () => {
    it('records TrainingHeld and folds it as a training', () => {
      action
        .given()
        .when((s) => decideHoldTraining(training, s, members, now))
        .then([{ type: 'TrainingHeld', data: training }]);
      action
        .given({ type: 'TrainingHeld', data: training })
        .when((s) => {
          expect(s).toEqual({ ...training, exists: true, kind: 'training' });
          return [];
        })
        .then([]);
    });
    it('refuses a training recorded twice on one stream', () => {
      action
        .given({ type: 'TrainingHeld', data: training })
        .when((s) => decideHoldTraining(training, s, members, now))
        .thenBreaks('action-exists');
    });
    it('refuses a date in the future', () => {
      action
        .given()
        .when((s) => decideHoldTraining({ ...training, heldOn: '2027-01-01' }, s, members, now))
        .thenBreaks('business-time-in-future', 'heldOn');
    });
    it('refuses a training without attendees', () => {
      action
        .given()
        .when((s) => decideHoldTraining({ ...training, attendeeMemberIds: [] }, s, members, now))
        .thenBreaks('training-needs-an-attendee', 'attendeeMemberIds');
    });
    it('refuses an attendee listed twice', () => {
      action
        .given()
        .when((s) => decideHoldTraining({ ...training, attendeeMemberIds: ['b', 'b'] }, s, members, now))
        .thenBreaks('duplicate-member', 'attendeeMemberIds[1]');
    });
    it('refuses an attendee unknown in this CPTS', () => {
      action
        .given()
        .when((s) => decideHoldTraining({ ...training, attendeeMemberIds: ['stranger'] }, s, members, now))
        .thenBreaks('unknown-member', 'attendeeMemberIds[0]');
    });
    it('refuses an attendee who had left by that date', () => {
      action
        .given()
        .when((s) =>
          decideHoldTraining(
            { ...training, heldOn: '2026-05-01', attendeeMemberIds: ['a', 'left'] },
            s,
            members,
            now,
          ),
        )
        .thenBreaks('member-has-left', 'attendeeMemberIds[1]');
    });
  });

  describe('corrections and voidings, decided again', () => {
    const run =
      (targetEventId: string, correction?: Record<string, unknown>) =>
      (_: unknown, history: Array<StoredEvent<ActionEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          actionCorrections,
          members,
          decisionAt(now),
        );
    const held: ActionEvent = { type: 'PreventionActionHeld', data: prevention };

    it('corrects the people reached; refuses a member unknown here or one who had left', () => {
      action
        .given(held)
        .when(run('event-0', { participants: 45 }))
        .then([
          {
            type: 'EntryCorrected',
            data: { targetEventId: 'event-0', reason: 'Erreur', correction: { participants: 45 } },
          },
        ]);
      action
        .given(held)
        .when(run('event-0', { memberIds: ['stranger'] }))
        .thenBreaks('unknown-member', 'correction.memberIds[0]');
      action
        .given({ type: 'PreventionActionHeld', data: { ...prevention, memberIds: ['left'] } })
        .when(run('event-0', { heldOn: '2026-04-02' }))
        .thenBreaks('member-has-left', 'correction');
      action
        .given(held)
        .when(run('event-0', { heldOn: '2026-07-01' }))
        .thenBreaks('business-time-in-future', 'correction.heldOn');
    });
    it('voids the whole action: nothing is left of it', () => {
      action
        .given(held)
        .when(run('event-0'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-0', reason: 'Erreur' } }]);
      action
        .given(held, { type: 'EntryVoided', data: { targetEventId: 'event-0', reason: 'x' } })
        .when((s) => {
          expect(s).toEqual({ exists: false });
          return [];
        })
        .then([]);
    });
  });

  describe('each rule, tried through a correction', () => {
    const cases: Array<[string, ActionEvent, Record<string, unknown>, string]> = [
      [
        'business-time-in-future',
        { type: 'PreventionActionHeld', data: prevention },
        { heldOn: '2026-06-17' },
        'correction.heldOn',
      ],
      [
        'duplicate-member',
        { type: 'PreventionActionHeld', data: prevention },
        { memberIds: ['a', 'a'] },
        'correction.memberIds[1]',
      ],
      [
        'unknown-member',
        { type: 'PreventionActionHeld', data: prevention },
        { memberIds: ['stranger'] },
        'correction.memberIds[0]',
      ],
      [
        'member-has-left',
        { type: 'TrainingHeld', data: { ...training, attendeeMemberIds: ['left'] } },
        { heldOn: '2026-04-01' },
        'correction',
      ],
      [
        'training-needs-an-attendee',
        { type: 'TrainingHeld', data: training },
        { attendeeMemberIds: [] },
        'correction.attendeeMemberIds',
      ],
    ];
    it.each(cases)('%s', (rule, entry, correction, path) => {
      action
        .given(entry)
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            actionCorrections,
            members,
            decisionAt(now),
          ),
        )
        .thenBreaks(rule, path);
    });
  });
});
