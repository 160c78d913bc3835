import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { feedLine, Pseudonymiser } from '@parcours/cross-capability';
import type { RecordedEvent } from '@parcours/event-store';
import { AnalyticsDataset } from '../src/dataset';

/**
 * Worklist assignments from the API's feed lines to the dataset's `parcours.affectations`: what the feed
 * keeps of them (a coordinator pseudonymised, a giving back as null) is what the dataset counts.
 */
const CPTS = 'cpts-assign';
const stream = (item: string) => `worklist-${CPTS}.${item}`;

describe('worklist assignments in the dataset', () => {
  let dir: string;
  let dataset: AnalyticsDataset;
  const pseudonymiser = new Pseudonymiser(randomBytes(32));
  let position = 0n;
  const lines: string[] = [];
  const types = new Map<string, string>();

  const record = (streamId: string, type: string, data: Record<string, unknown>): string => {
    position += 1n;
    const eventId = randomUUID();
    const event: RecordedEvent = {
      streamId,
      revision: Number(position),
      position,
      type,
      data,
      metadata: {
        eventId,
        cptsId: CPTS,
        actor: { id: 'marie.durand@example.org', role: 'coordinator' },
        correlationId: 'c',
        causationId: 'c',
        source: 'api',
        schemaVersion: 1,
        recordedAt: '2026-04-02T08:00:00.000Z',
        prevHash: 'p',
        hash: 'h',
      },
    };
    types.set(eventId, type);
    const target = typeof data.targetEventId === 'string' ? types.get(data.targetEventId) : undefined;
    lines.push(JSON.stringify(feedLine(event, pseudonymiser, target)));
    return eventId;
  };
  const assign = (item: string, kind: string, assignee: unknown, assignedAt: string) =>
    record(stream(item), 'WorkItemAssigned', { kind, openedBy: `opened-${item}`, assignee, assignedAt });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assignments-'));
    dataset = await AnalyticsDataset.open(dir);
  });
  afterAll(() => {
    dataset.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the assignments of the period by kind, not those given back, as corrected and voided', async () => {
    assign('i1', 'sortie.suivi', { memberId: 'm1' }, '2026-03-02T09:00:00+01:00');
    assign('i1', 'sortie.suivi', null, '2026-03-03T09:00:00+01:00');
    assign('i2', 'mt.recherche', { coordinatorId: 'marie.durand@example.org' }, '2026-03-31T23:30:00+02:00');
    const voided = assign('i3', 'snp.orientation', { memberId: 'm2' }, '2026-03-10T12:00:00+01:00');
    assign('i4', 'rcp.revue', { memberId: 'm2' }, '2026-04-01T00:30:00+02:00');
    const corrected = assign('i5', 'adressage.reponse', { memberId: 'm3' }, '2026-03-12T12:00:00+01:00');
    record(stream('i3'), 'EntryVoided', { targetEventId: voided, reason: 'doublon' });
    record(stream('i5'), 'EntryCorrected', {
      targetEventId: corrected,
      reason: 'x',
      correction: { assignee: null },
    });
    expect(lines.join('\n')).not.toContain('marie');

    const file = join(dir, 'page.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await dataset.start(CPTS, 'http://api', 2);
    expect(await dataset.ingest(file, position, 2)).toBe(lines.length);
    await dataset.refreshDerived();

    const march = (await dataset.indicators('2026-03-01', '2026-04-01')).find(
      (figure) => figure.code === 'parcours.affectations',
    );
    expect(march).toEqual({
      code: 'parcours.affectations',
      mission: 'parcours',
      value: 2,
      breakdown: {
        'sortie.pharmacien': 0,
        'sortie.suivi': 1,
        'adressage.reponse': 0,
        'snp.orientation': 0,
        'rcp.revue': 0,
        'mt.recherche': 1,
      },
    });
    const rows = await dataset.rows<{ item_id: string; coordinator: string | null; assigned: boolean }>(
      'SELECT item_id, coordinator, assigned FROM work_assignments ORDER BY assigned_at',
    );
    expect(rows).toEqual([
      { item_id: 'i1', coordinator: null, assigned: true },
      { item_id: 'i1', coordinator: null, assigned: false },
      { item_id: 'i5', coordinator: null, assigned: false },
      { item_id: 'i2', coordinator: pseudonymiser.user('marie.durand@example.org'), assigned: true },
      { item_id: 'i4', coordinator: null, assigned: true },
    ]);
  });
});
