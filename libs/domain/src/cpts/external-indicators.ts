/**
 * The national figures of the "accès aux soins" mission that only the Assurance Maladie can compute from
 * its own data (the covered population, hospital stays): the CPAM sends them once a year and the CPTS
 * records them as `ExternalIndicatorRecorded`, to read beside the figures Parcours computes itself.
 *
 * - `share`: a proportion from 0 to 1 (0.87 for 87 %);
 * - `per-1000`: a rate per 1 000 inhabitants of the territory (0 or more).
 *
 * `direction` says which way is progress, as the national indicator states it.
 */
export const EXTERNAL_INDICATORS = [
  {
    code: 'acces.cpam.patientele-mt',
    unit: 'share',
    direction: 'increasing',
    label: {
      fr: 'Part de la population couverte ayant un médecin traitant',
      en: 'Share of the covered population with a médecin traitant',
    },
  },
  {
    code: 'acces.cpam.sans-mt-ald',
    unit: 'share',
    direction: 'decreasing',
    label: {
      fr: 'Part des patients en ALD sans médecin traitant',
      en: 'Share of ALD patients without a médecin traitant',
    },
  },
  {
    code: 'acces.cpam.sans-mt-70-ans',
    unit: 'share',
    direction: 'decreasing',
    label: {
      fr: 'Part des patients de 70 ans et plus sans médecin traitant',
      en: 'Share of patients aged 70 or more without a médecin traitant',
    },
  },
  {
    code: 'acces.cpam.sans-mt-css',
    unit: 'share',
    direction: 'decreasing',
    label: {
      fr: 'Part des bénéficiaires de la CSS sans médecin traitant',
      en: 'Share of CSS beneficiaries without a médecin traitant',
    },
  },
  {
    code: 'acces.cpam.urgences-sans-hospitalisation',
    unit: 'per-1000',
    direction: 'decreasing',
    label: {
      fr: 'Passages aux urgences (générales, pédiatriques, gynéco-obstétriques) non suivis d’hospitalisation, pour 1 000 habitants',
      en: 'Emergency visits (general, paediatric, obstetric) not followed by admission, per 1,000 inhabitants',
    },
  },
  {
    code: 'acces.cpam.admissions-directes-ville',
    unit: 'share',
    direction: 'increasing',
    label: {
      fr: 'Part des admissions directes en hospitalisation adressées par un professionnel de ville',
      en: 'Share of direct hospital admissions referred by a community professional',
    },
  },
] as const;

export type ExternalIndicatorCode = (typeof EXTERNAL_INDICATORS)[number]['code'];
export type ExternalIndicatorUnit = (typeof EXTERNAL_INDICATORS)[number]['unit'];

export const EXTERNAL_INDICATOR_CODES: readonly ExternalIndicatorCode[] = EXTERNAL_INDICATORS.map(
  (indicator) => indicator.code,
);

export function externalIndicator(code: string): (typeof EXTERNAL_INDICATORS)[number] | undefined {
  return EXTERNAL_INDICATORS.find((indicator) => indicator.code === code);
}

/** The largest rate per 1 000 accepted: beyond it the figure was typed in the wrong unit. */
export const MAX_PER_1000 = 1000;
