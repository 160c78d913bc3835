import type { RecordedEvent } from '@parcours/event-store';

/**
 * The one upcasting point. An event is stored with the `schemaVersion` of its type at the time, and never
 * changed; when a type's data changes shape, its version goes up in `SCHEMA_VERSIONS` and an entry in
 * `UPCASTERS` turns the stored older version into the next one. Every stored event goes through `upcast`
 * before a decider or a projection sees it (the command runner's `load`, the projection engine, as-of
 * replays), so the code only ever knows the current shapes. The hash chain covers the events as stored:
 * audits read them unchanged.
 *
 * Every type is at version 1 today (the shapes of `docs/events.md`); `upcasting.unit.spec.ts` shows a
 * change of shape going through the engine and a decider.
 */

type Data = Record<string, unknown>;
/** Turns the data of version n into version n + 1; the event gives the context (its stream). */
export type DataUpcaster = (data: Data, event: RecordedEvent) => Data;
export type UpcasterTable = Readonly<Record<string, Readonly<Record<number, DataUpcaster>>>>;

/** The version each type is written with now; a type not listed is at version 1. */
export const SCHEMA_VERSIONS: Readonly<Record<string, number>> = {};

const UPCASTERS: UpcasterTable = {};

/**
 * An upcaster over a table of current versions and steps. Refuses, at creation, a current version that
 * some older version has no step towards: a missing upcaster is found when the service starts, not when
 * the first old event is read.
 */
export function createUpcaster(
  versions: Readonly<Record<string, number>>,
  steps: UpcasterTable,
): { schemaVersionOf: (type: string) => number; upcast: (event: RecordedEvent) => RecordedEvent } {
  for (const [type, current] of Object.entries(versions)) {
    for (let version = 1; version < current; version += 1) {
      if (!steps[type]?.[version]) throw new Error(`no upcaster for ${type} version ${version}`);
    }
  }
  const schemaVersionOf = (type: string): number => versions[type] ?? 1;
  return {
    schemaVersionOf,
    upcast: (event) => {
      const current = schemaVersionOf(event.type);
      let version = event.metadata.schemaVersion ?? 1;
      if (version >= current) return event;
      let data = event.data;
      for (; version < current; version += 1) data = steps[event.type][version](data, event);
      return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
    },
  };
}

const current = createUpcaster(SCHEMA_VERSIONS, UPCASTERS);

/** The version a type is written with now. */
export const schemaVersionOf = current.schemaVersionOf;

/** The event in the current shape of its type (the same object when it already is). */
export const upcast = current.upcast;
