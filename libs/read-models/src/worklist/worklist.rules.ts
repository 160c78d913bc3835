import {
  addDays,
  deadline,
  parisClock,
  parisDayStart,
  parisTimestamp,
  shortFrenchDate,
} from '@parcours/domain';
import { DELAYS } from '../shared/delays';

/**
 * The worklist rules of `indicators.md` §Worklist, as pure functions: what opens an item, when it is due,
 * what closes it. The projection keeps the facts they need and calls these on every change.
 */

export const WORKLIST_KINDS = [
  'sortie.pharmacien',
  'sortie.suivi',
  'adressage.reponse',
  'snp.orientation',
  'rcp.revue',
  'mt.recherche',
] as const;
export type WorklistKind = (typeof WORKLIST_KINDS)[number];

export interface WorklistItem {
  kind: WorklistKind;
  /** A timestamp with the Paris offset, or a `YYYY-MM-DD` day for the rules counted in days from a date. */
  dueAt: string;
  /** The first instant at which the item is overdue (the end of the day for a due day); ordering key. */
  overdueFromMs: number;
  streamId: string;
  pathwayId?: string;
  patientId?: string;
  summary: string;
  /** The event that opened the item. */
  openedBy: string;
}

type Due = Pick<WorklistItem, 'dueAt' | 'overdueFromMs'>;

/** Due at an instant: overdue once it has passed. */
function dueAtInstant(ms: number): Due | null {
  if (!Number.isFinite(ms)) return null;
  return { dueAt: parisTimestamp(ms), overdueFromMs: ms + 1 };
}

/** Due on a Paris day: overdue from the start of the next day. */
function dueOnDay(date: string): Due | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const overdueFromMs = parisDayStart(addDays(date, 1));
  return Number.isFinite(overdueFromMs) ? { dueAt: date, overdueFromMs } : null;
}

// ---- due times --------------------------------------------------------------------------------------

/** `dischargeAt` + 48 h (elapsed). */
export const pharmacistDue = (dischargeAt: string) =>
  dueAtInstant(deadline(dischargeAt, DELAYS.medicationReconciliation));

/** `dischargeAt` + 7 calendar days, same Paris wall-clock time. */
export const followUpDue = (dischargeAt: string) => dueAtInstant(deadline(dischargeAt, DELAYS.followUp));

/** `referredAt` + 12 h (jour-meme), 24 h (24h), 14 calendar days (programmee). */
export function referralDue(referredAt: string, urgency: string): Due | null {
  const delay = DELAYS.referral[urgency as keyof typeof DELAYS.referral];
  return delay === undefined ? null : dueAtInstant(deadline(referredAt, delay));
}

/** `receivedAt` + 24 h (elapsed). */
export const orientationDue = (receivedAt: string) => dueAtInstant(deadline(receivedAt, DELAYS.orientation));

/** `reviewOn`, the day itself. */
export const reviewDue = (reviewOn: string) => dueOnDay(reviewOn);

/** `registeredOn` + 30 days: due on that Paris day. */
export const medecinTraitantDue = (registeredOn: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(registeredOn)
    ? dueOnDay(addDays(registeredOn, DELAYS.medecinTraitantSearch.days))
    : null;

// ---- pathway items ---------------------------------------------------------------------------------

/** The pathway entries the worklist follows, with corrections merged into their data. */
export const TRACKED_ENTRY_TYPES: ReadonlySet<string> = new Set([
  'PatientReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'DischargeNotified',
  'MedicationReconciliationSent',
  'FollowUpCompleted',
]);

export interface TrackedEntry {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  voided: boolean;
}

export interface PathwayFacts {
  cptsId: string;
  pathwayId: string;
  streamId: string;
  patientId?: string;
  status: 'open' | 'closed';
  entries: TrackedEntry[];
}

/** One case of an RCP about this pathway. */
export interface RcpCaseFact {
  rcpEventId: string;
  rcpStreamId: string;
  heldAt: string;
  reviewOn?: string;
}

const URGENCY_LABELS: Record<string, string> = {
  'jour-meme': 'jour même',
  '24h': 'sous 24 h',
  programmee: 'programmé',
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The open items of a pathway: none while it is closed; otherwise one per live discharge without its
 * reconciliation (resp. its follow-up), one per live referral without an answer, and the review asked
 * by the most recent RCP that discussed it (`cases` oldest first: a later RCP closes an earlier review).
 */
export function pathwayItems(pathway: PathwayFacts, cases: RcpCaseFact[]): WorklistItem[] {
  if (pathway.status === 'closed') return [];
  const live = pathway.entries.filter((entry) => !entry.voided);
  const answered = (types: string[], key: string, id: unknown) =>
    live.some((entry) => types.includes(entry.type) && entry.data[key] === id);
  const base = {
    streamId: pathway.streamId,
    pathwayId: pathway.pathwayId,
    ...(pathway.patientId === undefined ? {} : { patientId: pathway.patientId }),
  };
  const items: WorklistItem[] = [];

  for (const entry of live) {
    if (entry.type === 'DischargeNotified') {
      const dischargeAt = text(entry.data.dischargeAt) ?? '';
      const hospital = (entry.data.hospital as { name?: unknown } | undefined)?.name;
      const what = `sortie ${typeof hospital === 'string' ? `${hospital} ` : ''}du ${safeDate(dischargeAt)}`;
      const dischargeId = entry.data.dischargeId;
      const pharmacist = pharmacistDue(dischargeAt);
      if (pharmacist && !answered(['MedicationReconciliationSent'], 'dischargeId', dischargeId)) {
        items.push({
          kind: 'sortie.pharmacien',
          ...pharmacist,
          ...base,
          summary: `Conciliation médicamenteuse à envoyer — ${what}`,
          openedBy: entry.eventId,
        });
      }
      const followUp = followUpDue(dischargeAt);
      if (followUp && !answered(['FollowUpCompleted'], 'dischargeId', dischargeId)) {
        items.push({
          kind: 'sortie.suivi',
          ...followUp,
          ...base,
          summary: `Suivi post-sortie à réaliser — ${what}`,
          openedBy: entry.eventId,
        });
      }
    } else if (entry.type === 'PatientReferred') {
      const urgency = text(entry.data.urgency) ?? '';
      const referredAt = text(entry.data.referredAt) ?? '';
      const due = referralDue(referredAt, urgency);
      const closers = ['ReferralAccepted', 'ReferralDeclined', 'ReferralCompleted'];
      if (due && !answered(closers, 'referralId', entry.data.referralId)) {
        const to = (entry.data.to ?? {}) as { profession?: unknown };
        const towards = typeof to.profession === 'string' ? `, vers ${to.profession}` : '';
        items.push({
          kind: 'adressage.reponse',
          ...due,
          ...base,
          summary: `Réponse attendue à l’adressage du ${safeDate(referredAt)} (${URGENCY_LABELS[urgency] ?? urgency}${towards})`,
          openedBy: entry.eventId,
        });
      }
    }
  }

  const latest = cases[cases.length - 1];
  if (latest?.reviewOn !== undefined) {
    const due = reviewDue(latest.reviewOn);
    if (due) {
      items.push({
        kind: 'rcp.revue',
        ...due,
        ...base,
        streamId: latest.rcpStreamId,
        summary: `Cas à revoir en RCP le ${shortFrenchDate(latest.reviewOn)} — décidé en RCP du ${safeDate(latest.heldAt)}`,
        openedBy: latest.rcpEventId,
      });
    }
  }
  return items;
}

function safeDate(value: string): string {
  return Number.isFinite(Date.parse(value)) ? shortFrenchDate(value) : '?';
}

// ---- items of other streams --------------------------------------------------------------------------

const CHANNEL_LABELS: Record<string, string> = {
  telephone: 'téléphone',
  pharmacie: 'pharmacie',
  sas: 'SAS',
  plateforme: 'plateforme',
  autre: 'autre canal',
};

export function orientationItem(request: {
  streamId: string;
  eventId: string;
  receivedAt: string;
  channel: string;
  viaSas: boolean;
  patientId?: string;
}): WorklistItem | null {
  const due = orientationDue(request.receivedAt);
  if (!due) return null;
  const received = Date.parse(request.receivedAt);
  const channel = CHANNEL_LABELS[request.channel] ?? request.channel;
  const sas = request.viaSas && request.channel !== 'sas' ? ', via le SAS' : '';
  return {
    kind: 'snp.orientation',
    ...due,
    streamId: request.streamId,
    ...(request.patientId === undefined ? {} : { patientId: request.patientId }),
    summary: `Demande de soins non programmés à orienter — reçue le ${shortFrenchDate(received)} à ${parisClock(received)} (${channel}${sas})`,
    openedBy: request.eventId,
  };
}

const PRIORITY_LABELS: Record<string, string> = {
  ald: 'ALD',
  'plus-de-70-ans': 'plus de 70 ans',
  precarite: 'précarité',
};

export function medecinTraitantItem(search: {
  streamId: string;
  eventId: string;
  patientId: string;
  registeredOn: string;
  priority: string;
}): WorklistItem | null {
  const due = medecinTraitantDue(search.registeredOn);
  if (!due) return null;
  const priority = PRIORITY_LABELS[search.priority];
  return {
    kind: 'mt.recherche',
    ...due,
    streamId: search.streamId,
    patientId: search.patientId,
    summary: `Médecin traitant à trouver — recherche du ${shortFrenchDate(search.registeredOn)}${priority ? ` (priorité ${priority})` : ''}`,
    openedBy: search.eventId,
  };
}
