import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/**
 * The audit routes over the stored log (hash chains, raw events) and the read-access log. No projection:
 * an audit checks what the event store holds, and the read-access log's own chain.
 */
@Module({ controllers: [AuditController] })
export class AuditModule {}
