import { IdSource } from '../shared/ids';
import { parisDate } from '../shared/time';
import type { CommandMeta } from '../shared/command-runner';
import { endOfParisDay, parisInstant, parisTimestamp } from './calendar';
import { buildDemoPlan } from './demo-plan';
import type { DemoPlan } from './plan';

/** The demo's plan without a store: deterministic, the right size, and nothing after its last day. */

const meta: CommandMeta = {
  cptsId: 'cpts-demo',
  actor: { id: 'system:demo', role: 'system' },
  correlationId: 'test',
  commandId: 'test',
  source: 'demo',
  ids: new IdSource('cpts-demo', 'test'),
  now: new Date('2030-01-01T00:00:00Z'),
};

/** Every command of the plan as `{ n, label, body }`, the body being what the command carries but meta. */
function commands(plan: DemoPlan) {
  return plan.phases.flatMap((phase) =>
    phase.tasks.flatMap((task) =>
      task.map((step) => {
        const { meta: _meta, ...body } = step.command(meta) as { meta: CommandMeta };
        return { n: step.n, label: step.label, body };
      }),
    ),
  );
}

/** Fields that say when something happened (planned ones — appointments, reviews, an internship's end — may come later). */
// prettier-ignore
const HAPPENED = new Set([
  'openedAt', 'referredAt', 'acceptedAt', 'declinedAt', 'completedAt', 'notifiedAt', 'dischargeAt', 'admittedAt',
  'sentAt', 'at', 'appliedAt', 'mtInformedAt', 'closedAt', 'reopenedAt', 'heldAt', 'receivedAt', 'heldOn', 'on',
  'registeredOn', 'assignedOn', 'joinedOn', 'leftOn', 'signedOn', 'trainedOn', 'startedOn', 'declaredOn', 'endedOn',
  'from',
]);

function times(value: unknown, out: Array<[string, string]> = [], key = ''): Array<[string, string]> {
  if (typeof value === 'string' && HAPPENED.has(key)) out.push([key, value]);
  else if (Array.isArray(value)) value.forEach((item) => times(item, out, key));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) times(v, out, k);
  }
  return out;
}

describe('demo plan', () => {
  const options = { cptsId: 'cpts-demo', seed: 7, until: '2026-06-30' };
  const built = buildDemoPlan(options);
  const all = commands(built.plan);

  it('is the same for the same seed and year, and another for another seed', () => {
    // Compared as JSON: a deep equality of ~4 600 commands is slow, and a diff of it unreadable anyway.
    const json = JSON.stringify(all);
    expect(JSON.stringify(commands(buildDemoPlan(options).plan))).toBe(json);
    expect(JSON.stringify(commands(buildDemoPlan({ ...options, seed: 8 }).plan))).not.toBe(json);
  });

  it('has the size of a CPTS of taille 2 and a year of its activity', () => {
    const count = (label: string) => all.filter((c) => c.label === label).length;
    expect(count('CptsRegistered')).toBe(1);
    expect(count('MemberJoined')).toBeGreaterThanOrEqual(110);
    expect(count('PatientRegistered')).toBe(700);
    expect(count('DischargeNotified')).toBeGreaterThanOrEqual(300);
    expect(count('PatientReferred')).toBeGreaterThanOrEqual(150);
    expect(count('UnscheduledCareRequested')).toBe(400);
    expect(count('RcpHeld')).toBeGreaterThanOrEqual(10);
    expect(count('EntryCorrected')).toBe(1);
    expect(count('EntryVoided')).toBe(1);
  });

  it('records nothing that happened after its last day', () => {
    const end = endOfParisDay(options.until);
    const late = all.flatMap((c) =>
      times(c.body)
        .filter(([, value]) => Date.parse(value) >= end)
        .map(([field, value]) => `#${c.n} ${c.label} ${field}=${value}`),
    );
    expect(late).toEqual([]);
  });

  it('writes Paris wall time with the offset of the day, across summer-time changes', () => {
    for (const start of [Date.parse('2026-03-28T00:00:00Z'), Date.parse('2026-10-24T00:00:00Z')]) {
      for (let ms = start; ms < start + 3 * 24 * 3600e3; ms += 30 * 60e3) {
        const stamp = parisTimestamp(ms);
        expect(Date.parse(stamp)).toBe(ms);
        expect(stamp.slice(0, 10)).toBe(parisDate(ms));
      }
    }
    expect(parisTimestamp(parisInstant('2026-03-29', 9, 30))).toBe('2026-03-29T09:30:00+02:00');
    expect(parisTimestamp(parisInstant('2026-10-25', 9, 30))).toBe('2026-10-25T09:30:00+01:00');
  });
});
