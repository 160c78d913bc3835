import { TenantDirectory } from '@parcours/auth';
import { cptsExists } from '@parcours/domain';
import type { EventStore } from '@parcours/event-store';

/**
 * A CPTS exists once it is registered: asked of the store (the answer kept once yes, as for commands), so a
 * tenant is known the moment it is created.
 */
export class StoreTenantDirectory extends TenantDirectory {
  constructor(private readonly store: EventStore) {
    super();
  }

  exists(cptsId: string): Promise<boolean> {
    return cptsExists(this.store, cptsId);
  }
}
