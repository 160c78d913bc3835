import type { RecordedEvent } from '@parcours/event-store';
import { createUpcaster, schemaVersionOf, SCHEMA_VERSIONS, upcast } from './upcasting';

const stored = (type: string, data: Record<string, unknown>, schemaVersion?: number): RecordedEvent => ({
  streamId: 'cpts-a.pathway-0190f000-0000-7000-8000-000000000001',
  revision: 0,
  position: 1n,
  type,
  data,
  metadata: {
    eventId: '0190f000-0000-7000-8000-0000000000aa',
    recordedAt: '2026-03-04T09:00:00.000Z',
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
  } as RecordedEvent['metadata'],
});

describe('upcasting', () => {
  // A hypothetical history: v1 named the time `date`, v2 `at`, v3 added `kind` (default `appel`).
  const history = createUpcaster(
    { FollowUpCompleted: 3 },
    {
      FollowUpCompleted: {
        1: ({ date, ...data }) => ({ ...data, at: date }),
        2: (data) => ({ kind: 'appel', ...data }),
      },
    },
  );

  it('given a v1 event, when read, then every step runs in order and the version is the current one', () => {
    const read = history.upcast(stored('FollowUpCompleted', { byMemberId: 'm', date: '2026-03-04' }, 1));
    expect(read.data).toEqual({ byMemberId: 'm', at: '2026-03-04', kind: 'appel' });
    expect(read.metadata.schemaVersion).toBe(3);
  });

  it('given an event without a version, then it is taken as version 1', () => {
    expect(history.upcast(stored('FollowUpCompleted', { date: '2026-03-04' })).data).toEqual({
      at: '2026-03-04',
      kind: 'appel',
    });
  });

  it('given a v2 event, then only the steps after it run; the stored object is never changed', () => {
    const v2 = stored('FollowUpCompleted', { at: '2026-03-04', kind: 'visite-domicile' }, 2);
    const copy = structuredClone(v2);
    expect(history.upcast(v2).data).toEqual({ at: '2026-03-04', kind: 'visite-domicile' });
    expect(v2).toEqual(copy);
  });

  it('given an event already current, or of a type never changed, then it is the same object', () => {
    const current = stored('FollowUpCompleted', { at: '2026-03-04', kind: 'appel' }, 3);
    expect(history.upcast(current)).toBe(current);
    const other = stored('PathwayOpened', { kind: 'x' }, 1);
    expect(history.upcast(other)).toBe(other);
    expect(history.schemaVersionOf('PathwayOpened')).toBe(1);
  });

  it('refuses, when created, a version that has no step towards it', () => {
    expect(() =>
      createUpcaster({ FollowUpCompleted: 3 }, { FollowUpCompleted: { 1: (data) => data } }),
    ).toThrow('no upcaster for FollowUpCompleted version 2');
  });

  it('today every type is at version 1: events read back exactly as written', () => {
    expect(SCHEMA_VERSIONS).toEqual({});
    const event = stored('FollowUpCompleted', { byMemberId: 'm', at: '2026-03-04', kind: 'appel' }, 1);
    expect(upcast(event)).toBe(event);
    expect(schemaVersionOf('FollowUpCompleted')).toBe(1);
  });
});
