/**
 * The French national identifiers Parcours reads and writes (ANS, FR Core): the INS of a patient, the
 * RPPS of a professional, the FINESS of an establishment.
 */

/** INS systems: the NIR, the NIA (a temporary number), and the two test ranges (test, démonstration). */
export const INS_SYSTEMS = {
  nir: 'urn:oid:1.2.250.1.213.1.4.8',
  nia: 'urn:oid:1.2.250.1.213.1.4.9',
  test: 'urn:oid:1.2.250.1.213.1.4.10',
  demo: 'urn:oid:1.2.250.1.213.1.4.11',
} as const;
export const INS_SYSTEM_URIS: readonly string[] = Object.values(INS_SYSTEMS);

/** National professional id (idNatPs): `8` + the RPPS for a professional registered in the RPPS. */
export const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
export const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
/** National structure id (idNatSt): `1` + the FINESS for an establishment. */
export const ID_NAT_ST = 'urn:oid:1.2.250.1.71.4.2.2';
export const FINESS_SYSTEM = 'https://finess.esante.gouv.fr';

/** FR Core's identity reliability extension and the RNIV status of a qualified identity. */
export const IDENTITY_RELIABILITY =
  'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';
export const IDENTITY_STATUS_SYSTEM = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status';
/** FR Core 2.0/2.1 carried the status in HL7 v2 table 0445, where `VALI` was given only with an INS. */
export const LEGACY_IDENTITY_STATUS_SYSTEM = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445';

const INS_PATTERN = /^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}(?:\d{2})?$/;

/**
 * Why an INS is not one, or null. 13 characters (sex, year, month, department — `2A`/`2B` in Corsica —,
 * commune, order) and, at 15, the key: 97 minus the number modulo 97, Corsica's `2A`/`2B` counted as
 * 19/18 (the rule of the NIR).
 */
export function insProblem(value: string): { fr: string; en: string } | null {
  const ins = value.replace(/\s+/g, '').toUpperCase();
  if (!INS_PATTERN.test(ins)) {
    return {
      fr: 'un INS a 13 caractères, ou 15 avec sa clé',
      en: 'an INS has 13 characters, or 15 with its key',
    };
  }
  if (ins.length === 13) return null;
  const key = Number(ins.slice(13));
  if (key !== insKey(ins.slice(0, 13))) {
    return {
      fr: 'la clé de l’INS ne correspond pas à ses 13 caractères',
      en: 'the key of the INS does not match its 13 characters',
    };
  }
  return null;
}

/** The 2-digit key of a 13-character NIR. */
export function insKey(nir13: string): number {
  const digits = nir13.replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(digits) % 97n);
}

/** The RPPS (11 digits) an identifier carries, from the RPPS system or an idNatPs of prefix 8. */
export function rppsOf(identifier: { system?: string; value?: string }): string | undefined {
  const value = identifier.value?.trim();
  if (!value) return undefined;
  if (identifier.system === RPPS_SYSTEM && /^\d{11}$/.test(value)) return value;
  if (identifier.system === ID_NAT_PS && /^8\d{11}$/.test(value)) return value.slice(1);
  return undefined;
}

const FINESS_PATTERN = /^(?:\d{2}|2[AB])\d{7}$/;

/** The FINESS (9 characters) an identifier carries, from the FINESS system or an idNatSt of prefix 1. */
export function finessOf(identifier: { system?: string; value?: string }): string | undefined {
  const value = identifier.value?.trim().toUpperCase();
  if (!value) return undefined;
  if (identifier.system === FINESS_SYSTEM && FINESS_PATTERN.test(value)) return value;
  if (identifier.system === ID_NAT_ST && /^1/.test(value) && FINESS_PATTERN.test(value.slice(1)))
    return value.slice(1);
  return undefined;
}
