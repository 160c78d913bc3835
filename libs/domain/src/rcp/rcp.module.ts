import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { PatientsModule } from '../patients';
import { rcpRegisterProjection } from './rcp-register/rcp-register.projection';
import { rcpCommandHandlers } from './rcp.handler';
import { RcpController } from './rcp.controller';

/** The read models of the RCP capability. */
export const rcpProjections = [rcpRegisterProjection];

const httpControllers = [RcpController];

@Module({
  imports: [PatientsModule],
  controllers: [...httpControllers],
  providers: [...rcpCommandHandlers],
})
export class RcpModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...rcpProjections);
  }
}
