import { Module } from '@nestjs/common';
import type { AnyProjection } from '@parcours/projections';
import { AuditModule } from './audit';
import { ExportsReadModule } from './exports';
import { FinancingModule } from './financing';
import { IndicatorsModule, indicatorProjections } from './indicators';
import { ReportsModule } from './reports';
import { WorklistModule, worklistProjections } from './worklist';

/**
 * What spans capabilities: the worklist (a read over the capabilities' read models), the indicators (their
 * own read model, fed by the events of every capability), the ACI financing (the CPTS's history, folded per
 * request), the audit reads (the stored log itself, and the read-access log) and the pseudonymised event
 * feed (the log redacted, for analytics); the yearly review pack (all of the figures of a contract year).
 */
@Module({
  imports: [WorklistModule, IndicatorsModule, FinancingModule, AuditModule, ExportsReadModule, ReportsModule],
})
export class CrossCapabilityModule {}

/** The read models registered here, for a projection thread (which runs no Nest module). */
export const crossCapabilityProjections: AnyProjection[] = [...indicatorProjections, ...worklistProjections];
