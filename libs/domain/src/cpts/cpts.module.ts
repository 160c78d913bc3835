import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { cptsHistoryProjection } from './cpts-history/cpts-history.projection';
import { cptsCommandHandlers } from './cpts.handler';
import { CptsController } from './cpts.controller';

/** The read models of the CPTS capability: its stream's events (the financing folds them). */
export const cptsProjections = [cptsHistoryProjection];

const httpControllers = [CptsController];

@Module({ controllers: [...httpControllers], providers: [...cptsCommandHandlers] })
export class CptsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...cptsProjections);
  }
}
