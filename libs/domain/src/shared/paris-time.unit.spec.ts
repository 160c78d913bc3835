import fc from 'fast-check';
import {
  addDays,
  addMonths,
  ageInMonths,
  businessDay,
  deadline,
  instantOf,
  monthsOf,
  parisDate,
  parisDayStart,
  parisOffset,
  parisTimestamp,
} from './paris-time';

const ms = (iso: string) => Date.parse(iso);

describe('Paris calendar arithmetic', () => {
  it('puts a timestamp on its Paris day, both sides of midnight, winter and summer', () => {
    expect(businessDay('2026-01-31T23:30:00+01:00')).toBe('2026-01-31');
    expect(businessDay('2026-01-31T23:30:00Z')).toBe('2026-02-01'); // 00:30 in Paris
    expect(businessDay('2026-02-01T00:30:00+01:00')).toBe('2026-02-01'); // still 31 Jan in UTC
    expect(businessDay('2026-06-30T21:59:59Z')).toBe('2026-06-30'); // 23:59:59 CEST
    expect(businessDay('2026-06-30T22:00:00Z')).toBe('2026-07-01'); // midnight CEST
    expect(businessDay('2026-03-29T00:59:59Z')).toBe('2026-03-29'); // 01:59:59 CET, before the change
    expect(businessDay('2026-03-29T21:59:59Z')).toBe('2026-03-29'); // 23:59:59 CEST
    expect(businessDay('2026-10-25T22:59:59Z')).toBe('2026-10-25'); // 23:59:59 CET
    expect(businessDay('2026-10-25T23:00:00Z')).toBe('2026-10-26');
  });

  it('keeps dates as they are, and refuses what is not a time', () => {
    expect(businessDay('2026-02-29')).toBe('2026-02-29');
    expect(businessDay('nonsense')).toBeNull();
    expect(businessDay(42)).toBeNull();
    expect(instantOf('2026-02-01')).toBeNull();
    expect(instantOf('2026-02-01T00:00:00Z')).toBe(ms('2026-02-01T00:00:00Z'));
  });

  it('adds calendar days and months', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addMonths('2027-01-01', -12)).toBe('2026-01-01');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  });

  it.each([
    // 27 March 10:00 CET + 7 days = 3 April 10:00 CEST: 167 hours.
    ['2026-03-27T10:00:00+01:00', 7, '2026-04-03T10:00:00+02:00'],
    // 23 October 10:00 CEST + 7 days = 30 October 10:00 CET: 169 hours.
    ['2026-10-23T10:00:00+02:00', 7, '2026-10-30T10:00:00+01:00'],
    ['2025-03-27T10:00:00+01:00', 7, '2025-04-03T10:00:00+02:00'],
    ['2025-10-22T17:30:00+02:00', 7, '2025-10-29T17:30:00+01:00'],
    // 02:30 does not exist on the spring day: one hour later.
    ['2026-03-22T02:30:00+01:00', 7, '2026-03-29T03:30:00+02:00'],
    ['2025-03-23T02:30:00+01:00', 7, '2025-03-30T03:30:00+02:00'],
    // 02:30 happens twice on the autumn day: the earlier instant, whatever the offset of the start.
    ['2026-10-18T02:30:00+02:00', 7, '2026-10-25T02:30:00+02:00'],
    ['2025-10-19T02:30:00+02:00', 7, '2025-10-26T02:30:00+02:00'],
    ['2026-10-11T02:30:00+02:00', 14, '2026-10-25T02:30:00+02:00'],
    ['2026-09-25T02:30:00+02:00', 30, '2026-10-25T02:30:00+02:00'],
  ])('puts %s + %i days on the same Paris wall-clock time: %s', (from, days, due) => {
    expect(parisTimestamp(deadline(from, { days }))).toBe(due);
  });

  it('adds hours as elapsed time, whatever the clocks do', () => {
    // 48 h after Saturday 01:00 CET on the spring day is Monday 02:00 CEST: 49 wall-clock hours.
    expect(parisTimestamp(deadline('2026-03-28T01:00:00+01:00', { hours: 48 }))).toBe(
      '2026-03-30T02:00:00+02:00',
    );
    expect(deadline('2026-05-10T12:00:00+02:00', { days: 7 }) - ms('2026-05-10T12:00:00+02:00')).toBe(
      168 * 3_600_000,
    );
    expect(deadline('not a time', { days: 7 })).toBeNaN();
  });

  it('starts a Paris day at its midnight, both seasons', () => {
    expect(parisDayStart('2026-03-29')).toBe(ms('2026-03-29T00:00:00+01:00'));
    expect(parisDayStart('2026-03-30')).toBe(ms('2026-03-30T00:00:00+02:00'));
    expect(parisDayStart('2026-10-26')).toBe(ms('2026-10-26T00:00:00+01:00'));
    expect(parisDate(ms('2026-10-25T23:30:00+01:00'))).toBe('2026-10-25');
  });

  it('takes an age on the Paris calendar: a birthday starts at midnight in Paris, not in UTC', () => {
    // 00:30 in Paris on 20 May is 22:30 UTC on 19 May.
    expect(ageInMonths('2013-05-20', '2026-05-20T00:30:00+02:00')).toBe(156);
    expect(ageInMonths('2013-05-20', '2026-05-19T23:59:59+02:00')).toBe(155);
    expect(ageInMonths('1960-06-10', '2026-06-10T01:30:00+02:00')).toBe(792);
    expect(ageInMonths('2010-05-20', '2022-05-19T10:00:00+02:00')).toBe(143);
    expect(ageInMonths('2010-05-20', '2022-05-20T10:00:00+02:00')).toBe(144);
  });

  it('cuts a period into calendar months, clipped to it', () => {
    expect(monthsOf('2026-01-01', '2026-04-01')).toEqual([
      { from: '2026-01-01', to: '2026-02-01' },
      { from: '2026-02-01', to: '2026-03-01' },
      { from: '2026-03-01', to: '2026-04-01' },
    ]);
    expect(monthsOf('2026-01-15', '2026-02-10')).toEqual([
      { from: '2026-01-15', to: '2026-02-01' },
      { from: '2026-02-01', to: '2026-02-10' },
    ]);
    expect(monthsOf('2025-12-01', '2026-01-01')).toEqual([{ from: '2025-12-01', to: '2026-01-01' }]);
  });
});

describe('the table of Paris offsets', () => {
  const intl = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  /** The offset as Intl states it, asked directly. */
  const offsetOf = (ms: number): number => {
    const p = Object.fromEntries(
      intl
        .formatToParts(new Date(ms))
        .filter((x) => x.type !== 'literal')
        .map((x) => [x.type, Number(x.value)]),
    );
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };

  it('changes at the very hour the clocks do, spring and autumn', () => {
    const spring = Date.parse('2026-03-29T01:00:00Z');
    const autumn = Date.parse('2026-10-25T01:00:00Z');
    expect(parisOffset(spring - 1)).toBe(3_600_000);
    expect(parisOffset(spring)).toBe(7_200_000);
    expect(parisOffset(autumn - 1)).toBe(7_200_000);
    expect(parisOffset(autumn)).toBe(3_600_000);
  });

  it('agrees with the IANA rules at any instant from 1970 to 2100 (years of other rules included)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.parse('2100-01-01T00:00:00Z') }), (ms) => {
        expect(parisOffset(ms)).toBe(offsetOf(ms));
      }),
      { numRuns: 2000 },
    );
  });
});
