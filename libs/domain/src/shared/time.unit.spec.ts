import { type RuleViolation } from './errors';
import { parisDate } from './paris-time';
import { compareBusinessTimes, notBefore, notInFuture, plannedWithinAYear } from './time';

const rule = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as RuleViolation).rule;
  }
};

describe('business time', () => {
  it('reads a calendar date as a Paris day, not as midnight UTC', () => {
    // 00:30 in Paris on 15 June is 22:30 UTC on 14 June: "today" is 15 June and is not the future.
    const justAfterParisMidnight = new Date('2026-06-14T22:30:00Z');
    expect(rule(() => notInFuture('2026-06-15', justAfterParisMidnight, 'on'))).toBeNull();
    expect(rule(() => notInFuture('2026-06-16', justAfterParisMidnight, 'on'))).toBe(
      'business-time-in-future',
    );
  });

  it('allows 5 minutes of clock skew for timestamps, not 6', () => {
    const now = new Date('2026-06-15T10:00:00Z');
    expect(rule(() => notInFuture('2026-06-15T12:04:59+02:00', now, 'at'))).toBeNull();
    expect(rule(() => notInFuture('2026-06-15T12:06:00+02:00', now, 'at'))).toBe('business-time-in-future');
  });

  it('compares a timestamp with a date by the timestamp’s Paris date', () => {
    expect(compareBusinessTimes('2026-03-01T23:30:00Z', '2026-03-02')).toBe(0); // 00:30 on 2 March in Paris
    expect(compareBusinessTimes('2026-03-01T22:30:00Z', '2026-03-02')).toBeLessThan(0);
    expect(
      rule(() => notBefore('2026-03-01T23:30:00Z', '2026-03-02', { fr: 'x', en: 'y' }, 'at')),
    ).toBeNull();
  });

  it('knows Paris dates across the DST changes', () => {
    expect(parisDate('2026-03-28T23:30:00Z')).toBe('2026-03-29'); // UTC+1 before the change
    expect(parisDate('2026-10-24T22:30:00Z')).toBe('2026-10-25'); // UTC+2 before the change
    expect(parisDate('2026-10-25T22:30:00Z')).toBe('2026-10-25'); // UTC+1 after it
  });

  it('lets a planned time lie up to a year ahead, not more', () => {
    const now = new Date('2026-06-15T10:00:00Z');
    expect(rule(() => plannedWithinAYear('2027-06-15T09:00:00+02:00', now, 'appointmentAt'))).toBeNull();
    expect(rule(() => plannedWithinAYear('2027-06-16', now, 'reviewOn'))).toBe('planned-time-too-far');
  });
});
