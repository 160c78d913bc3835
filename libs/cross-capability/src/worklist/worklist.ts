import { type PendingRow, parisClock, safeDate, shortFrenchDate } from '@parcours/domain';

/**
 * The worklist (`docs/indicators.md`, Worklist): what is due or overdue across the CPTS, read at request time
 * from the capabilities' read models — the steps due on open pathways (the pathway view's `pending`, which
 * the pathway page shows too), the unscheduled-care requests still to orient (the request log), and the
 * médecin-traitant searches still open (the patient summaries). Each due date was computed once, when the
 * event that opened the item was applied, by the one deadline function; what an item says is shaped here.
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

/** An item as the route gives it (`overdue` against the clock of the read). */
export interface WorklistEntry {
  kind: WorklistKind;
  /** A timestamp with the Paris offset, or a `YYYY-MM-DD` day for the rules counted in days from a date. */
  dueAt: string;
  overdue: boolean;
  streamId: string;
  pathwayId?: string;
  patientId?: string;
  summary: string;
  /** The event that opened the item. */
  openedBy: string;
  /** Who works it, when assigned: a member or a coordinator (`itemId`: its stream, for corrections). */
  assignee?: { itemId: string; memberId?: string; coordinatorId?: string; assignedAt: string };
}

const URGENCY_LABELS: Record<string, string> = {
  'jour-meme': 'jour même',
  '24h': 'sous 24 h',
  programmee: 'programmé',
};

/** What the worklist says of a step due on a pathway. */
export function pathwayItemSummary(step: PendingRow): string {
  switch (step.kind) {
    case 'sortie.pharmacien':
    case 'sortie.suivi': {
      const what = `sortie ${step.hospital ? `${step.hospital} ` : ''}du ${safeDate(step.at)}`;
      return step.kind === 'sortie.pharmacien'
        ? `Conciliation médicamenteuse à envoyer — ${what}`
        : `Suivi post-sortie à réaliser — ${what}`;
    }
    case 'adressage.reponse': {
      const to = JSON.parse(step.recipient ?? '{}') as { profession?: unknown };
      const towards = typeof to.profession === 'string' ? `, vers ${to.profession}` : '';
      const urgency = step.urgency ?? '';
      return `Réponse attendue à l’adressage du ${safeDate(step.at)} (${URGENCY_LABELS[urgency] ?? urgency}${towards})`;
    }
    case 'rcp.revue':
      return `Cas à revoir en RCP le ${shortFrenchDate(step.review_on ?? step.due_at)} — décidé en RCP du ${safeDate(step.at)}`;
  }
}

const CHANNEL_LABELS: Record<string, string> = {
  telephone: 'téléphone',
  pharmacie: 'pharmacie',
  sas: 'SAS',
  plateforme: 'plateforme',
  autre: 'autre canal',
};

/** What the worklist says of a request to orient. */
export function orientationSummary(request: {
  receivedAt: string;
  channel: string;
  viaSas: boolean;
}): string {
  const received = Date.parse(request.receivedAt);
  const channel = CHANNEL_LABELS[request.channel] ?? request.channel;
  const sas = request.viaSas && request.channel !== 'sas' ? ', via le SAS' : '';
  return `Demande de soins non programmés à orienter — reçue le ${shortFrenchDate(received)} à ${parisClock(received)} (${channel}${sas})`;
}

const PRIORITY_LABELS: Record<string, string> = {
  ald: 'ALD',
  'plus-de-70-ans': 'plus de 70 ans',
  precarite: 'précarité',
};

/** What the worklist says of a médecin-traitant search still open. */
export function searchSummary(search: { registeredOn: string; priority: string }): string {
  const priority = PRIORITY_LABELS[search.priority];
  return `Médecin traitant à trouver — recherche du ${shortFrenchDate(search.registeredOn)}${priority ? ` (priorité ${priority})` : ''}`;
}
