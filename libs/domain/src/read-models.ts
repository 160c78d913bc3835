import type { AnyProjection } from '@parcours/projections';
import { cptsProjections } from './cpts/cpts.module';
import { memberProjections } from './members/members.module';
import { notificationProjections } from './notifications/notifications.module';
import { pathwayProjections } from './pathways/pathways.module';
import { patientProjections } from './patients/patients.module';
import { protocolProjections } from './protocols/protocols.module';
import { rcpProjections } from './rcp/rcp.module';
import { unscheduledCareProjections } from './unscheduled-care/unscheduled-care.module';

/**
 * Every capability's read models, as each capability's module registers them: what a projection thread
 * (which runs no Nest module) looks the registered names up in.
 */
export const capabilityProjections: AnyProjection[] = [
  ...cptsProjections,
  ...memberProjections,
  ...patientProjections,
  ...pathwayProjections,
  ...rcpProjections,
  ...protocolProjections,
  ...unscheduledCareProjections,
  ...notificationProjections,
];
