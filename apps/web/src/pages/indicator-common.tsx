/**
 * What the indicators dashboard and its drill-down share: the names of the 26 indicators of
 * `indicators.md` in French and English, the API's shapes, periods (`[from, to)` of Paris dates) and how
 * a figure is written.
 */
import type { Lang } from '../i18n';
import { formatNumber, formatPercent } from '../format';
import { label } from '../labels';
import type { ExternalFigure } from './indicators-external';

export interface Figure {
  code: string;
  mission: string | null;
  value: number | null;
  numerator?: number;
  denominator?: number;
  breakdown?: Record<string, number>;
}

export interface Figures {
  cptsId: string;
  from: string;
  to: string;
  asOf?: string;
  position: string;
  indicators: Figure[];
  /** The CPAM's yearly figures whose year overlaps the period (`indicators-external.tsx`). */
  external?: ExternalFigure[];
}

export interface Series {
  from: string;
  to: string;
  asOf?: string;
  months: Array<{ from: string; to: string; indicators: Figure[] }>;
}

interface IndicatorText {
  fr: string;
  en: string;
  /** What is counted, in one sentence. */
  defFr: string;
  defEn: string;
  /** Measured on the last day of the period rather than summed over it. */
  snapshot?: true;
}

/** The indicators of `indicators.md`, in the order of the catalogue. */
export const INDICATOR_TEXT: Record<string, IndicatorText> = {
  'acces.mt.recherches': {
    fr: 'Recherches de médecin traitant',
    en: 'Médecin traitant searches',
    defFr: 'Recherches de médecin traitant enregistrées dans la période.',
    defEn: 'Médecin traitant searches registered in the period.',
  },
  'acces.mt.attributions': {
    fr: 'Médecins traitants attribués',
    en: 'Médecins traitants assigned',
    defFr: 'Attributions d’un médecin traitant datées dans la période.',
    defEn: 'Assignments of a médecin traitant dated in the period.',
  },
  'acces.mt.sans-mt': {
    fr: 'Patients toujours sans médecin traitant',
    en: 'Patients still without a médecin traitant',
    defFr: 'Au dernier jour de la période : patients dont la recherche n’a pas abouti à une attribution.',
    defEn: 'On the last day of the period: patients whose search has not ended with an assignment.',
    snapshot: true,
  },
  'acces.snp.demandes': {
    fr: 'Demandes de soins non programmés',
    en: 'Unscheduled care requests',
    defFr: 'Demandes reçues dans la période.',
    defEn: 'Requests received in the period.',
  },
  'acces.snp.taux-24h': {
    fr: 'Soins non programmés : rendez-vous sous 24 h',
    en: 'Unscheduled care: appointment within 24 h',
    defFr: 'Part des demandes de la période orientées vers un rendez-vous au plus 24 h après leur réception.',
    defEn: 'Share of the requests of the period given an appointment at most 24 h after they came in.',
  },
  'acces.sas.rdv': {
    fr: 'Rendez-vous obtenus via le SAS',
    en: 'Appointments through the SAS',
    defFr: 'Demandes de la période arrivées par le SAS et orientées vers un rendez-vous.',
    defEn: 'Requests of the period that came through the SAS and were given an appointment.',
  },
  'acces.sas.medecins': {
    fr: 'Médecins participant au SAS',
    en: 'Doctors taking part in the SAS',
    defFr: 'Au dernier jour de la période : médecins membres participant au SAS.',
    defEn: 'On the last day of the period: member doctors taking part in the SAS.',
    snapshot: true,
  },
  'parcours.ouverts': {
    fr: 'Parcours ouverts',
    en: 'Pathways opened',
    defFr: 'Parcours ouverts dans la période, par type.',
    defEn: 'Pathways opened in the period, by kind.',
  },
  'parcours.clos': {
    fr: 'Parcours clos',
    en: 'Pathways closed',
    defFr: 'Clôtures de parcours datées dans la période.',
    defEn: 'Pathway closures dated in the period.',
  },
  'parcours.actifs': {
    fr: 'Parcours en cours',
    en: 'Active pathways',
    defFr: 'Au dernier jour de la période : parcours ouverts et non clos.',
    defEn: 'On the last day of the period: pathways opened and not closed.',
    snapshot: true,
  },
  'parcours.adressages': {
    fr: 'Adressages',
    en: 'Referrals',
    defFr: 'Adressages de la période, par urgence.',
    defEn: 'Referrals of the period, by urgency.',
  },
  'parcours.adressages.taux-acceptation': {
    fr: 'Adressages acceptés',
    en: 'Referrals accepted',
    defFr: 'Part des adressages de la période qui ont été acceptés.',
    defEn: 'Share of the referrals of the period that were accepted.',
  },
  'parcours.sorties': {
    fr: 'Sorties d’hospitalisation',
    en: 'Hospital discharges',
    defFr: 'Sorties d’hospitalisation datées dans la période.',
    defEn: 'Hospital discharges dated in the period.',
  },
  'parcours.sorties.taux-preavis-24h': {
    fr: 'Sorties annoncées 24 h à l’avance',
    en: 'Discharges notified 24 h ahead',
    defFr: 'Part des sorties de la période annoncées au moins 24 h avant la sortie.',
    defEn: 'Share of the discharges of the period notified at least 24 h before the discharge.',
  },
  'parcours.sorties.taux-pharmacien-48h': {
    fr: 'Conciliation médicamenteuse sous 48 h',
    en: 'Medication reconciliation within 48 h',
    defFr: 'Part des sorties de la période suivies d’une conciliation envoyée au plus 48 h après la sortie.',
    defEn: 'Share of the discharges of the period with a reconciliation sent at most 48 h after discharge.',
  },
  'parcours.sorties.taux-suivi-7j': {
    fr: 'Suivi dans les 7 jours après la sortie',
    en: 'Follow-up within 7 days of discharge',
    defFr: 'Part des sorties de la période suivies d’un suivi réalisé au plus 7 jours après la sortie.',
    defEn: 'Share of the discharges of the period with a follow-up done at most 7 days after discharge.',
  },
  'parcours.rcp': {
    fr: 'RCP tenues',
    en: 'RCPs held',
    defFr: 'Réunions de concertation pluriprofessionnelle tenues dans la période.',
    defEn: 'Multi-professional case reviews (RCP) held in the period.',
  },
  'prevention.actions': {
    fr: 'Actions de prévention',
    en: 'Prevention actions',
    defFr: 'Actions de prévention menées dans la période, et personnes touchées.',
    defEn: 'Prevention actions held in the period, and people reached.',
  },
  'qualite.protocoles': {
    fr: 'Protocoles appliqués',
    en: 'Protocol applications',
    defFr: 'Applications de protocoles pluriprofessionnels dans la période, par protocole et version.',
    defEn: 'Applications of multi-professional protocols in the period, by protocol and version.',
  },
  'qualite.protocoles.taux-mt-informe': {
    fr: 'Dispensations avec médecin traitant informé',
    en: 'Dispensings with the médecin traitant informed',
    defFr: 'Part des dispensations sous protocole de la période dont le médecin traitant a été informé.',
    defEn: 'Share of the dispensings under a protocol in the period whose médecin traitant was informed.',
  },
  'qualite.formations': {
    fr: 'Formations',
    en: 'Training sessions',
    defFr: 'Formations tenues dans la période.',
    defEn: 'Training sessions held in the period.',
  },
  'accompagnement.stagiaires': {
    fr: 'Stagiaires accueillis',
    en: 'Interns hosted',
    defFr: 'Stages commençant dans la période.',
    defEn: 'Internships starting in the period.',
  },
  'accompagnement.nouveaux-membres': {
    fr: 'Nouveaux membres',
    en: 'New members',
    defFr: 'Adhésions datées dans la période.',
    defEn: 'Members who joined in the period.',
  },
  'adhesion.membres': {
    fr: 'Membres',
    en: 'Members',
    defFr: 'Au dernier jour de la période : membres ayant adhéré et non partis.',
    defEn: 'On the last day of the period: members who joined and have not left.',
    snapshot: true,
  },
  'adhesion.membres-actifs': {
    fr: 'Membres actifs',
    en: 'Active members',
    defFr: 'Au dernier jour de la période : membres ayant eu une activité dans les 12 mois précédents.',
    defEn: 'On the last day of the period: members with an activity in the 12 months before.',
    snapshot: true,
  },
  'adhesion.population': {
    fr: 'Population couverte',
    en: 'Population covered',
    defFr: 'Au dernier jour de la période : population du territoire de la CPTS.',
    defEn: 'On the last day of the period: population of the CPTS’s territory.',
    snapshot: true,
  },
};

export function indicatorName(lang: Lang, code: string): string {
  const entry = INDICATOR_TEXT[code];
  return entry ? entry[lang] : code;
}

export function indicatorDefinition(lang: Lang, code: string): string {
  const entry = INDICATOR_TEXT[code];
  if (!entry) return '';
  return lang === 'fr' ? entry.defFr : entry.defEn;
}

export const isRate = (figure: Figure): boolean => figure.denominator !== undefined;

/** The figure as people read it: a count, or a rate in %. */
export function formatFigure(figure: Figure, lang: Lang): string {
  if (figure.value === null) return '—';
  return isRate(figure) ? formatPercent(figure.value, lang) : formatNumber(figure.value, lang);
}

/** `172 / 201` for a rate; undefined for a count. */
export function formatRatio(figure: Figure, lang: Lang): string | undefined {
  if (!isRate(figure)) return undefined;
  return `${formatNumber(figure.numerator ?? 0, lang)} / ${formatNumber(figure.denominator ?? 0, lang)}`;
}

/** The labels of a breakdown's keys, by indicator. */
const BREAKDOWN_KEYS: Record<string, Record<string, [fr: string, en: string]>> = {
  'parcours.rcp': {
    complexes: ['Dont cas complexes', 'Of which complex cases'],
    cas: ['Cas discutés', 'Cases discussed'],
  },
  'prevention.actions': { personnes: ['Personnes touchées', 'People reached'] },
};

export function breakdownLabel(lang: Lang, code: string, key: string): string {
  if (code === 'parcours.ouverts') return label(lang, 'pathwayKind', key);
  if (code === 'parcours.adressages') return label(lang, 'urgency', key);
  if (code === 'acces.mt.sans-mt') return label(lang, 'priority', key);
  const pair = BREAKDOWN_KEYS[code]?.[key];
  return pair ? pair[lang === 'fr' ? 0 : 1] : key;
}

// ---- Periods: `[from, to)` of Paris calendar dates, as the API takes them ----

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date `YYYY-MM-DD`. */
export function isDate(value: string | null | undefined): value is string {
  const match = value ? DATE.exec(value) : null;
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === (m ?? 1) - 1 && date.getUTCDate() === d;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 1970, m ?? 1, d ?? 1];
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return iso(Date.UTC(y, m - 1, d + days));
}

/** + n months, the day clamped to the month's length. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return iso(Date.UTC(y, m - 1 + months, Math.min(d, lastDay)));
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

export const firstOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;

/** Whole months between two firsts of a month. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = parts(from);
  const [ty, tm] = parts(to);
  return (ty - fy) * 12 + (tm - fm);
}

export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

/**
 * The period of the same length just before: as many whole months when the period is made of whole
 * months (12 months → the 12 months before), else as many days.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  if (from.endsWith('-01') && to.endsWith('-01')) {
    return { from: addMonths(from, -monthsBetween(from, to)), to: from };
  }
  return { from: addDays(from, -daysBetween(from, to)), to: from };
}

/** Calendar months touched by `[from, to)` (what the series route returns). */
export function monthCount(from: string, to: string): number {
  return monthsBetween(firstOfMonth(from), firstOfMonth(addDays(to, -1))) + 1;
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** `nov.` / `Nov` for a chart's axis. */
export function shortMonth(date: string, lang: Lang): string {
  const [y, m] = parts(date);
  return new Intl.DateTimeFormat(locale(lang), { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/** `novembre 2025`, or `15–30 novembre 2025` for a partial month. */
export function monthTitle(from: string, to: string, lang: Lang): string {
  const [y, m, d] = parts(from);
  const name = new Intl.DateTimeFormat(locale(lang), {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 15)));
  const last = parts(addDays(to, -1))[2];
  const monthEnd = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d === 1 && last === monthEnd ? name : `${d}–${last} ${name}`;
}

/** An event type's label (`eventType`, then the other types), else the type itself. */
export function eventTypeLabel(lang: Lang, type: string): string {
  const pathwayEvent = label(lang, 'eventType', type);
  return pathwayEvent !== type ? pathwayEvent : label(lang, 'otherEventType', type);
}
