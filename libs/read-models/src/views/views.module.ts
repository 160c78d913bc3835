import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { memberDirectoryProjection } from './member-directory.projection';
import { patientViewsProjection } from './patient-views.projection';
import { pathwayViewsProjection } from './pathway-views.projection';
import {
  MemberDirectoryController,
  PathwayViewsController,
  PatientSummaryController,
} from './views.controllers';
import { ViewsQueries } from './views.queries';

/**
 * The views of the API: the pathway view and list (with their as-of replay), the patient summary
 * without identity, and the member directory with activity. Their projections are registered here.
 */
@Module({
  controllers: [PathwayViewsController, PatientSummaryController, MemberDirectoryController],
  providers: [ViewsQueries],
})
export class ViewsReadModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(pathwayViewsProjection);
    registry.register(patientViewsProjection);
    registry.register(memberDirectoryProjection);
  }
}
