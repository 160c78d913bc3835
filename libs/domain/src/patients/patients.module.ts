import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { BlindIndexCatchUp } from './blind-index-catch-up';
import { CareAccess } from './care-access';
import { careTeamProjection } from './care-team/care-team.projection';
import { CareTeamQueries } from './care-team/care-team.queries';
import { ErasureReconciler } from './erasure-reconciler';
import { patientSummaryProjection } from './patient-summary/patient-summary.projection';
import { PatientSummaryQueries } from './patient-summary/patient-summary.queries';
import { PatientFacts } from './patient-facts';
import { patientCommandHandlers } from './patients.handler';
import { PatientsController } from './patients.controller';
import { MemberDirectoryQueries } from '../members/member-directory/member-directory.queries';
import { PathwayViewQueries } from '../pathways/pathway-view/pathway-view.queries';
import { NotificationsModule } from '../notifications/notifications.module';

/** The read models of the patients capability. */
export const patientProjections = [patientSummaryProjection, careTeamProjection];

const httpControllers = [PatientsController];
const queries = [PatientSummaryQueries, CareTeamQueries, PathwayViewQueries, MemberDirectoryQueries];

/**
 * Patients: registration with the identity sealed under the patient's own key, consents, blocks, the
 * médecin traitant, the care circle, erasure; identity reads written to the access log (a port,
 * `AccessLog`); the summary without identity, the pseudonymous list, the care circle and who is involved in
 * each pathway. Other capabilities import this module for `PatientFacts`
 * and the summaries' queries (the blocks a professional is checked against).
 */
@Module({
  imports: [NotificationsModule],
  controllers: [...httpControllers],
  providers: [
    ...patientCommandHandlers,
    ...queries,
    PatientFacts,
    ErasureReconciler,
    BlindIndexCatchUp,
    CareAccess,
  ],
  exports: [PatientFacts, CareAccess, ...queries],
})
export class PatientsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...patientProjections);
  }
}
