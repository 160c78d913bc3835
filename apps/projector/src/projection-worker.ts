import { crossCapabilityProjections } from '@parcours/cross-capability';
import { capabilityProjections, upcast } from '@parcours/domain';
import { type AppConfig, openEventStore } from '@parcours/platform';
import { runProjectionThread } from '@parcours/projections';

/**
 * The projection thread: the API's (`PROJECTIONS=worker`: the same projections, the same engine as this
 * projector, on the API's second core), and each of the threads a `rebuild` is spread over. Its event store looks for new events every few milliseconds: the
 * API's own appends happen in another thread, whose commits cannot wake it.
 */
const POLL_MS = 5;

runProjectionThread({
  catalogue: [...capabilityProjections, ...crossCapabilityProjections],
  upcast,
  openStore: (config) => openEventStore(config as AppConfig, { pollIntervalMs: POLL_MS }),
});
