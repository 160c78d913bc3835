import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { PatientsModule } from '../patients';
import { unscheduledCareLogProjection } from './unscheduled-care-log/unscheduled-care-log.projection';
import { unscheduledCareCommandHandlers } from './unscheduled-care.handler';
import { UnscheduledCareController } from './unscheduled-care.controller';

/** The read models of the unscheduled-care capability. */
export const unscheduledCareProjections = [unscheduledCareLogProjection];

const httpControllers = [UnscheduledCareController];

@Module({
  imports: [PatientsModule],
  controllers: [...httpControllers],
  providers: [...unscheduledCareCommandHandlers],
})
export class UnscheduledCareModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...unscheduledCareProjections);
  }
}
