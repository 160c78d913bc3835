import { EventLog, projectionSpec, type ReadStore } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import type { ActionEvent } from '../../actions/action.events';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { RcpEvent } from '../../rcp/rcp.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { MemberEvent, MemberJoined } from '../member.events';
import { memberDirectoryProjection } from './member-directory.projection';
import { MemberDirectoryQueries } from './member-directory.queries';

const CPTS = 'cpts-test';
const NOW = new Date('2026-06-15T10:00:00+02:00');

describe('member directory read model', () => {
  const log = new EventLog();
  const join = (id: string, displayName: string, extra: Partial<MemberJoined> = {}, cpts = CPTS) =>
    log.event<MemberEvent>(`member-${cpts}.${id}`, 'MemberJoined', {
      displayName,
      profession: 'medecin-generaliste',
      mode: 'liberal',
      joinedOn: '2024-01-10',
      sasParticipant: false,
      ...extra,
    });
  const left = log.event<MemberEvent>(`member-${CPTS}.m-c`, 'MemberLeft', { leftOn: '2026-05-01' });
  const members = [
    join('m-a', 'Anne', { structure: { kind: 'msp', name: 'MSP du Centre' } }),
    join('m-b', 'Bruno', { profession: 'pharmacien', sasParticipant: true }),
    join('m-c', 'Chloé', { profession: 'infirmier' }),
    left,
    join('m-x', 'Xavier'),
    join('m-a', 'Other', { profession: 'autre' }, 'cpts-other'),
  ];
  const p = `pathway-${CPTS}.${uuidv7()}`;
  const referral = log.event<PathwayEvent>(p, 'PatientReferred', {
    referralId: 'r-1',
    fromMemberId: 'm-a',
    to: { memberId: 'm-c' },
    reason: 'x',
    urgency: '24h',
    referredAt: '2026-03-03T10:00:00+01:00',
  });
  const followUp = log.event<PathwayEvent>(p, 'FollowUpCompleted', {
    byMemberId: 'm-b',
    at: '2026-03-05T10:00:00+01:00',
    kind: 'appel',
  });
  const activity = [
    log.event<MemberEvent>(`member-${CPTS}.m-a`, 'ParticipationRecorded', {
      activity: 'reunion',
      on: '2026-02-01',
      hours: 2,
    }),
    // 12 months before today: out of the window.
    log.event<MemberEvent>(`member-${CPTS}.m-a`, 'ParticipationRecorded', {
      activity: 'reunion',
      on: '2025-06-15',
      hours: 2,
    }),
    log.event<PathwayEvent>(p, 'PathwayOpened', {
      patientId: 'p-1',
      kind: 'bpco',
      openedAt: '2026-03-02T09:00:00+01:00',
    }),
    referral,
    log.event<PathwayEvent>(p, 'ProtocolApplied', {
      applicationId: 'a-1',
      protocolCode: 'odynophagie',
      protocolVersion: 1,
      byMemberId: 'm-b',
      appliedAt: '2026-03-04T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome: 'conseil',
    }),
    followUp,
    log.event<RcpEvent>(`rcp-${CPTS}.${uuidv7()}`, 'RcpHeld', {
      convenedBy: 'm-x',
      heldAt: '2026-04-01T18:00:00+02:00',
      durationMinutes: 60,
      complex: false,
      format: 'visio',
      participants: [{ memberId: 'm-a' }, { memberId: 'm-c' }, { name: 'Dr Ext', profession: 'psychologue' }],
      patientPresent: false,
      familyPresent: false,
      cases: [],
    }),
    log.event<ActionEvent>(`action-${CPTS}.${uuidv7()}`, 'PreventionActionHeld', {
      theme: 'Vaccination',
      heldOn: '2026-04-10',
      participants: 40,
      memberIds: ['m-b'],
    }),
    log.event<ActionEvent>(`action-${CPTS}.${uuidv7()}`, 'TrainingHeld', {
      theme: 'BPCO',
      heldOn: '2026-04-20',
      attendeeMemberIds: ['m-a', 'm-c'],
    }),
  ];
  const byId = (read: ReadStore) =>
    Object.fromEntries(new MemberDirectoryQueries(read).list(CPTS, {}, NOW).map((m) => [m.id, m]));
  const spec = projectionSpec(memberDirectoryProjection).given(...members, ...activity);

  it('lists this CPTS’s members by name, with the activity adhesion.membres-actifs counts over 12 months', () => {
    spec.then((read) => {
      const items = byId(read);
      expect(Object.keys(items)).toEqual(['m-a', 'm-b', 'm-c', 'm-x']);
      expect(items['m-a']).toEqual({
        id: 'm-a',
        displayName: 'Anne',
        profession: 'medecin-generaliste',
        structure: { kind: 'msp', name: 'MSP du Centre' },
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
        activity: { last12Months: 4, lastAt: '2026-04-20' }, // participation, referral, RCP, training
      });
      expect(items['m-b'].activity).toEqual({ last12Months: 3, lastAt: '2026-04-10' });
      expect(items['m-b'].sasParticipant).toBe(true);
      expect(items['m-c']).toMatchObject({ leftOn: '2026-05-01', activity: { last12Months: 2 } });
      expect(items['m-x'].activity).toEqual({ last12Months: 0 }); // convening is not listed as activity
    });
  });

  it('a correction moves an activity to another member; a voiding removes it', () => {
    spec
      .when(
        log.event<CorrectionEvent>(p, 'EntryCorrected', {
          targetEventId: referral.metadata.eventId,
          reason: 'Auteur',
          correction: { fromMemberId: 'm-x' },
        }),
        log.event<CorrectionEvent>(p, 'EntryVoided', {
          targetEventId: followUp.metadata.eventId,
          reason: 'Erreur',
        }),
      )
      .then((read) => {
        const items = byId(read);
        expect(items['m-a'].activity.last12Months).toBe(3);
        expect(items['m-x'].activity).toEqual({ last12Months: 1, lastAt: '2026-03-03T10:00:00+01:00' });
        expect(items['m-b'].activity.last12Months).toBe(2);
      });
  });

  it('a departure corrected moves; voided, the member is back', () => {
    const directory = (read: ReadStore) => new MemberDirectoryQueries(read);
    spec
      .when(
        log.event<CorrectionEvent>(`member-${CPTS}.m-c`, 'EntryCorrected', {
          targetEventId: left.metadata.eventId,
          reason: 'Date',
          correction: { leftOn: '2026-06-30' },
        }),
      )
      .then((read) =>
        expect(
          directory(read)
            .list(CPTS, { active: true }, NOW)
            .map((m) => m.id),
        ).toContain('m-c'),
      );
    spec
      .when(
        log.event<CorrectionEvent>(`member-${CPTS}.m-c`, 'EntryVoided', {
          targetEventId: left.metadata.eventId,
          reason: 'Erreur',
        }),
      )
      .then((read) => expect(byId(read)['m-c']).not.toHaveProperty('leftOn'));
  });

  it('filters on activity today (the day of leaving still counts) and on profession; names by id', () => {
    spec.then((read) => {
      const directory = new MemberDirectoryQueries(read);
      expect(directory.list(CPTS, { active: true }, NOW).map((m) => m.id)).toEqual(['m-a', 'm-b', 'm-x']);
      expect(directory.list(CPTS, { active: false }, NOW).map((m) => m.id)).toEqual(['m-c']);
      expect(
        directory.list(CPTS, { active: true }, new Date('2026-05-01T12:00:00+02:00')).map((m) => m.id),
      ).toContain('m-c');
      expect(directory.list(CPTS, { profession: 'pharmacien' }, NOW).map((m) => m.id)).toEqual(['m-b']);
      expect(directory.names(CPTS, ['m-a', 'nope'])).toEqual(new Map([['m-a', 'Anne']]));
    });
  });
});
