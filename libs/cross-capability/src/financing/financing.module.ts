import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { cptsHistoryProjection } from '@parcours/domain';
import { FinancingController } from './financing.controller';

/** ACI financing: the CPTS stream's events kept in the read store, folded per request (with `asOf`). */
@Module({ controllers: [FinancingController] })
export class FinancingReadModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(cptsHistoryProjection);
  }
}
