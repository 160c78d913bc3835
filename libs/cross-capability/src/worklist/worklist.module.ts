import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import {
  ProtocolCatalogueController,
  protocolCatalogueProjection,
  RcpRegisterController,
  rcpRegisterProjection,
  UnscheduledCareLogController,
  unscheduledCareLogProjection,
} from '@parcours/domain';
import { WorklistController } from './worklist.controller';
import { worklistProjection } from './worklist.projection';

/** The worklist and the registers (RCPs, protocol catalogue, unscheduled care), each its own read model. */
@Module({
  controllers: [
    WorklistController,
    RcpRegisterController,
    ProtocolCatalogueController,
    UnscheduledCareLogController,
  ],
})
export class WorklistReadModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(worklistProjection);
    registry.register(rcpRegisterProjection);
    registry.register(protocolCatalogueProjection);
    registry.register(unscheduledCareLogProjection);
  }
}
