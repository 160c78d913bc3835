/**
 * The pseudonymised feed (`GET …/exports/events.ndjson`) over real HTTP, on a store of ~200 000 events
 * written straight into DATA_DIR: its answers to bad input, resumption by position with the trailer, and
 * the API's memory held flat while it streams the whole feed to a client that stops reading for a while.
 */
import { readFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type NewEvent, SqliteEventStore } from '@parcours/event-store';
import { call, type RunningApi, startApi, tempDataDir } from '../../../../test/support/api-process';
import { token } from '../../../../test/support/tenant';

const CPTS = 'cpts-feed';
// Its streams start with this CPTS's prefixes (`cpts-cpts-feed`, `pathway-cpts-feed…`): never in its feed.
const NEIGHBOUR = 'cpts-feed-2';
const PATHWAYS = 20_000;
/** One pathway of the neighbour every so many of this CPTS's. */
const NEIGHBOUR_EVERY = 5000;
/** Events per pathway, plus the CPTS's registration. */
const PER_PATHWAY = 10;
const EVENTS = 1 + PATHWAYS * PER_PATHWAY;

const id = (prefix: number, i: number) => `${prefix}0000000-0000-7000-8000-${String(i).padStart(12, '0')}`;

function pathwayEvents(cptsId: string, i: number): NewEvent[] {
  const metadata = {
    cptsId,
    actor: { id: 'dr.claire.petit@example.org', role: 'professional' as const },
    correlationId: 'c',
    causationId: 'c',
    source: 'api' as const,
  };
  const e = (type: string, data: Record<string, unknown>): NewEvent => ({ type, data, metadata });
  const ref = id(2, i);
  return [
    e('PathwayOpened', {
      patientId: id(1, i),
      kind: 'bpco',
      openedAt: '2025-03-06T10:00:00+01:00',
      reason: 'Essoufflement de Mme Martin',
    }),
    e('PatientReferred', {
      referralId: ref,
      fromMemberId: id(3, 0),
      to: { profession: 'infirmier', structure: 'Cabinet Roux' },
      reason: 'Soins',
      urgency: '24h',
      referredAt: '2025-03-06T11:00:00+01:00',
    }),
    e('ReferralAccepted', { referralId: ref, acceptedAt: '2025-03-06T12:00:00+01:00' }),
    e('DischargeNotified', {
      dischargeId: ref,
      hospital: { name: 'CHU Lyon Sud', finess: '690000000' },
      dischargeAt: '2025-03-07T10:00:00+01:00',
      notifiedAt: '2025-03-05T10:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: ['infirmier'],
    }),
    e('MedicationReconciliationSent', {
      dischargeId: ref,
      toMemberId: id(3, 1),
      sentAt: '2025-03-07T18:00:00+01:00',
    }),
    e('FollowUpCompleted', {
      dischargeId: ref,
      byMemberId: id(3, 2),
      at: '2025-03-10T10:00:00+01:00',
      kind: 'consultation',
    }),
    e('ReferralCompleted', { referralId: ref, completedAt: '2025-03-08T12:00:00+01:00' }),
    e('PathwayClosed', { closedAt: '2025-03-20T10:00:00+01:00', outcome: 'termine' }),
    e('PathwayReopened', { reopenedAt: '2025-03-21T10:00:00+01:00', reason: 'Rechute' }),
    e('PathwayClosed', { closedAt: '2025-03-22T10:00:00+01:00', outcome: 'termine' }),
  ];
}

/** The store of DATA_DIR, written directly (appends of 500 streams at a time, one transaction each). */
async function writeStore(dataDir: string): Promise<void> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db'), synchronous: 'NORMAL' });
  const register = (cptsId: string) =>
    store.append(`cpts-${cptsId}`, [
      {
        type: 'CptsRegistered',
        data: { name: cptsId, population: 60_000, communes: ['69123'] },
        metadata: {
          cptsId,
          actor: { id: 'setup', role: 'platform-admin' },
          correlationId: 's',
          causationId: 's',
          source: 'cli',
        },
      },
    ]);
  await register(CPTS);
  await register(NEIGHBOUR);
  for (let start = 0; start < PATHWAYS; start += 500) {
    const appends: Array<Promise<unknown>> = [];
    for (let i = start; i < start + 500; i += 1) {
      appends.push(store.append(`pathway-${CPTS}.${id(4, i)}`, pathwayEvents(CPTS, i)));
    }
    if (start % NEIGHBOUR_EVERY === 0)
      appends.push(store.append(`pathway-${NEIGHBOUR}.${id(5, start)}`, pathwayEvents(NEIGHBOUR, start)));
    await Promise.all(appends);
  }
  await store.close();
}

/** Resident memory of a process, in MiB (`/proc/<pid>/status`, VmRSS). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

function open(url: string, bearer: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    get(url, { headers: { authorization: `Bearer ${bearer}` } }, resolve).on('error', reject),
  );
}

/** The whole body as lines, and the trailers. */
async function readAll(url: string, bearer: string) {
  const response = await open(url, bearer);
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return {
    status: response.statusCode,
    headers: response.headers,
    trailers: response.trailers,
    lines: text === '' ? [] : text.trimEnd().split('\n'),
  };
}

describe('the pseudonymised event feed over HTTP', () => {
  const dataDir = tempDataDir();
  let api: RunningApi;
  let analyst: string;
  const feed = (query: string) => `${api.url}/api/v1/cpts/${CPTS}/exports/events.ndjson${query}`;

  beforeAll(async () => {
    await writeStore(dataDir);
    // The projections would read the same log at the same time: off, so that the export is alone.
    api = await startApi({ DATA_DIR: dataDir, PROJECTIONS: 'off' });
    analyst = await token(api.url, CPTS, 'analyst');
  }, 60_000);
  afterAll(() => api?.dispose());

  it('refuses a bad position or limit with a problem naming the field, and another CPTS’s analyst with a 404', async () => {
    const bad = await call(feed('?after=-1&limit=0'), { token: analyst });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['after', 'limit']);
    const unknown = await call(feed('?cursor=3'), { token: analyst });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['cursor']);
    const neighbour = await call(feed(''), { token: await token(api.url, NEIGHBOUR, 'analyst') });
    expect(neighbour.status).toBe(404);
  });

  it('resumes after a position (exclusive) with the trailer’s position, with nothing repeated or skipped', async () => {
    const whole = await readAll(feed('?limit=1500'), analyst);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(whole.headers['parcours-feed-schema']).toBe('2');
    expect(whole.lines).toHaveLength(1500);

    const first = await readAll(feed('?limit=700'), analyst);
    const next = first.trailers['parcours-next-position'];
    expect(next).toBe(JSON.parse(first.lines[699]).position);
    const rest = await readAll(feed(`?after=${next}&limit=800`), analyst);
    expect([...first.lines, ...rest.lines]).toEqual(whole.lines);
    expect(rest.trailers['parcours-next-position']).toBe(JSON.parse(whole.lines[1499]).position);

    const registration = JSON.parse(whole.lines[0]);
    expect(registration).toMatchObject({
      type: 'CptsRegistered',
      category: 'cpts',
      entity: CPTS,
      data: { population: 60_000 },
    });
    const opened = JSON.parse(whole.lines[1]);
    expect(opened.data).toEqual({
      patientId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'bpco',
      openedAt: '2025-03-06T10:00:00+01:00',
    });
    expect(whole.lines.join('\n')).not.toMatch(
      /Martin|Roux|CHU Lyon|claire|Rechute|cpts-feed-2|10000000-0000/,
    );
  });

  it('streams the whole feed with the API’s memory flat, even while the client stops reading', async () => {
    const pid = api.child.pid!;
    const response = await open(feed(''), analyst);
    expect(response.statusCode).toBe(200);
    let lines = 0;
    let bytes = 0;
    let baseline = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      if (baseline > 0) peak = Math.max(peak, rssMiB(pid));
    }, 50);
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        if (baseline === 0 && lines >= EVENTS / 10) {
          // Warmed up (a tenth of the feed out): from here on the process may not grow with the export.
          baseline = rssMiB(pid);
          // A client that stops reading for a while: the API must wait for it, not buffer the rest.
          await new Promise((resolve) => setTimeout(resolve, 1500));
        }
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssMiB(pid));
    expect(lines).toBe(EVENTS);
    // The log's head: the neighbour's events are behind the client too.
    const head = EVENTS + 1 + (PATHWAYS / NEIGHBOUR_EVERY) * PER_PATHWAY;
    expect(response.trailers['parcours-next-position']).toBe(String(head));
    // The body is ~80 MiB: holding it, or the events behind it, would show several times over; what is
    // left is the collector's ordinary sway (a few MiB).
    expect(bytes / 2 ** 20).toBeGreaterThan(60);
    expect(Math.round(peak - baseline)).toBeLessThan(25);
  }, 60_000);
});
