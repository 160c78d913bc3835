import type { AccessLogEntry } from './access-log.port';
import { BREAK_GLASS_DURATION_MS, breakGlassUntil } from './care-access';

const entry = (actorId: string, at: string, purpose = 'bris-de-glace:urgence-vitale'): AccessLogEntry => ({
  id: `${actorId}-${at}`,
  at,
  cptsId: 'cpts-a',
  patientId: 'p-1',
  actorId,
  role: 'professional',
  purpose,
  requestId: 'r',
});

describe('emergency access (bris de glace)', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it('opens the record for four hours from the access, to its author only', () => {
    const entries = [entry('nurse', '2026-03-10T10:00:00.000Z')];
    expect(BREAK_GLASS_DURATION_MS).toBe(4 * 60 * 60 * 1000);
    expect(breakGlassUntil(entries, 'nurse', now)).toBe('2026-03-10T14:00:00.000Z');
    expect(breakGlassUntil(entries, 'gp', now)).toBeNull();
  });
  it('is over once the four hours have passed, and the latest access counts', () => {
    expect(breakGlassUntil([entry('nurse', '2026-03-10T08:00:00.000Z')], 'nurse', now)).toBeNull();
    const two = [entry('nurse', '2026-03-10T09:00:00.000Z'), entry('nurse', '2026-03-10T11:30:00.000Z')];
    expect(breakGlassUntil(two, 'nurse', now)).toBe('2026-03-10T15:30:00.000Z');
  });
  it('counts only emergency accesses, not ordinary reads of the identity', () => {
    expect(
      breakGlassUntil([entry('nurse', '2026-03-10T11:00:00.000Z', 'consultation')], 'nurse', now),
    ).toBeNull();
  });
});
