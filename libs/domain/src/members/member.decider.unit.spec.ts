import { decider } from '../shared/testing';
import { decideIntern, decideJoin, decideLeave, decideParticipation, memberEvolver } from './member.decider';
import type { MemberEvent, MemberJoined } from './member.events';

const now = new Date('2026-06-15T10:00:00+02:00');
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

describe('member decider', () => {
  describe('joining', () => {
    it('records MemberJoined for a new member', () => {
      member
        .given()
        .when((s) => decideJoin(joined, s, now))
        .then([joinedEvent]);
    });
    it('refuses a member joined twice', () => {
      member
        .given(joinedEvent)
        .when((s) => decideJoin(joined, s, now))
        .thenBreaks('member-exists');
    });
    it('refuses a join date in the future', () => {
      member
        .given()
        .when((s) => decideJoin({ ...joined, joinedOn: '2027-01-01' }, s, now))
        .thenBreaks('business-time-in-future', 'joinedOn');
    });
  });

  describe('leaving', () => {
    it('records MemberLeft', () => {
      member
        .given(joinedEvent)
        .when((s) => decideLeave({ leftOn: '2026-03-31' }, s, now))
        .then([leftEvent]);
    });
    it('refuses leaving before joining', () => {
      member
        .given(joinedEvent)
        .when((s) => decideLeave({ leftOn: '2024-12-31' }, s, now))
        .thenBreaks('business-time-too-early', 'leftOn');
    });
    it('refuses leaving twice', () => {
      member
        .given(joinedEvent, leftEvent)
        .when((s) => decideLeave({ leftOn: '2026-04-30' }, s, now))
        .thenBreaks('member-has-left');
    });
    it('refuses an unknown member', () => {
      member
        .given()
        .when((s) => decideLeave({ leftOn: '2026-03-31' }, s, now))
        .thenBreaks('unknown-member');
    });
  });

  describe('participation', () => {
    const participation = { activity: 'rcp' as const, on: '2026-02-03', hours: 1.5 };
    it('records a participation while a member', () => {
      member
        .given(joinedEvent)
        .when((s) => decideParticipation(participation, s, now))
        .then([{ type: 'ParticipationRecorded', data: participation }]);
    });
    it('accepts it on the day of leaving', () => {
      member
        .given(joinedEvent, leftEvent)
        .when((s) => decideParticipation({ ...participation, on: '2026-03-31' }, s, now))
        .then([{ type: 'ParticipationRecorded', data: { ...participation, on: '2026-03-31' } }]);
    });
    it('refuses it after the member left', () => {
      member
        .given(joinedEvent, leftEvent)
        .when((s) => decideParticipation({ ...participation, on: '2026-04-01' }, s, now))
        .thenBreaks('member-has-left', 'on');
    });
    it('refuses it before the member joined', () => {
      member
        .given(joinedEvent)
        .when((s) => decideParticipation({ ...participation, on: '2024-06-01' }, s, now))
        .thenBreaks('business-time-too-early', 'on');
    });
  });

  describe('interns', () => {
    it('records an internship', () => {
      const intern = { profession: 'medecin-generaliste' as const, from: '2026-01-05', to: '2026-04-30' };
      member
        .given(joinedEvent)
        .when((s) => decideIntern(intern, s, now))
        .then([{ type: 'InternHosted', data: intern }]);
    });
    it('refuses an internship that ends before it starts', () => {
      member
        .given(joinedEvent)
        .when((s) => decideIntern({ profession: 'pharmacien', from: '2026-04-30', to: '2026-01-05' }, s, now))
        .thenBreaks('period-reversed', 'to');
    });
  });
});
