import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/**
 * The audit routes over the stored log (hash chains, raw events). No projection: an audit checks what
 * the event store holds. (`…/audit/access-log` belongs to the patients capability.)
 */
@Module({ controllers: [AuditController] })
export class AuditReadModule {}
