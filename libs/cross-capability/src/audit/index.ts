export { AuditModule } from './audit.module';
export {
  auditStream,
  type AuditBreak,
  type AuditProblem,
  cptsStreamPrefixes,
  inventoryLog,
  type LogInventory,
  type PositionGap,
  streamOwner,
  streamsOfCpts,
  verifyCpts,
  type VerifyReport,
  verifyStreams,
} from './chain-audit';
export type { AuditedEvent, AuditedStream } from './audit.controller';
