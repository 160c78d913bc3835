import fc from 'fast-check';
import { type PendingDue, summaryOf } from './pathway-view';
import { PENDING_KINDS, type PathwayRow } from './pathway-view.projection';

const row: PathwayRow = {
  cpts_id: 'cpts-test',
  pathway_id: 'p-1',
  patient_id: 'pa-1',
  kind: 'bpco',
  status: 'open',
  opened_at: '2026-03-02T09:00:00+01:00',
  opened_ms: Date.parse('2026-03-02T09:00:00+01:00'),
  closed_at: null,
  revision: 3,
};

/** What a list showed as the next due time: the steps sorted as the view lists them, scanned for an earlier time. */
function byScanningSortedSteps(pending: readonly PendingDue[]): string | undefined {
  const sorted = [...pending].sort(
    (a, b) =>
      a.overdue_from_ms - b.overdue_from_ms ||
      PENDING_KINDS.indexOf(a.kind) - PENDING_KINDS.indexOf(b.kind) ||
      a.ref_id.localeCompare(b.ref_id),
  );
  const next = sorted.reduce<string | null>(
    (min, step) => (min === null || Date.parse(step.due_at) < Date.parse(min) ? step.due_at : min),
    null,
  );
  return next ?? undefined;
}

/** Due times as the read model writes them (Paris offsets, or UTC), a few shared instants, and a non-time. */
const dueAt = fc.oneof(
  fc.constantFrom(
    '2026-03-04T10:00:00+01:00',
    '2026-03-04T09:00:00Z', // the same instant written otherwise
    '2026-03-04T08:00:00+00:00',
    '2026-03-17T10:00:00+01:00',
    'pas une date',
  ),
  fc
    .integer({ min: Date.parse('2026-01-01'), max: Date.parse('2026-12-31') })
    .map((ms) => new Date(ms).toISOString()),
);

const step = fc.record({
  kind: fc.constantFrom(...PENDING_KINDS),
  due_at: dueAt,
  overdue_from_ms: fc.integer({ min: 0, max: 5 }),
  ref_id: fc.constantFrom('d-1', 'r-1', 'r-2', 'rcp-1'),
});

describe("a pathway's summary", () => {
  it('counts its pending steps and shows the due time the view would list first among the earliest', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (pending) => {
        const summary = summaryOf(row, pending);
        expect(summary.pendingCount).toBe(pending.length);
        expect(summary.nextDueAt).toBe(byScanningSortedSteps(pending));
      }),
      { numRuns: 2000 },
    );
  });

  it('shows the earliest instant, whatever offset it is written with', () => {
    const summary = summaryOf(row, [
      { kind: 'adressage.reponse', due_at: '2026-03-04T10:00:00+01:00', overdue_from_ms: 1, ref_id: 'r-1' },
      { kind: 'sortie.suivi', due_at: '2026-03-04T08:30:00Z', overdue_from_ms: 2, ref_id: 'd-1' },
    ]);
    expect(summary).toMatchObject({ pendingCount: 2, nextDueAt: '2026-03-04T08:30:00Z' });
    expect(summaryOf(row, [])).not.toHaveProperty('nextDueAt');
  });
});
