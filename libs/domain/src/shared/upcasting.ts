import type { RecordedEvent } from '@parcours/event-store';

/**
 * The one upcasting point. An event is stored with the `schemaVersion` of its type at the time, and never
 * changed; when a type's data changes shape, its version goes up here and an upcaster turns the stored
 * older version into the next one. Every stored event goes through `upcast` before a decider or a
 * projection sees it (the command runner's `load`, the projection engine, as-of replays), so the code only
 * ever knows the current shapes. The hash chain covers the events as stored: audits read them unchanged.
 */

/** The version each type is written with now; a type not listed is at version 1. */
export const SCHEMA_VERSIONS: Readonly<Record<string, number>> = {
  // v2: the follow-up's business time is `completedAt`, like every other entry's `<verb>At` (v1: `at`).
  FollowUpCompleted: 2,
  // v2: a correction names the fields of its target as they are now (a follow-up's `completedAt`).
  EntryCorrected: 2,
};

type Data = Record<string, unknown>;
/** Turns the data of version n into version n + 1; the event gives the context (its stream). */
type Upcaster = (data: Data, event: RecordedEvent) => Data;

const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  FollowUpCompleted: {
    1: ({ at, ...data }) => ({ ...data, completedAt: at }),
  },
  EntryCorrected: {
    // Of the entries a correction may target, only a pathway's follow-up had a field named `at`.
    1: (data, event) => {
      const correction = data.correction as Data | undefined;
      if (!event.streamId.startsWith('pathway-') || !correction || !('at' in correction)) return data;
      const { at, ...rest } = correction;
      return { ...data, correction: { ...rest, completedAt: at } };
    },
  },
};

export function schemaVersionOf(type: string): number {
  return SCHEMA_VERSIONS[type] ?? 1;
}

/** The event in the current shape of its type (the same object when it already is). */
export function upcast(event: RecordedEvent): RecordedEvent {
  const current = schemaVersionOf(event.type);
  let version = event.metadata.schemaVersion ?? 1;
  if (version >= current) return event;
  let data = event.data;
  for (; version < current; version += 1) {
    const step = UPCASTERS[event.type]?.[version];
    if (!step) throw new Error(`no upcaster for ${event.type} version ${version}`);
    data = step(data, event);
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
}
