import { Module } from '@nestjs/common';
import { PatientsModule } from '@parcours/domain';
import { AuditController } from './audit.controller';

/**
 * The audit routes over the stored log (hash chains, raw events). No projection: an audit checks what
 * the event store holds, and the read-access log's own chain. (`…/audit/access-log` belongs to the
 * patients capability.)
 */
@Module({ imports: [PatientsModule], controllers: [AuditController] })
export class AuditReadModule {}
