import { notificationsFor, type NotificationContext, type SourceEvent } from './notification-policy';

const context: NotificationContext = {
  pathwayId: 'pw-1',
  patientId: 'p-1',
  circle: ['gp', 'pharmacist', 'nurse'],
  blocked: [],
  referrals: { 'r-1': { fromMemberId: 'gp', toMemberId: 'kine' } },
};
const discharge = (data: Record<string, unknown> = {}, actorId = 'coord-1'): SourceEvent => ({
  type: 'DischargeNotified',
  eventId: 'e-1',
  actorId,
  data: {
    dischargeId: 'd-1',
    hospital: { name: 'CH' },
    dischargeAt: '2026-03-06T17:30:00+01:00',
    notifiedAt: '2026-03-05T11:00:00+01:00',
    treatmentChanged: true,
    complex: false,
    needs: [],
    ...data,
  },
});
const recipients = (event: SourceEvent, ctx = context) =>
  notificationsFor(event, ctx).map((intent) => [intent.recipientId, intent.kind]);

describe('which notifications an event calls for', () => {
  it('a discharge: the GP and the pharmacist it names, then the care circle, each once', () => {
    expect(recipients(discharge({ gpMemberId: 'gp-hospital', pharmacistMemberId: 'pharmacist' }))).toEqual([
      ['gp-hospital', 'discharge'],
      ['pharmacist', 'discharge'],
      ['gp', 'discharge'],
      ['nurse', 'discharge'],
    ]);
  });
  it('a discharge of a patient with no circle and no one named: nobody', () => {
    expect(recipients(discharge(), { ...context, circle: [] })).toEqual([]);
  });
  it('never the author of the event, never a member the patient blocked', () => {
    expect(
      recipients(discharge({ gpMemberId: 'gp' }, 'nurse'), { ...context, blocked: ['pharmacist'] }),
    ).toEqual([['gp', 'discharge']]);
  });
  it('a referral: its recipient when a member; nobody for a profession or a structure', () => {
    const referral = (to: Record<string, string>): SourceEvent => ({
      type: 'PatientReferred',
      eventId: 'e-2',
      actorId: 'gp',
      data: { referralId: 'r-2', fromMemberId: 'gp', to, reason: 'x', urgency: '24h', referredAt: 'x' },
    });
    expect(recipients(referral({ memberId: 'kine' }))).toEqual([['kine', 'referral']]);
    expect(recipients(referral({ profession: 'infirmier' }))).toEqual([]);
  });
  it('an answer to a referral (accepted, declined, completed): its sender', () => {
    for (const type of ['ReferralAccepted', 'ReferralDeclined', 'ReferralCompleted']) {
      expect(recipients({ type, eventId: 'e-3', actorId: 'kine', data: { referralId: 'r-1' } })).toEqual([
        ['gp', 'referral-answer'],
      ]);
    }
    expect(
      recipients({ type: 'ReferralAccepted', eventId: 'e-3', actorId: 'kine', data: { referralId: 'r-9' } }),
    ).toEqual([]);
  });
  it('any other event: nothing', () => {
    expect(recipients({ type: 'FollowUpCompleted', eventId: 'e-4', actorId: 'x', data: {} })).toEqual([]);
    expect(recipients({ type: 'CareTeamMemberAdded', eventId: 'e-5', actorId: 'x', data: {} })).toEqual([]);
  });
});
