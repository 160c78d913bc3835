import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';

/**
 * Exports for analysts: the pseudonymised event feed, read from the event store itself (no projection:
 * it is the log, redacted). The pseudonym key comes from the identity vault, global in the application.
 */
@Module({ controllers: [ExportsController] })
export class ExportsReadModule {}
