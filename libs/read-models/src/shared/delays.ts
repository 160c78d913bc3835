import type { Delay } from '@parcours/domain';

/**
 * The delays of the worklist and the indicators (`docs/rules.md`, Deadlines), each given once. Hours are
 * elapsed time, days Paris calendar days; `deadline` (the one deadline function) turns them into instants.
 */
export const DELAYS = {
  /** A discharge's medication reconciliation: `dischargeAt` + 48 h. */
  medicationReconciliation: { hours: 48 },
  /** A discharge's follow-up: `dischargeAt` + 7 days. */
  followUp: { days: 7 },
  /** A discharge notified ahead: `notifiedAt` ≤ `dischargeAt` − 24 h. */
  dischargeNotice: { hours: -24 },
  /** An answer to a referral, by urgency. */
  referral: {
    'jour-meme': { hours: 12 },
    '24h': { hours: 24 },
    programmee: { days: 14 },
  },
  /** An unscheduled-care request oriented: `receivedAt` + 24 h. */
  orientation: { hours: 24 },
  /** A médecin-traitant search: `registeredOn` + 30 days. */
  medecinTraitantSearch: { days: 30 },
} as const satisfies Record<string, Delay | Record<string, Delay>>;
