import type { ProtocolPublished } from './protocol.events';

/**
 * The national cooperation protocols every new CPTS starts with (`events.md`, Protocols; digest
 * `seed-001-thesis-digest.md` §5.1): four GP–pharmacist–nurse protocols for unscheduled care, HAS opinion
 * of 29 Jan 2020, authorised by the arrêté of 6 Mar 2020; the arrêté of 5 May 2021 (drug list) widened
 * cystitis to women aged 16–65, hence its version 2.
 *
 * Ages are whole months, both bounds inclusive: "16 to 25 years" is 192 to 311 months (under 26).
 *
 * Exclusions: the digest says each arrêté's annexes list exclusion criteria but does not quote them. The
 * lists below are the main criteria of the HAS protocols as published in 2020, kept as data so that a
 * CPTS can publish a corrected version; check them against the annexes before clinical use.
 *
 * The order is part of the registration's idempotency (each entry's event id is derived from its
 * position, see `cpts.commands.ts`): only ever append to this list.
 */

const SINCE_2020 = '2020-03-06';
const COMMON = {
  kind: 'cooperation-nationale',
  professions: ['pharmacien', 'infirmier'],
  requiresMtInformation: true,
} as const;

const years = (n: number): number => n * 12;
/** "Up to N years" includes the whole year of age N: under N + 1. */
const upToYears = (n: number): number => (n + 1) * 12 - 1;

const CYSTITIS_EXCLUSIONS = [
  { code: 'fievre-frissons', label: 'Fièvre (≥ 38 °C) ou frissons' },
  { code: 'douleur-lombaire', label: 'Douleur lombaire ou de la fosse lombaire' },
  { code: 'grossesse', label: 'Grossesse connue ou possible' },
  { code: 'recidive', label: 'Au moins 3 épisodes dans les 12 derniers mois, ou épisode de moins de 3 mois' },
  { code: 'symptomes-plus-5-jours', label: 'Symptômes évoluant depuis plus de 5 jours' },
  { code: 'pertes-vaginales', label: 'Pertes vaginales ou prurit vulvaire' },
  { code: 'anomalie-urologique', label: 'Anomalie connue de l’appareil urinaire, sonde urinaire' },
  { code: 'immunodepression', label: 'Immunodépression' },
  { code: 'insuffisance-renale', label: 'Insuffisance rénale sévère connue' },
];

/** Catalogue data is shared by every caller: frozen, so that nobody edits it by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export const NATIONAL_PROTOCOLS: readonly ProtocolPublished[] = deepFreeze([
  {
    code: 'pollakiurie-brulure-mictionnelle',
    version: 1,
    title: 'Prise en charge de la pollakiurie et de la brûlure mictionnelle chez la femme de 16 à 25 ans',
    ...COMMON,
    professions: [...COMMON.professions],
    eligibility: {
      sex: 'F',
      minAgeMonths: years(16),
      maxAgeMonths: upToYears(25),
      exclusions: CYSTITIS_EXCLUSIONS,
    },
    tests: ['bandelette-urinaire'],
    effectiveFrom: SINCE_2020,
  },
  {
    code: 'pollakiurie-brulure-mictionnelle',
    version: 2,
    title:
      'Prise en charge de la pollakiurie et de la brûlure mictionnelle non fébriles chez la femme de 16 à 65 ans',
    ...COMMON,
    professions: [...COMMON.professions],
    eligibility: {
      sex: 'F',
      minAgeMonths: years(16),
      maxAgeMonths: upToYears(65),
      exclusions: CYSTITIS_EXCLUSIONS,
    },
    tests: ['bandelette-urinaire'],
    effectiveFrom: '2021-05-05',
  },
  {
    code: 'odynophagie',
    version: 1,
    title: 'Prise en charge de l’odynophagie chez le patient de 6 à 45 ans',
    ...COMMON,
    professions: [...COMMON.professions],
    eligibility: {
      minAgeMonths: years(6),
      maxAgeMonths: upToYears(45),
      exclusions: [
        { code: 'immunodepression', label: 'Immunodépression' },
        { code: 'alteration-etat-general', label: 'Altération de l’état général, fièvre mal tolérée' },
        { code: 'gene-respiratoire', label: 'Gêne respiratoire' },
        { code: 'dysphagie-trismus', label: 'Impossibilité d’avaler la salive, trismus' },
        { code: 'eruption-cutanee', label: 'Éruption cutanée associée' },
        { code: 'symptomes-plus-8-jours', label: 'Symptômes évoluant depuis plus de 8 jours' },
        { code: 'recidive', label: 'Épisode d’angine dans les 15 derniers jours' },
        { code: 'antibiotique-en-cours', label: 'Antibiothérapie en cours ou récente' },
        { code: 'grossesse', label: 'Grossesse connue ou possible' },
      ],
    },
    tests: ['trod-angine'],
    effectiveFrom: SINCE_2020,
  },
  {
    code: 'rhino-conjonctivite-allergique',
    version: 1,
    title:
      'Renouvellement du traitement de la rhino-conjonctivite allergique saisonnière, patients de 15 à 50 ans',
    ...COMMON,
    professions: [...COMMON.professions],
    eligibility: {
      minAgeMonths: years(15),
      maxAgeMonths: upToYears(50),
      exclusions: [
        {
          code: 'sans-diagnostic-medical',
          label: 'Pas de diagnostic médical antérieur de rhinite allergique saisonnière (premier épisode)',
        },
        { code: 'signes-asthme', label: 'Toux, sifflements, gêne respiratoire (signes d’asthme)' },
        { code: 'symptomes-unilateraux', label: 'Symptômes unilatéraux' },
        { code: 'fievre', label: 'Fièvre' },
        { code: 'atteinte-oculaire', label: 'Douleur oculaire, baisse de la vision ou photophobie' },
        { code: 'ecoulement-purulent', label: 'Écoulement nasal ou oculaire purulent' },
        { code: 'grossesse-allaitement', label: 'Grossesse ou allaitement' },
      ],
    },
    tests: [],
    effectiveFrom: SINCE_2020,
  },
  {
    code: 'eruption-vesiculeuse-enfant',
    version: 1,
    title: 'Prise en charge de l’éruption cutanée vésiculeuse prurigineuse chez l’enfant de 12 mois à 12 ans',
    ...COMMON,
    professions: [...COMMON.professions],
    eligibility: {
      minAgeMonths: 12,
      maxAgeMonths: upToYears(12),
      exclusions: [
        { code: 'immunodepression', label: 'Immunodépression' },
        { code: 'fievre-elevee', label: 'Fièvre élevée (≥ 39 °C) ou mal tolérée' },
        { code: 'surinfection-cutanee', label: 'Signes de surinfection cutanée' },
        { code: 'signes-neurologiques', label: 'Signes neurologiques' },
        { code: 'signes-respiratoires', label: 'Signes respiratoires' },
        { code: 'eruption-atypique', label: 'Éruption atypique ou étendue aux muqueuses' },
        { code: 'corticoides-ains', label: 'Traitement en cours par corticoïdes ou anti-inflammatoires' },
      ],
    },
    tests: [],
    effectiveFrom: SINCE_2020,
  },
]);

/** The national protocols grouped per code (one stream each), versions in order, with their position. */
export function nationalProtocolStreams(): Array<{
  code: string;
  versions: Array<{ index: number; data: ProtocolPublished }>;
}> {
  const streams = new Map<string, Array<{ index: number; data: ProtocolPublished }>>();
  NATIONAL_PROTOCOLS.forEach((data, index) => {
    const versions = streams.get(data.code) ?? [];
    versions.push({ index, data });
    streams.set(data.code, versions);
  });
  return [...streams].map(([code, versions]) => ({ code, versions }));
}
