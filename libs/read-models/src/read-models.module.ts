import { Module } from '@nestjs/common';
import { AuditReadModule } from './audit';
import { ExportsReadModule } from './exports';
import { FinancingReadModule } from './financing';
import { IndicatorsReadModule } from './indicators';
import { ViewsReadModule } from './views';
import { WorklistReadModule } from './worklist';

/**
 * The read side: each module registers its projection(s) with the ProjectionRegistry and serves its
 * routes from the read store (`DATA_DIR/read.db`), never from the event store — except the audit and
 * as-of routes, which replay the log by design, and the event feed, which is the log redacted.
 */
@Module({
  imports: [
    ViewsReadModule,
    WorklistReadModule,
    IndicatorsReadModule,
    FinancingReadModule,
    AuditReadModule,
    ExportsReadModule,
  ],
})
export class ReadModelsModule {}
