import { Module } from '@nestjs/common';
import { NotificationsModule } from '@parcours/domain';
import { ProjectionRegistry } from '@parcours/projections';
import { AssignmentCommandHandler } from './assignments/assignment.handler';
import { worklistAssignmentsProjection } from './assignments/assignments.projection';
import { OverdueNotifier } from './overdue-notifier';
import { WorklistController } from './worklist.controller';

/** The read model of the worklist's own: who works each item (its items are the capabilities'). */
export const worklistProjections = [worklistAssignmentsProjection];

/**
 * The worklist: a read across capabilities — its items are the steps due on pathways, the requests to
 * orient and the open médecin-traitant searches, each kept by its capability — and the assignment of an
 * item to a member or a coordinator, recorded as an event on the item's own stream; the assignee is told
 * when their item falls due.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [WorklistController],
  providers: [AssignmentCommandHandler, OverdueNotifier],
  exports: [OverdueNotifier],
})
export class WorklistModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...worklistProjections);
  }
}
