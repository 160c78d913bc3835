import type { EventStore } from '@parcours/event-store';
import { NotFoundError } from './errors';
import { streamId } from './ids';

/**
 * The CPTS seen registered, per store: a registration is never undone, so once seen it is not read again
 * (every request and every command asks). A CPTS not found is asked again next time: it may be registered
 * meanwhile.
 */
const registered = new WeakMap<EventStore, Set<string>>();

/** Whether the CPTS is registered (its stream opens with `CptsRegistered`). */
export async function cptsExists(store: EventStore, cptsId: string): Promise<boolean> {
  let known = registered.get(store);
  if (known?.has(cptsId)) return true;
  const [first] = await store.readStream(streamId('cpts', cptsId), { maxCount: 1 });
  if (first?.type !== 'CptsRegistered') return false;
  if (!known) registered.set(store, (known = new Set()));
  known.add(cptsId);
  return true;
}

/** Every command inside a CPTS needs the CPTS to exist (a token may name one that was never registered). */
export async function requireCpts(store: EventStore, cptsId: string): Promise<void> {
  if (!(await cptsExists(store, cptsId))) {
    throw new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });
  }
}
