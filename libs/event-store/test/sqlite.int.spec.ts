import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { eventStoreContract } from './event-store.contract';

describe.each([false, true])('SQLite (embedded), writer thread: %s', (writerThread) => {
  eventStoreContract(`SQLite (embedded)${writerThread ? ', writes on a thread of their own' : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'parcours-store-'));
    const path = join(dir, 'events.db');
    const open = () => {
      const store = new SqliteEventStore({ path, pollIntervalMs: 50, writerThread });
      // The thread's script is the built one: without it the store would write inline, untested here.
      expect(store.writes).toBe(writerThread ? 'thread' : 'inline');
      return store;
    };
    const store = open();
    return Promise.resolve({
      store,
      reopen: () => Promise.resolve(open()),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  });
});
