/**
 * The analytics job against the built API serving the demo CPTS, as an analytics team runs it: over HTTP
 * with an analyst's token, into a directory of its own. Its SQL gives the API's figures for every
 * indicator; the feed it reads holds no identity; running it again adds nothing; a run resumed from its
 * checkpoint ends where a single run does. And the CLI's exports, from the server's DATA_DIR, agree with
 * what the API serves.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyticsDataset } from '../../apps/analytics/src/dataset';
import { call, ROOT, runCli, type RunningApi, tempDataDir } from '../support/api-process';
import { startDemoApi } from '../support/demo-store';
import { token } from '../support/tenant';

const DEMO = 'cpts-demo';
const ANALYTICS_MAIN = join(ROOT, 'dist/apps/analytics/src/main.js');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an assertion until it holds (read models catching up), failing with its last error. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/** `YYYY-MM-DD` + n months (the first of a month stays the first). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

interface JobRun {
  status: number | null;
  stdout: string;
  stderr: string;
  report: {
    added: number;
    pages: number;
    position: string;
    more: boolean;
    parquet: string | null;
    events: number;
  };
}

describe('the analytics job on the demo CPTS', () => {
  let api: RunningApi;
  let analyst: string;
  let coordinator: string;
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };

  const runJob = (out: string, args: string[] = []): JobRun => {
    const result = spawnSync(
      process.execPath,
      [ANALYTICS_MAIN, '--api-url', api.url, '--cpts', DEMO, '--out', out, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PARCOURS_TOKEN: analyst },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const line = result.stdout.trim().split('\n').pop() ?? '';
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      report: line.startsWith('{') ? JSON.parse(line) : (undefined as never),
    };
  };

  /** The dataset's events and what its Parquet files hold, in log order, as plain JSON. */
  async function contents(dir: string) {
    const dataset = await AnalyticsDataset.open(dir, { readOnly: true });
    try {
      const events = await dataset.rows(
        `SELECT position::VARCHAR AS position, event_id, type, category, entity, revision,
                recorded_at::VARCHAR AS recorded_at, source, schema_version, actor_role, data::VARCHAR AS data
         FROM events ORDER BY position`,
      );
      const parquet = await dataset.rows(
        `SELECT position::VARCHAR AS position, event_id, type, category, entity, revision,
                recorded_at::VARCHAR AS recorded_at, source, schema_version, actor_role, data::VARCHAR AS data
         FROM read_parquet('${join(dir, 'events', '*.parquet')}') ORDER BY position`,
      );
      const [state] = await dataset.rows<{ position: string }>(
        'SELECT position::VARCHAR AS position FROM feed_state',
      );
      return { events, parquet, checkpoint: state.position };
    } finally {
      dataset.close();
    }
  }

  let full: string;
  let firstRun: JobRun;

  beforeAll(async () => {
    api = await startDemoApi();
    analyst = await token(api.url, DEMO, 'analyst');
    coordinator = await token(api.url, DEMO, 'coordinator');
    full = newDir();
    firstRun = runJob(full);
  }, 120_000);

  afterAll(async () => {
    await api?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('brings the whole feed into DuckDB and one Parquet file', async () => {
    expect({ status: firstRun.status, stderr: firstRun.stderr }).toMatchObject({ status: 0 });
    expect(firstRun.report).toMatchObject({ more: false, parquet: 'events/part-000001.parquet' });
    expect(firstRun.report.added).toBeGreaterThan(4000);
    expect(firstRun.report.events).toBe(firstRun.report.added);
    const { events, parquet, checkpoint } = await contents(full);
    expect(events).toHaveLength(firstRun.report.added);
    expect(parquet).toEqual(events);
    expect(checkpoint).toBe(firstRun.report.position);
  });

  it('reproduces the API’s figures for every indicator, for a year, each of its months and all time', async () => {
    const to = `${new Date().toISOString().slice(0, 7)}-01`;
    const year = { from: addMonths(to, -12), to };
    const periods = [
      year,
      ...Array.from({ length: 12 }, (_, i) => ({
        from: addMonths(year.from, i),
        to: addMonths(year.from, i + 1),
      })),
      { from: '2015-01-01', to: '2035-01-01' },
    ];
    const dataset = await AnalyticsDataset.open(full, { readOnly: true });
    try {
      for (const { from, to: end } of periods) {
        let expected: unknown[] = [];
        // The indicators' read model catches up with the log in the background: wait until it includes it.
        await eventually(async () => {
          const api_ = await call(
            `${api.url}/api/v1/cpts/${DEMO}/indicators?from=${from}&to=${end}&consistentWith=${firstRun.report.position}`,
            { token: analyst },
          );
          expect(api_.status).toBe(200);
          expected = api_.body.indicators;
        });
        const mine = await dataset.indicators(from, end);
        expect(mine.map((f) => f.code)).toEqual(expected.map((f) => (f as { code: string }).code));
        for (const [i, figure] of mine.entries())
          expect({ from, to: end, ...figure }).toEqual({ from, to: end, ...(expected[i] as object) });
      }
    } finally {
      dataset.close();
    }
    // The command an analyst types gives the same as the dataset's macros.
    const command = spawnSync(
      process.execPath,
      [ANALYTICS_MAIN, 'indicators', '--out', full, '--from', year.from, '--to', year.to],
      { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 30_000 },
    );
    expect(command.status).toBe(0);
    const printed = JSON.parse(command.stdout);
    const fromApi = await call(`${api.url}/api/v1/cpts/${DEMO}/indicators?from=${year.from}&to=${year.to}`, {
      token: analyst,
    });
    expect(printed.indicators).toEqual(fromApi.body.indicators);
  }, 60_000);

  it('never carries an identity: no name, birth date, INS or patient id of the demo, nor a member’s name', async () => {
    const feed = await call(`${api.url}/api/v1/cpts/${DEMO}/exports/events.ndjson`, { token: analyst });
    expect(feed.status).toBe(200);
    const text = feed.text;

    // Every patient, then each identity as a coordinator reads it.
    const ids: string[] = [];
    await eventually(async () => {
      ids.length = 0;
      let after: string | undefined;
      do {
        const page = await call(
          `${api.url}/api/v1/cpts/${DEMO}/patients?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`,
          { token: coordinator },
        );
        expect(page.status).toBe(200);
        ids.push(...page.body.items.map((p: { id: string }) => p.id));
        after = page.body.nextAfter ?? undefined;
      } while (after);
      expect(ids.length).toBe(700);
    });
    const identities: Array<{ familyName: string; givenName: string; birthDate: string; ins?: string }> = [];
    for (const id of ids) {
      const patient = await call(`${api.url}/api/v1/cpts/${DEMO}/patients/${id}`, { token: coordinator });
      expect(patient.status).toBe(200);
      identities.push(patient.body.identity);
    }
    expect(identities.filter((i) => i?.ins).length).toBeGreaterThan(500);

    const leaks: string[] = [];
    const word = (value: string) =>
      new RegExp(
        `(^|[^\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`,
        'u',
      );
    for (const id of ids) if (text.includes(id)) leaks.push(`patient id ${id}`);
    for (const identity of identities) {
      for (const name of [identity.familyName, identity.givenName])
        if (word(name).test(text)) leaks.push(`name ${name}`);
      if (identity.ins && text.includes(identity.ins)) leaks.push(`INS ${identity.ins}`);
    }
    // Birth dates look like business dates: none may stand where anything but a business date is kept.
    const birthDates = new Set(identities.map((i) => i.birthDate));
    const dateFields = /(On|At|From|To)$|^(on|at|from|to)$/;
    const walk = (value: unknown, key: string, where: string) => {
      if (typeof value === 'string' && birthDates.has(value) && !dateFields.test(key))
        leaks.push(`birth date in ${where}`);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, k, `${where}.${k}`);
    };
    for (const line of text.trimEnd().split('\n')) {
      const event = JSON.parse(line);
      walk(event.data, '', event.type);
      for (const key of [
        'identity',
        'familyName',
        'givenName',
        'birthDate',
        'ins',
        'displayName',
        'rpps',
        'commune',
      ]) {
        if (line.includes(`"${key}"`)) leaks.push(`field ${key} in ${event.type}`);
      }
    }
    const members = await call(`${api.url}/api/v1/cpts/${DEMO}/members`, { token: coordinator });
    expect(members.body.items.length).toBeGreaterThan(100);
    for (const member of members.body.items as Array<{ displayName: string; rpps?: string }>) {
      if (text.includes(member.displayName)) leaks.push(`member ${member.displayName}`);
      if (member.rpps && text.includes(member.rpps)) leaks.push(`RPPS ${member.rpps}`);
    }
    expect(leaks).toEqual([]);
  }, 60_000);

  it('adds nothing when run again with nothing new', async () => {
    const before = await contents(full);
    const again = runJob(full);
    expect(again.status).toBe(0);
    expect(again.report).toMatchObject({
      added: 0,
      parquet: null,
      position: firstRun.report.position,
      events: before.events.length,
    });
    expect(readdirSync(join(full, 'events'))).toEqual(['part-000001.parquet']);
    expect(await contents(full)).toEqual(before);
  });

  it('ends, resumed from its checkpoint after a partial run, exactly where a single run ends', async () => {
    const resumed = newDir();
    const partial = runJob(resumed, ['--page-size', '1000', '--max-pages', '2']);
    expect(partial.status).toBe(0);
    expect(partial.report).toMatchObject({
      added: 2000,
      pages: 2,
      more: true,
      parquet: 'events/part-000001.parquet',
    });
    const rest = runJob(resumed, ['--page-size', '1000']);
    expect(rest.status).toBe(0);
    expect(rest.report).toMatchObject({
      added: firstRun.report.added - 2000,
      more: false,
      parquet: 'events/part-000002.parquet',
    });
    expect(await contents(resumed)).toEqual(await contents(full));
  });

  it('refuses to run without a token, with a bad URL, or on another CPTS’s dataset', () => {
    const noToken = spawnSync(
      process.execPath,
      [ANALYTICS_MAIN, '--api-url', api.url, '--cpts', DEMO, '--out', newDir()],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      },
    );
    expect({ status: noToken.status, stderr: noToken.stderr }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/PARCOURS_TOKEN/),
    });
    const badUrl = runJob(newDir(), ['--api-url', 'ftp://example']);
    expect(badUrl.status).toBe(2);
    const other = spawnSync(
      process.execPath,
      [ANALYTICS_MAIN, '--api-url', api.url, '--cpts', 'cpts-other', '--out', full],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PARCOURS_TOKEN: analyst },
        encoding: 'utf8',
      },
    );
    expect({ status: other.status, stderr: other.stderr }).toEqual({
      status: 1,
      stderr: expect.stringMatching(/cpts-demo, not of cpts-other/),
    });
  });

  it('is refused by the API with a token that is not an analyst’s (nothing written)', () => {
    const out = newDir();
    const result = spawnSync(
      process.execPath,
      [ANALYTICS_MAIN, '--api-url', api.url, '--cpts', DEMO, '--out', out],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PARCOURS_TOKEN: 'not-a-token' },
        encoding: 'utf8',
      },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: expect.stringMatching(/HTTP 401/),
    });
  });

  describe('the CLI’s exports, from the server’s DATA_DIR', () => {
    it('export events gives the API’s feed, line for line (the same pseudonyms)', async () => {
      const file = join(newDir(), 'events.ndjson');
      const cli = runCli(['export', 'events', '--cpts', DEMO, '--out', file], { DATA_DIR: api.dataDir });
      expect({ status: cli.status, stderr: cli.stderr }).toEqual({
        status: 0,
        stderr: expect.stringMatching(new RegExp(`next position ${firstRun.report.position}`)),
      });
      const feed = await call(`${api.url}/api/v1/cpts/${DEMO}/exports/events.ndjson`, { token: analyst });
      expect(readFileSync(file, 'utf8')).toEqual(feed.text);
    });

    it('export indicators gives the monthly figures of the API as an RFC 4180 CSV with a header', async () => {
      const to = `${new Date().toISOString().slice(0, 7)}-01`;
      const from = addMonths(to, -3);
      const cli = runCli(['export', 'indicators', '--cpts', DEMO, '--from', from, '--to', to], {
        DATA_DIR: api.dataDir,
      });
      expect(cli.status).toBe(0);
      const series = await call(`${api.url}/api/v1/cpts/${DEMO}/indicators/series?from=${from}&to=${to}`, {
        token: analyst,
      });
      const csv = (value: string | number | object | null | undefined) => {
        if (value === undefined || value === null) return '';
        const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      };
      const expected = [
        'from,to,code,mission,value,numerator,denominator,breakdown',
        ...series.body.months.flatMap(
          (month: {
            from: string;
            to: string;
            indicators: Array<Record<string, string | number | object | null | undefined>>;
          }) =>
            month.indicators.map((f) =>
              [month.from, month.to, f.code, f.mission, f.value, f.numerator, f.denominator, f.breakdown]
                .map(csv)
                .join(','),
            ),
        ),
      ];
      expect(cli.stdout).toBe(`${expected.join('\r\n')}\r\n`);
    });

    it('export financing lists each line of each contract year as the API computes it', async () => {
      const cli = runCli(['export', 'financing', '--cpts', DEMO, '--contract-year', '1'], {
        DATA_DIR: api.dataDir,
      });
      expect(cli.status).toBe(0);
      const financing = await call(`${api.url}/api/v1/cpts/${DEMO}/financing?contractYear=1`, {
        token: analyst,
      });
      expect(financing.status).toBe(200);
      const [header, ...records] = cli.stdout.trimEnd().split('\r\n');
      expect(header).toBe('contract_year,period_from,period_to,size_class,mission,part,amount,basis');
      const { lines, total, advance, balance, period, sizeClass } = financing.body;
      expect(records).toHaveLength(lines.length + 3);
      const amounts = records.map((record) => {
        const [year, from, to, size, mission, part, amount] = record.split(',');
        return { year, from, to, size, mission, part, amount: Number(amount) };
      });
      expect(amounts.slice(0, lines.length)).toEqual(
        lines.map((line: { mission?: string; part: string; amount: number }) => ({
          year: '1',
          from: period.from,
          to: period.to,
          size: String(sizeClass),
          mission: line.mission ?? '',
          part: line.part,
          amount: line.amount,
        })),
      );
      expect(amounts.slice(lines.length).map((a) => [a.part, a.amount])).toEqual([
        ['total', total],
        ['advance', advance],
        ['balance', balance],
      ]);
    });
  });
});
