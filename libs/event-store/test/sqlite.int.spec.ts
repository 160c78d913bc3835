import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('SQLite (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parcours-store-'));
  const path = join(dir, 'events.db');
  const open = () => new SqliteEventStore({ path, pollIntervalMs: 50 });
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
