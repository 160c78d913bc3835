/**
 * Notifications benchmark (`npm run bench:notifications`): the built API records discharges of one
 * patient (GP, pharmacist and one more member in the care circle: three notifications each) from 8
 * concurrent clients; the notifier follows the log meanwhile. Measured, per run:
 *
 * - the delivery rate: notifications delivered per second, from the first discharge sent to the last
 *   notification delivered (`/health` counts them);
 * - the notifier's lag: for each notification, from its discharge's append to its `NotificationDelivered`
 *   (both recorded times, read from the log afterwards): median, p99, max.
 *
 * Prints the table and writes it to the "Notifications" section of docs/benchmarks.md.
 * Knobs: BENCH_EVENTS (discharges per run, default 300), BENCH_RUNS (default 3).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startApi } from './api-process';
import { inTempDir, machineDescription, runsFromEnv, watchOtherLoad, writeSection } from './harness';

const CPTS = 'cpts-bench-notify';
const CLIENTS = 8;

async function post(url: string, token: string | null, body: unknown): Promise<{ id: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`POST ${url} → ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as { id: string };
}

const tokenFor = async (base: string, role: string, cpts: string | null) =>
  (
    (await post(`${base}/api/v1/dev/tokens`, null, {
      role,
      ...(cpts ? { cpts } : {}),
      sub: `bench-${role}`,
    })) as unknown as {
      token: string;
    }
  ).token;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

interface RunResult {
  notifications: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function run(discharges: number): Promise<RunResult> {
  return inTempDir('notify', async (dataDir) => {
    const api = await startApi(dataDir);
    try {
      const base = api.url;
      const admin = await tokenFor(base, 'platform-admin', null);
      await post(`${base}/api/v1/cpts`, admin, { id: CPTS, name: CPTS, population: 50_000 });
      const coordinator = await tokenFor(base, 'coordinator', CPTS);
      const tenant = `${base}/api/v1/cpts/${CPTS}`;
      const member = async (profession: string) =>
        (
          await post(`${tenant}/members`, coordinator, {
            displayName: profession,
            profession,
            mode: 'liberal',
            joinedOn: '2020-01-10',
            sasParticipant: false,
          })
        ).id;
      const [gp, pharmacist, nurse] = [
        await member('medecin-generaliste'),
        await member('pharmacien'),
        await member('infirmier'),
      ];
      const patientId = (
        await post(`${tenant}/patients`, coordinator, {
          identity: { familyName: 'Banc', givenName: 'Essai', birthDate: '1944-05-06' },
          sex: 'F',
          birthYear: 1944,
          ald: true,
          precarious: false,
          hasMedecinTraitant: true,
        })
      ).id;
      await post(`${tenant}/patients/${patientId}/medecin-traitant`, coordinator, {
        memberId: gp,
        assignedOn: '2026-01-05',
      });
      await post(`${tenant}/patients/${patientId}/pharmacien-correspondant`, coordinator, {
        memberId: pharmacist,
        on: '2026-01-05',
      });
      await post(`${tenant}/patients/${patientId}/care-team`, coordinator, {
        memberId: nurse,
        role: 'soins-infirmiers',
        from: '2026-01-06',
      });
      const pathwayId = (
        await post(`${tenant}/pathways`, coordinator, {
          patientId,
          kind: 'sortie-hospitalisation',
          openedAt: '2026-03-01T09:00:00+01:00',
        })
      ).id;

      const expected = discharges * 3;
      const started = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < discharges) {
            next += 1;
            await post(`${tenant}/pathways/${pathwayId}/discharges`, coordinator, {
              hospital: { name: 'CH' },
              dischargeAt: '2026-03-06T17:30:00+01:00',
              notifiedAt: '2026-03-05T11:00:00+01:00',
              treatmentChanged: false,
              complex: false,
              needs: [],
            });
          }
        }),
      );
      for (;;) {
        const health = (await (await fetch(`${base}/health`)).json()) as {
          reactors: Array<{ delivered: number }>;
        };
        if (health.reactors[0].delivered >= expected) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await api.stop();

      const db = new Database(join(dataDir, 'events.db'), { readonly: true });
      const lags = (
        db
          .prepare(
            `SELECT (julianday(json_extract(d.metadata, '$.recordedAt')) - julianday(json_extract(s.metadata, '$.recordedAt'))) * 86400000 AS ms
               FROM events d
               JOIN events r ON r.stream_id = d.stream_id AND r.type = 'NotificationRequested'
               JOIN events s ON json_extract(s.metadata, '$.eventId') = json_extract(r.data, '$.sourceEventId')
              WHERE d.type = 'NotificationDelivered'`,
          )
          .all() as Array<{ ms: number }>
      )
        .map((row) => row.ms)
        .sort((a, b) => a - b);
      db.close();
      return {
        notifications: lags.length,
        seconds,
        perSecond: lags.length / seconds,
        p50: percentile(lags, 0.5),
        p99: percentile(lags, 0.99),
        max: lags[lags.length - 1],
      };
    } catch (error) {
      await api.kill();
      throw error;
    }
  });
}

async function main(): Promise<void> {
  const discharges = Number(process.env.BENCH_EVENTS ?? 300);
  const runs = runsFromEnv(3);
  const otherLoad = watchOtherLoad();
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await run(discharges));
  const median = (pick: (r: RunResult) => number) => {
    const values = results.map(pick).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  const range = (pick: (r: RunResult) => number, digits = 0) => {
    const values = results.map(pick);
    return `${Math.min(...values).toFixed(digits)} – ${Math.max(...values).toFixed(digits)}`;
  };
  const rows = [
    ['notifications per run', `${results[0].notifications}`, '—'],
    ['delivered / s (median)', median((r) => r.perSecond).toFixed(0), range((r) => r.perSecond)],
    ['lag p50 (ms, median)', median((r) => r.p50).toFixed(0), range((r) => r.p50)],
    ['lag p99 (ms, median)', median((r) => r.p99).toFixed(0), range((r) => r.p99)],
    ['lag max (ms, median)', median((r) => r.max).toFixed(0), range((r) => r.max)],
  ];
  const table = [
    '| measure | value | range |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
  const body = `Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}; ${otherLoad().text}.
${runs} runs of ${discharges} discharges from ${CLIENTS} concurrent clients, three notifications each (the GP,
the pharmacist, a member of the care circle), inbox channel; the lag runs from the discharge's append to its
notification's \`NotificationDelivered\`, both as recorded in the log.

${table}`;
  console.log(table);
  writeSection('Notifications', body);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
