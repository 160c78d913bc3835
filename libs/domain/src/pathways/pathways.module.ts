import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { PatientsModule } from '../patients';
import { pathwayViewProjection } from './pathway-view/pathway-view.projection';
import { PathwayViewQueries } from './pathway-view/pathway-view.queries';
import { pathwayCommandHandlers } from './pathways.handler';
import { PathwaysController } from './pathways.controller';

/** The read models of the pathways capability. */
export const pathwayProjections = [pathwayViewProjection];

const httpControllers = [PathwaysController];
const queries = [PathwayViewQueries];

/** Pathways: referrals, discharges, follow-ups, protocol applications, closure; the view and the list. */
@Module({
  imports: [PatientsModule],
  controllers: [...httpControllers],
  providers: [...pathwayCommandHandlers, ...queries],
  exports: [...queries],
})
export class PathwaysModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...pathwayProjections);
  }
}
