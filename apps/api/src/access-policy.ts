import { type AccessPolicy, PUBLIC, type Role } from '@parcours/auth';

/*
 * Who may call which route — the roles of the API:
 *
 * - platform-admin: creates CPTS tenants; nothing inside one.
 * - coordinator: everything inside its CPTS but reading the read-access log.
 * - professional: records pathway events, RCPs and unscheduled care; reads patients, pathways and the
 *   registers it works with; never changes a patient's record (registration, consents, blocks, médecin
 *   traitant, pharmacien correspondant, erasure) nor the CPTS, its members or protocols.
 * - auditor: reads everything in its CPTS, history, integrity and the read-access log; writes nothing.
 * - analyst: indicators, financing and pseudonymised exports; never an identity.
 *
 * The guard enforces this table on every request; `test/security/access-matrix.int.spec.ts` calls every
 * route of the application as every role, for its own and another CPTS, and fails on a route missing here.
 */

const COORDINATOR: Role[] = ['coordinator'];
/** Pathway events, RCPs and unscheduled care. */
const CARE_WRITERS: Role[] = ['coordinator', 'professional'];
/** Registers and views of care: no identity is read through these without its own check. */
const CARE_READERS: Role[] = ['coordinator', 'professional', 'auditor'];
const FIGURE_READERS: Role[] = ['coordinator', 'auditor', 'analyst'];
const AUDIT_READERS: Role[] = ['coordinator', 'auditor'];
const TENANT = '/api/v1/cpts/:cptsId';

export const ACCESS_POLICY: AccessPolicy = {
  'GET /health': PUBLIC,
  // How the web UI signs in (the mode, and the identity provider in oidc mode): needed before any token.
  'GET /api/v1/auth/config': PUBLIC,
  // Exists only in dev mode (the route is not registered with OIDC).
  'POST /api/v1/dev/tokens': PUBLIC,
  'GET /api/v1/me': ['platform-admin', 'coordinator', 'professional', 'auditor', 'analyst'],

  // The CPTS, its ACI contract and missions.
  'POST /api/v1/cpts': ['platform-admin'],
  [`GET ${TENANT}`]: ['coordinator', 'professional', 'auditor', 'analyst'],
  [`POST ${TENANT}/population`]: COORDINATOR,
  [`POST ${TENANT}/contract`]: COORDINATOR,
  [`POST ${TENANT}/missions/:mission/start`]: COORDINATOR,
  [`POST ${TENANT}/achievements`]: COORDINATOR,
  [`POST ${TENANT}/crises`]: COORDINATOR,
  [`POST ${TENANT}/crisis-plan`]: COORDINATOR,
  [`POST ${TENANT}/external-indicators`]: COORDINATOR,
  [`POST ${TENANT}/corrections`]: COORDINATOR,
  [`POST ${TENANT}/voidings`]: COORDINATOR,

  // Members.
  [`POST ${TENANT}/members`]: COORDINATOR,
  [`GET ${TENANT}/members`]: CARE_READERS,
  [`GET ${TENANT}/members/:memberId`]: CARE_READERS,
  [`POST ${TENANT}/members/:memberId/departure`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/participations`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/interns`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/email`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/notification-preferences`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/corrections`]: COORDINATOR,
  [`POST ${TENANT}/members/:memberId/voidings`]: COORDINATOR,

  // Protocols.
  [`POST ${TENANT}/protocols`]: COORDINATOR,
  [`GET ${TENANT}/protocols`]: CARE_READERS,
  [`GET ${TENANT}/protocols/:code`]: CARE_READERS,
  [`POST ${TENANT}/protocols/:code/adherents`]: COORDINATOR,
  [`POST ${TENANT}/protocols/:code/retirement`]: COORDINATOR,

  // Patients: the record is the coordinators'; identities are read by the roles that may, each read logged.
  [`POST ${TENANT}/patients`]: COORDINATOR,
  [`GET ${TENANT}/patients`]: AUDIT_READERS,
  [`GET ${TENANT}/patients/:patientId`]: CARE_READERS,
  // Search by name, birth date, INS (blind index): the roles that read identities, each answer logged.
  [`POST ${TENANT}/patients/search`]: CARE_READERS,
  [`GET ${TENANT}/patients/:patientId/summary`]: CARE_READERS,
  [`POST ${TENANT}/patients/:patientId/medecin-traitant-search`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/medecin-traitant`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/consents`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/blocks`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/unblocks`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/pharmacien-correspondant`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/erasure`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/identity-correction`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/status`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/medecin-traitant-search/closure`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/corrections`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/voidings`]: COORDINATOR,
  // The care circle: read like the summary, changed by coordinators.
  [`GET ${TENANT}/patients/:patientId/care-team`]: CARE_READERS,
  [`POST ${TENANT}/patients/:patientId/care-team`]: COORDINATOR,
  [`POST ${TENANT}/patients/:patientId/care-team/removals`]: COORDINATOR,
  // Emergency access ("bris de glace") outside the care circle: professionals ask, coordinators review.
  [`POST ${TENANT}/patients/:patientId/break-glass`]: ['professional'],
  [`GET ${TENANT}/patients/break-glass`]: AUDIT_READERS,
  // "Who read my record", for the coordinator to hand to the patient (no identity in it).
  [`GET ${TENANT}/patients/:patientId/access-log`]: AUDIT_READERS,

  // Imports of other systems' data: coordinators only (they create records in bulk).
  [`POST ${TENANT}/imports/cpam-mt-list`]: COORDINATOR,
  [`POST ${TENANT}/imports/cpam-indicators`]: COORDINATOR,
  [`POST ${TENANT}/fhir`]: COORDINATOR,

  // Pathways.
  [`POST ${TENANT}/pathways`]: CARE_WRITERS,
  [`GET ${TENANT}/pathways`]: CARE_READERS,
  [`GET ${TENANT}/pathways/:pathwayId`]: CARE_READERS,
  [`POST ${TENANT}/pathways/:pathwayId/referrals`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/referrals/:referralId/acceptance`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/referrals/:referralId/decline`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/referrals/:referralId/completion`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/discharges`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/medication-reconciliations`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/follow-ups`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/protocol-applications`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/closure`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/reopening`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/corrections`]: CARE_WRITERS,
  [`POST ${TENANT}/pathways/:pathwayId/voidings`]: CARE_WRITERS,
  // The pathway as FHIR, with the patient's identity for these roles (each such read logged).
  [`GET ${TENANT}/pathways/:pathwayId/fhir`]: CARE_READERS,

  // RCPs, unscheduled care, actions.
  [`POST ${TENANT}/rcps`]: CARE_WRITERS,
  [`GET ${TENANT}/rcps`]: CARE_READERS,
  [`GET ${TENANT}/rcps/:rcpId`]: CARE_READERS,
  [`POST ${TENANT}/rcps/:rcpId/corrections`]: CARE_WRITERS,
  [`POST ${TENANT}/rcps/:rcpId/voidings`]: CARE_WRITERS,
  [`POST ${TENANT}/unscheduled-care`]: CARE_WRITERS,
  [`GET ${TENANT}/unscheduled-care`]: CARE_READERS,
  [`GET ${TENANT}/unscheduled-care/:requestId`]: CARE_READERS,
  [`POST ${TENANT}/unscheduled-care/:requestId/orientation`]: CARE_WRITERS,
  [`POST ${TENANT}/unscheduled-care/:requestId/closure`]: CARE_WRITERS,
  [`POST ${TENANT}/unscheduled-care/:requestId/corrections`]: CARE_WRITERS,
  [`POST ${TENANT}/unscheduled-care/:requestId/voidings`]: CARE_WRITERS,
  [`POST ${TENANT}/prevention-actions`]: COORDINATOR,
  [`POST ${TENANT}/trainings`]: COORDINATOR,
  [`GET ${TENANT}/actions/:actionId`]: CARE_READERS,
  [`POST ${TENANT}/actions/:actionId/corrections`]: COORDINATOR,
  [`POST ${TENANT}/actions/:actionId/voidings`]: COORDINATOR,

  // The worklist, figures and exports.
  [`GET ${TENANT}/worklist`]: CARE_READERS,
  // Who works an item: coordinators assign anyone; a professional takes an item or gives it back.
  [`POST ${TENANT}/worklist/assignments`]: CARE_WRITERS,
  [`POST ${TENANT}/worklist/items/:itemId/corrections`]: COORDINATOR,
  [`POST ${TENANT}/worklist/items/:itemId/voidings`]: COORDINATOR,
  [`GET ${TENANT}/indicators`]: FIGURE_READERS,
  [`GET ${TENANT}/indicators/series`]: FIGURE_READERS,
  [`GET ${TENANT}/indicators/:code/events`]: FIGURE_READERS,
  [`GET ${TENANT}/exports/indicators.csv`]: FIGURE_READERS,
  [`GET ${TENANT}/financing`]: FIGURE_READERS,
  // The yearly review pack: figures, financing and the events behind them (no identity, no patient id).
  [`GET ${TENANT}/reports/yearly`]: FIGURE_READERS,
  [`GET ${TENANT}/reports/yearly.pdf`]: FIGURE_READERS,
  [`GET ${TENANT}/reports/yearly/annex.csv`]: FIGURE_READERS,
  [`GET ${TENANT}/exports/financing.csv`]: FIGURE_READERS,
  // The pseudonymised event feed: no identity, no free text, patients by pseudonym.
  [`GET ${TENANT}/exports/events.ndjson`]: FIGURE_READERS,

  // Each member's own inbox (the notifications addressed to them).
  [`GET ${TENANT}/inbox`]: ['coordinator', 'professional'],
  [`POST ${TENANT}/inbox/:notificationId/read`]: ['coordinator', 'professional'],
  // Each member's own preferences (channels, quiet hours); a coordinator sets them for a member above.
  [`GET ${TENANT}/inbox/preferences`]: ['coordinator', 'professional'],
  [`POST ${TENANT}/inbox/preferences`]: ['coordinator', 'professional'],
  // The CPTS's webhook subscriptions: their URLs and secrets are the coordinators'.
  [`POST ${TENANT}/webhooks`]: COORDINATOR,
  [`GET ${TENANT}/webhooks`]: COORDINATOR,
  [`POST ${TENANT}/webhooks/:subscriptionId/removal`]: COORDINATOR,
  [`POST ${TENANT}/webhooks/corrections`]: COORDINATOR,

  // Audit.
  [`GET ${TENANT}/audit/streams/:streamId`]: AUDIT_READERS,
  [`GET ${TENANT}/audit/verify`]: AUDIT_READERS,
  [`GET ${TENANT}/audit/access-log`]: ['auditor'],
};

/** Routes that mint tokens: rate limited per client address, more strictly than the rest. */
export const TOKEN_MINT_ROUTES: readonly string[] = ['POST /api/v1/dev/tokens'];

/** Routes that may return a patient's identity: rate limited per user, more strictly than the rest. */
export const IDENTITY_READ_ROUTES: readonly string[] = [
  `GET ${TENANT}/patients/:patientId`,
  `POST ${TENANT}/patients/search`,
  `GET ${TENANT}/pathways/:pathwayId/fhir`,
];
