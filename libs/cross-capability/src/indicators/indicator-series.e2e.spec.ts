/**
 * The monthly series as JSON (`GET …/indicators/series`) over real HTTP, on the demo CPTS: each month's
 * figures are those of `GET …/indicators` for that month, `asOf` gives the figures as they were known
 * then, and a bad period is a 400 naming the parameter.
 */
import { call } from '../../../../test/support/api-process';
import { type DemoApi, startDemoApi } from '../../../../test/support/demo-store';
import { token } from '../../../../test/support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-demo';

interface Figure {
  code: string;
  mission: string | null;
  value: number | null;
  numerator?: number;
  denominator?: number;
  breakdown?: Record<string, number>;
}

interface Series {
  cptsId: string;
  from: string;
  to: string;
  asOf?: string;
  position: string;
  months: Array<{ from: string; to: string; indicators: Figure[] }>;
}

/** `YYYY-MM-DD` + n calendar months (the first of a month stays the first). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

describe('the monthly indicator series over HTTP', () => {
  let api: DemoApi;
  let analyst: string;
  let tenant: string;
  /** The demo's last month: `[from, to)` covers the 12 months it holds. */
  let from: string;
  let to: string;

  const get = (path: string) => call(`${tenant}${path}`, { token: analyst });

  beforeAll(async () => {
    api = await startDemoApi();
    // The seed's last day: its year of activity ends there.
    const { until } = api;
    to = addMonths(`${until.slice(0, 7)}-01`, 1);
    from = addMonths(to, -12);
    analyst = await token(api.url, CPTS, 'analyst', 'analyst-1');
    tenant = `${api.url}/api/v1/cpts/${CPTS}`;
  });

  afterAll(async () => {
    await api?.dispose();
  });

  const series = async (query: string): Promise<Series> => {
    const response = await get(`/indicators/series?${query}`);
    expect(response.status).toBe(200);
    return response.body as Series;
  };

  /** The series' months must equal `GET …/indicators` asked month by month. */
  const expectMonthsMatchFigures = async (body: Series, asOf?: string) => {
    for (const month of body.months) {
      const single = await get(
        `/indicators?from=${month.from}&to=${month.to}${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`,
      );
      expect(single.status).toBe(200);
      expect({ month: month.from, indicators: month.indicators }).toEqual({
        month: month.from,
        indicators: single.body.indicators,
      });
    }
  };

  it('cuts the period by calendar month, each month with the figures of GET …/indicators', async () => {
    const body = await series(`from=${from}&to=${to}`);
    expect(body).toMatchObject({ cptsId: CPTS, from, to });
    expect(body.asOf).toBeUndefined();
    expect(body.position).toMatch(/^\d+$/);
    expect(body.months).toHaveLength(12);
    expect(body.months[0].from).toBe(from);
    expect(body.months.at(-1)?.to).toBe(to);
    for (const [i, month] of body.months.entries()) {
      expect(month.indicators).toHaveLength(27);
      if (i > 0) expect(month.from).toBe(body.months[i - 1].to);
    }
    await expectMonthsMatchFigures(body);
    // The demo has activity in most months: the series is not a row of zeros.
    const discharges = body.months.map(
      (month) => month.indicators.find((f) => f.code === 'parcours.sorties')?.value ?? 0,
    );
    expect(discharges.filter((n) => n > 0).length).toBeGreaterThan(6);
  });

  it('keeps partial first and last months as asked', async () => {
    const body = await series(
      `from=${addMonths(from, 1).slice(0, 8)}15&to=${addMonths(from, 3).slice(0, 8)}10`,
    );
    expect(body.months.map((m) => [m.from, m.to])).toEqual([
      [`${addMonths(from, 1).slice(0, 8)}15`, addMonths(from, 2)],
      [addMonths(from, 2), addMonths(from, 3)],
      [addMonths(from, 3), `${addMonths(from, 3).slice(0, 8)}10`],
    ]);
    await expectMonthsMatchFigures(body);
  });

  it('gives the figures as known at asOf', async () => {
    // An instant in the middle of the seed: some events were recorded by then, others not yet.
    const drill = await get(`/indicators/parcours.ouverts/events?from=${from}&to=${to}`);
    expect(drill.status).toBe(200);
    const recorded = (drill.body.events as Array<{ recordedAt: string }>).map((e) => e.recordedAt).sort();
    const asOf = recorded[Math.floor(recorded.length / 2)];

    const now = await series(`from=${from}&to=${to}`);
    const then = await series(`from=${from}&to=${to}&asOf=${encodeURIComponent(asOf)}`);
    expect(then.asOf).toBe(asOf);
    await expectMonthsMatchFigures(then, asOf);
    const opened = (body: Series) =>
      body.months.reduce(
        (sum, month) => sum + (month.indicators.find((f) => f.code === 'parcours.ouverts')?.value ?? 0),
        0,
      );
    expect(opened(then)).toBeGreaterThan(0);
    expect(opened(then)).toBeLessThan(opened(now));

    // Before the seed ran nothing was known: every count is 0 and every rate has nothing to measure.
    const before = await series(`from=${from}&to=${to}&asOf=2000-01-01T00:00:00Z`);
    for (const month of before.months) {
      for (const figure of month.indicators) {
        expect([figure.code, figure.value === 0 || figure.value === null]).toEqual([figure.code, true]);
      }
    }
  });

  it('refuses a bad period with a 400 naming the parameter, like the CSV export', async () => {
    const expectBad = async (query: string, path: string) => {
      const response = await get(`/indicators/series?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await expectBad(`to=${to}`, 'from');
    await expectBad(`from=${from}`, 'to');
    await expectBad(`from=2025-02-30&to=${to}`, 'from');
    await expectBad(`from=${to}&to=${from}`, 'to');
    await expectBad(`from=${from}&to=${to}&asOf=yesterday`, 'asOf');
    await expectBad('from=2000-01-01&to=2025-01-01', 'to');
  });

  it('is for the readers of indicators only', async () => {
    const professional = await token(api.url, CPTS, 'professional');
    const query = `from=${from}&to=${to}`;
    expect((await call(`${tenant}/indicators/series?${query}`, { token: professional })).status).toBe(403);
    expect((await call(`${tenant}/indicators/series?${query}`)).status).toBe(401);
    const coordinator = await token(api.url, CPTS, 'coordinator');
    expect((await call(`${tenant}/indicators/series?${query}`, { token: coordinator })).status).toBe(200);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await call(`${api.url}/api/docs-json`);
    const path = doc.body.paths['/api/v1/cpts/{cptsId}/indicators/series'];
    expect(path?.get).toBeDefined();
    const parameters = (path.get.parameters as Array<{ name: string }>).map((p) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['cptsId', 'from', 'to', 'asOf']));
  });
});
