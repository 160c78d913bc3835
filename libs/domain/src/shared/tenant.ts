import type { EventStore } from '@parcours/event-store';
import { NotFoundError } from './errors';
import { streamId } from './ids';

/**
 * The CPTS seen registered, per store: a registration is never undone, so once seen it is not read again
 * (every command asks).
 */
const registered = new WeakMap<EventStore, Set<string>>();

/** Every command inside a CPTS needs the CPTS to exist (a token may name one that was never registered). */
export async function requireCpts(store: EventStore, cptsId: string): Promise<void> {
  let known = registered.get(store);
  if (known?.has(cptsId)) return;
  const [first] = await store.readStream(streamId('cpts', cptsId), { maxCount: 1 });
  if (first?.type !== 'CptsRegistered') {
    throw new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });
  }
  if (!known) registered.set(store, (known = new Set()));
  known.add(cptsId);
}
