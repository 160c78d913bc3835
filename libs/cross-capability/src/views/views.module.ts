import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import {
  MemberDirectoryController,
  memberDirectoryProjection,
  PathwayViewsController,
  pathwayViewsProjection,
  PatientSummaryController,
  patientViewsProjection,
  ViewsQueries,
} from '@parcours/domain';

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
