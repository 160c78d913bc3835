import { ACCESS_LOG_FILE, SqliteAccessLog } from '@parcours/sqlite-stores';
import type { EventStore } from '@parcours/event-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig, openEventStore } from '@parcours/platform';
import {
  type AuditBreak,
  inventoryLog,
  type VerifyReport,
  verifyCpts,
  verifyStreams,
} from '@parcours/cross-capability';

/** Exit codes of api.md. */
const OK = 0;
const FAILURE_FOUND = 1;
const BAD_USAGE = 2;

type Write = (line: string) => void;

function describe(broken: AuditBreak): string {
  return (
    `  BROKEN ${broken.streamId} revision ${broken.revision} (position ${broken.position}, event ${broken.eventId}): ` +
    `${broken.problem} — ${broken.detail}`
  );
}

function summary(cptsId: string, report: VerifyReport): string {
  const outcome = report.ok ? 'ok' : `${report.broken.length} broken`;
  return `${cptsId}: ${report.streams} streams, ${report.events} events — ${outcome}`;
}

/**
 * `verify [--cpts id]`: the hash chain of every stream of one CPTS, or of every CPTS in the store (found
 * from the stream names in one pass over the log, which on the embedded store also shows where global
 * positions skip: an event removed from the middle of the log). Prints a summary and each broken place.
 */
export async function verify(
  config: AppConfig,
  cptsId: string | undefined,
  out: Write = (line) => process.stdout.write(`${line}\n`),
  err: Write = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const store = openEventStore(config);
  let code: number;
  try {
    code = cptsId === undefined ? await verifyAll(store, out) : await verifyOne(store, cptsId, out, err);
  } finally {
    await store.close();
  }
  if (code === BAD_USAGE) return code;
  return verifyAccessLog(config, cptsId, out) && code === OK ? OK : FAILURE_FOUND;
}

/** The read-access log of DATA_DIR (identity reads), hash-chained per CPTS like the event log. */
function verifyAccessLog(config: AppConfig, cptsId: string | undefined, out: Write): boolean {
  const path = join(config.DATA_DIR, ACCESS_LOG_FILE);
  if (!existsSync(path)) {
    out('access log: none in DATA_DIR');
    return true;
  }
  const log = new SqliteAccessLog(path);
  try {
    const report = log.verify(cptsId);
    out(`access log: ${report.entries} entries — ${report.ok ? 'ok' : `${report.broken.length} broken`}`);
    for (const broken of report.broken) {
      out(`  BROKEN access log entry ${broken.id} (#${broken.seq}): ${broken.problem}`);
    }
    return report.ok;
  } finally {
    log.close();
  }
}

async function verifyOne(store: EventStore, cptsId: string, out: Write, err: Write): Promise<number> {
  const report = await verifyCpts(store, cptsId);
  if (report.streams === 0) {
    err(`verify: no stream of CPTS ${cptsId} in the store`);
    return BAD_USAGE;
  }
  out(summary(cptsId, report));
  report.broken.forEach((broken) => out(describe(broken)));
  return report.ok ? OK : FAILURE_FOUND;
}

async function verifyAll(store: EventStore, out: Write): Promise<number> {
  const inventory = await inventoryLog(store);
  const totals = { cpts: 0, streams: 0, events: 0, broken: 0 };
  for (const cptsId of [...inventory.streamsByCpts.keys()].sort()) {
    const report = await verifyStreams(store, inventory.streamsByCpts.get(cptsId)!);
    out(summary(cptsId, report));
    report.broken.forEach((broken) => out(describe(broken)));
    totals.cpts += 1;
    totals.streams += report.streams;
    totals.events += report.events;
    totals.broken += report.broken.length;
  }
  for (const gap of inventory.gaps) {
    out(
      `  BROKEN $all: ${gap.missing} event(s) missing between positions ${gap.after} and ${gap.before} ` +
        `(removed from the log)`,
    );
  }
  if (inventory.foreign.length > 0) {
    // Not a name of events.md: no CPTS to file it under, but its chain is checked all the same.
    const report = await verifyStreams(store, inventory.foreign);
    out(summary('(streams of no CPTS)', report));
    report.broken.forEach((broken) => out(describe(broken)));
    totals.streams += report.streams;
    totals.events += report.events;
    totals.broken += report.broken.length;
  }
  const broken = totals.broken + inventory.gaps.length;
  out(
    `verified ${totals.cpts} CPTS, ${totals.streams} streams, ${totals.events} events: ` +
      (broken === 0 ? 'ok' : `${broken} broken place(s)`),
  );
  return broken === 0 ? OK : FAILURE_FOUND;
}
