import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { protocolCatalogueProjection } from './protocol-catalogue/protocol-catalogue.projection';
import { protocolCommandHandlers } from './protocols.handler';
import { ProtocolsController } from './protocols.controller';

/** The read models of the protocols capability. */
export const protocolProjections = [protocolCatalogueProjection];

const httpControllers = [ProtocolsController];

@Module({ controllers: [...httpControllers], providers: [...protocolCommandHandlers] })
export class ProtocolsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...protocolProjections);
  }
}
