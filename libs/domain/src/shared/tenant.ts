import type { EventStore } from '@parcours/event-store';
import { NotFoundError } from './errors';
import { streamId } from './ids';

/** Every command inside a CPTS needs the CPTS to exist (a token may name one that was never registered). */
export async function requireCpts(store: EventStore, cptsId: string): Promise<void> {
  const [first] = await store.readStream(streamId('cpts', cptsId), { maxCount: 1 });
  if (first?.type !== 'CptsRegistered') {
    throw new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });
  }
}
