import type { EventStore } from '@parcours/event-store';
import { toStored } from '../shared/command-runner';
import { parseStreamId, streamId } from '../shared/ids';
import { parisDate } from '../shared/time';
import { rcpEvolver, type RcpState } from './rcp.decider';
import type { RcpEvent, RcpHeld } from './rcp.events';

export type RcpRegisterEntry = RcpHeld & { id: string; revision: number };

const PAGE = 500;

/**
 * The RCP register of one CPTS, newest first, optionally for the Paris dates `[from, to)`.
 *
 * There is no read model for RCPs yet: this folds every `rcp-<cptsId>.*` stream from the global log, page
 * by page, on each request — linear in the CPTS's RCP events. The projections issue replaces it with a
 * read model (and this route then honours `consistentWith` by waiting for it).
 */
export async function readRcpRegister(
  store: EventStore,
  cptsId: string,
  period: { from?: string; to?: string },
): Promise<RcpRegisterEntry[]> {
  const prefix = `${streamId('rcp', cptsId)}.`;
  const rcps = new Map<string, { state: RcpState; revision: number }>();
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE, filter: { streamPrefixes: [prefix] } });
    for (const event of page) {
      const id = parseStreamId(event.streamId)?.id;
      if (id === undefined) continue;
      const previous = rcps.get(id)?.state ?? rcpEvolver.initialState();
      rcps.set(id, {
        state: rcpEvolver.evolve(previous, toStored<RcpEvent>(event)),
        revision: event.revision,
      });
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].position;
  }

  const entries: RcpRegisterEntry[] = [];
  for (const [id, { state, revision }] of rcps) {
    if (!state.exists) continue;
    const heldOn = parisDate(state.heldAt);
    if (period.from !== undefined && heldOn < period.from) continue;
    if (period.to !== undefined && heldOn >= period.to) continue;
    const { exists: _exists, ...rcp } = state;
    entries.push({ id, revision, ...rcp });
  }
  return entries.sort(
    (a, b) => Date.parse(b.heldAt) - Date.parse(a.heldAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}
