import { TenantDirectory } from '@parcours/auth';
import { streamId } from '@parcours/domain';
import type { EventStore } from '@parcours/event-store';

/** A CPTS exists once its stream does: asked of the store, so a tenant is known the moment it is created. */
export class StoreTenantDirectory extends TenantDirectory {
  constructor(private readonly store: EventStore) {
    super();
  }

  async exists(cptsId: string): Promise<boolean> {
    const events = await this.store.readStream(streamId('cpts', cptsId), { maxCount: 1 });
    return events.length > 0;
  }
}
