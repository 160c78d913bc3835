import { SqliteEventStore, type EventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent, Evolver } from './decider';
import { ContentionError, PreconditionFailedError } from './errors';
import { IdSource } from './ids';
import { runCommand, type CommandMeta, type Revision } from './command-runner';

type Counted = DomainEvent<'Counted', { n: number }>;
const counter: Evolver<{ count: number }, Counted> = {
  initialState: () => ({ count: 0 }),
  evolve: (state) => ({ count: state.count + 1 }),
};

const meta = (extra: Partial<CommandMeta> = {}): CommandMeta => ({
  cptsId: 'cpts-runner',
  actor: { id: 'tester', role: 'coordinator' },
  correlationId: 'corr',
  commandId: 'cmd',
  source: 'api',
  ids: new IdSource('cpts-runner'),
  now: new Date(),
  ...extra,
});

describe('runCommand against a real store, with another process writing the same stream', () => {
  let dir: string;
  let store: EventStore;
  let other: EventStore;
  const stream = 'pathway-cpts-runner.1';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-runner-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    other = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const appendElsewhere = () =>
    other.append(stream, [
      {
        type: 'Counted',
        data: { n: -1 },
        metadata: {
          cptsId: 'cpts-runner',
          actor: { id: 'other', role: 'coordinator' },
          correlationId: 'x',
          causationId: 'x',
          source: 'cli',
        },
      },
    ]);

  it('decides again on the new state when another writer got in first: no lost update', async () => {
    const seen: Revision[] = [];
    const outcome = await runCommand(store, meta(), {
      ...counter,
      streamId: stream,
      id: 'one',
      decide: async ({ state, revision }) => {
        seen.push(revision);
        if (seen.length === 1) await appendElsewhere(); // lands between our read and our append
        return [{ type: 'Counted' as const, data: { n: state.count } }];
      },
    });
    expect(seen).toEqual(['no_stream', 0]);
    expect(outcome).toMatchObject({ revision: 1, replayed: false });
    const events = await store.readStream(stream);
    expect(events.map((e) => e.data.n)).toEqual([-1, 1]); // decided on the state that included the other write
  });

  it('with If-Match, a concurrent write is a 412, not a retry', async () => {
    await appendElsewhere();
    const attempt = runCommand(store, meta({ expectedRevision: 0 }), {
      ...counter,
      streamId: stream,
      id: 'one',
      decide: async ({ state }) => {
        await appendElsewhere();
        return [{ type: 'Counted' as const, data: { n: state.count } }];
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('gives up with a 409 after ten lost races, having appended nothing', async () => {
    let attempts = 0;
    const attempt = runCommand(store, meta(), {
      ...counter,
      streamId: stream,
      id: 'one',
      decide: async () => {
        attempts += 1;
        await appendElsewhere();
        return [{ type: 'Counted' as const, data: { n: 0 } }];
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(ContentionError);
    expect(attempts).toBe(10);
    expect((await store.readStream(stream)).every((e) => e.data.n === -1)).toBe(true);
  });

  it('with an Idempotency-Key, a retry after success returns the original append', async () => {
    const ids = new IdSource('cpts-runner', 'key-1');
    const spec = {
      ...counter,
      streamId: stream,
      id: 'one',
      decide: ({ state }: { state: { count: number } }) => [
        { type: 'Counted' as const, data: { n: state.count } },
      ],
    };
    const first = await runCommand(store, meta({ ids }), spec);
    await appendElsewhere();
    const again = await runCommand(store, meta({ ids: new IdSource('cpts-runner', 'key-1') }), spec);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('commands on one stream in one process take turns instead of racing', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        runCommand(store, meta(), {
          ...counter,
          streamId: stream,
          id: 'one',
          decide: ({ state }) => [{ type: 'Counted' as const, data: { n: state.count } }],
        }),
      ),
    );
    expect(outcomes.map((o) => o.revision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect((await store.readStream(stream)).map((e) => e.data.n)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });
});
