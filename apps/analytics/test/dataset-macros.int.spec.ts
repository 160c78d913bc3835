import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { rate } from '../../../libs/cross-capability/src/indicators/indicators.reader';
import { businessDay, deadline } from '@parcours/domain';
import { MACROS } from '../src/dataset-schema';

/**
 * The dataset's calendar and rounding macros against the API's own functions: the indicators agree only
 * if a Paris day, "7 days later" across a clock change, and a rate's rounding agree everywhere.
 */
describe('the dataset’s macros', () => {
  let instance: DuckDBInstance;
  let db: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    // The session's time zone must not matter: pick one far from Paris.
    await db.run("SET TimeZone = 'America/Los_Angeles'");
    await db.run(MACROS);
  });
  afterAll(() => {
    db.closeSync();
    instance.closeSync();
  });

  const one = async <T>(sql: string): Promise<T> => (await db.runAndReadAll(sql)).getRowObjectsJS()[0].v as T;

  // Around the clock changes of 2025 and 2026 in Paris (last Sundays of March and October), at 30 minutes.
  const instants = fc
    .record({
      change: fc.constantFrom('2025-03-30', '2025-10-26', '2026-03-29', '2026-10-25'),
      days: fc.integer({ min: -8, max: 1 }),
      minutes: fc.integer({ min: 0, max: 48 * 2 }),
    })
    .map(
      ({ change, days, minutes }) =>
        Date.parse(`${change}T00:00:00Z`) + days * 86_400_000 + minutes * 1_800_000,
    );

  it('paris_day gives the Paris date of a timestamp, whatever its offset, and a date itself', async () => {
    await fc.assert(
      fc.asyncProperty(instants, fc.constantFrom('Z', '+01:00', '+02:00', '-05:00'), async (ms, zone) => {
        const offset =
          zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * Number(zone.slice(1, 3)) * 3_600_000;
        const text = `${new Date(ms + offset).toISOString().slice(0, 19)}${zone}`;
        expect(await one<string>(`SELECT paris_day('${text}')::VARCHAR AS v`)).toBe(businessDay(text));
      }),
      { numRuns: 200 },
    );
    expect(await one<string>("SELECT paris_day('2026-03-29')::VARCHAR AS v")).toBe('2026-03-29');
  });

  it('paris_add_days lands where the API’s deadline does, across every clock change', async () => {
    await fc.assert(
      fc.asyncProperty(instants, fc.constantFrom(1, 7, 14, 30), async (ms, days) => {
        const iso = new Date(ms).toISOString();
        const landed = await one<number>(
          `SELECT epoch_ms(paris_add_days('${iso}'::TIMESTAMPTZ, ${days})) AS v`,
        );
        expect(Number(landed)).toBe(deadline(ms, { days }));
      }),
      { numRuns: 300 },
    );
  });

  it('rate rounds as the API does, and is NULL on an empty denominator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), async (n, d) => {
        const numerator = Math.min(n, d);
        expect(await one<number | null>(`SELECT rate(${numerator}, ${d}) AS v`)).toBe(rate(numerator, d));
      }),
      { numRuns: 300 },
    );
  });

  it('replace_fields replaces whole fields, nested objects included, and clears a field set to null', async () => {
    const corrected = await one<string>(
      `SELECT replace_fields('{"a":1,"to":{"memberId":"m","profession":"infirmier"},"at":"x"}'::JSON,
                             '{"to":{"profession":"kine"},"at":null}'::JSON)::VARCHAR AS v`,
    );
    expect(JSON.parse(corrected)).toEqual({ a: 1, to: { profession: 'kine' } });
  });
});
