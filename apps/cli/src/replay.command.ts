import { InvalidArgumentError } from 'commander';
import { type CorrectionEvent, type PathwayEvent, pathwayEvolver, stateOf, toStored } from '@parcours/domain';
import { type AppConfig, openEventStore } from '@parcours/platform';
import { streamOwner } from '@parcours/cross-capability';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `<streamId>`: a stream name of events.md (a usage error otherwise, exit code 2). */
export function streamIdArgument(value: string): string {
  if (streamOwner(value) === null) {
    throw new InvalidArgumentError('a stream id is cpts-<cptsId> or <category>-<cptsId>.<id>');
  }
  return value;
}

/** `--as-of`: an ISO 8601 timestamp with its offset (or Z). */
export function timestampArgument(value: string): string {
  if (!TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('a timestamp with an offset, e.g. 2026-03-06T17:30:00+01:00');
  }
  return value;
}

/**
 * `replay <streamId> [--as-of t]`: the stream's events recorded at or before `t` (all without it), one
 * JSON line each, as stored; for a pathway, then one line `{ "state": … }` with what they fold to — the
 * pathway as it was known at `t`.
 */
export async function replay(
  config: AppConfig,
  streamId: string,
  asOf: string | undefined,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const store = openEventStore(config);
  try {
    const all = await store.readStream(streamId);
    if (all.length === 0) {
      err(`replay: no stream ${streamId} in the store`);
      return 2;
    }
    const limit = asOf === undefined ? Infinity : Date.parse(asOf);
    const known = all.filter((event) => Date.parse(event.metadata.recordedAt) <= limit);
    for (const event of known) {
      out(
        JSON.stringify({
          streamId: event.streamId,
          revision: event.revision,
          position: event.position.toString(),
          type: event.type,
          data: event.data,
          metadata: event.metadata,
        }),
      );
    }
    if (streamId.startsWith('pathway-')) {
      // The pathway as it then stood: corrections applied, voided entries out.
      const state = stateOf(
        pathwayEvolver,
        known.map((event) => toStored<PathwayEvent | CorrectionEvent>(event)),
      );
      out(JSON.stringify({ state }));
    }
    return 0;
  } finally {
    await store.close();
  }
}
