import { type FactoryProvider, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '@parcours/platform';
import { join } from 'node:path';
import { ACCESS_LOG_FILE, PatientAccessLog } from './access-log';
import { AccessLogController, PatientAccessReportController } from './access-log.controller';
import { ErasureReconciler } from './erasure-reconciler';
import { PatientFacts } from './patient-facts';
import { patientCommandHandlers } from './patients.handler';
import { PatientsController } from './patients.controller';

/** The access log of identity reads: `DATA_DIR/access-log.db`. */
export const patientAccessLogProvider: FactoryProvider<PatientAccessLog> = {
  provide: PatientAccessLog,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>) =>
    new PatientAccessLog(join(config.get('DATA_DIR', { infer: true }), ACCESS_LOG_FILE)),
};

@Injectable()
class PatientAccessLogCloser implements OnApplicationShutdown {
  constructor(@Inject(PatientAccessLog) private readonly accessLog: PatientAccessLog) {}
  onApplicationShutdown(): void {
    this.accessLog.close();
  }
}

/**
 * Patients: registration with the identity sealed under the patient's own key, consents, blocks, the
 * médecin traitant, erasure; identity reads written to the access log. Other capabilities import this
 * module for `PatientFacts` (and the vault, and the access log if they show an identity).
 */
@Module({
  controllers: [PatientsController, AccessLogController, PatientAccessReportController],
  providers: [
    ...patientCommandHandlers,
    patientAccessLogProvider,
    PatientAccessLogCloser,
    PatientFacts,
    ErasureReconciler,
  ],
  exports: [PatientFacts, PatientAccessLog],
})
export class PatientsModule {}
