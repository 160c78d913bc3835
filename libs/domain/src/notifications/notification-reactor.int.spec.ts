/**
 * The reactor's life on a real SQLite store: asked to stop while it is still starting (its checkpoint being
 * read or written, which takes a thread's round trip with the writer on its own thread), it stops — the
 * API's graceful shutdown waits for it.
 */
import { type EventStore, SqliteEventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotificationReactor } from './notification-reactor';
import type { NotificationOutbox } from './outbox';

describe('the notification reactor', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-reactor-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stopped while it writes its first checkpoint, it stops rather than go on following the log', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The store as the reactor sees it, its checkpoint's write held until the test lets it through.
    const held = new Proxy(store, {
      get(target, key: keyof EventStore) {
        if (key === 'setStreamMetadata') {
          return async (...args: Parameters<EventStore['setStreamMetadata']>) => {
            await gate;
            return target.setStreamMetadata(...args);
          };
        }
        const value = target[key];
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    // Nothing is notified before it stops: the outbox is never reached.
    const reactor = new NotificationReactor(held, {} as NotificationOutbox);
    reactor.enable();
    reactor.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 20)); // it reads the head, then waits on the write
    const stopped = reactor.stop();
    open();
    const outcome = await Promise.race([
      stopped.then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still following the log'), 2000)),
    ]);
    expect(outcome).toBe('stopped');
    expect(reactor.status().state).toBe('stopped');
  });
});
