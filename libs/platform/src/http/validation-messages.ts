/**
 * class-validator writes its messages in English, and only in English. The API answers in the client's
 * language (`Accept-Language`, French by default), so each message is rendered again here: the English
 * message is the key (class-validator's default messages and this project's own are fixed strings with a
 * subject and, for some, a number or a list), each pattern gives its French wording. The English text is
 * the message as class-validator wrote it.
 *
 * A message no pattern knows keeps its English words behind a French lead-in: the field and the
 * constraint are still named, and the unit test lists every constraint the DTOs use.
 */

export type Language = 'fr' | 'en';

interface Translation {
  /** Matches the predicate, what follows "<subject> must " (or "should "). */
  pattern: RegExp;
  fr: (match: RegExpExecArray) => string;
}

const list = (values: string) => values.split(/,\s*/).join(', ');

/** Predicates after "must" (or "should"), in class-validator's words or the project's. */
const PREDICATES: Translation[] = [
  // The project's own formats (libs/domain/src/shared/http/validators.ts and the DTOs).
  {
    pattern: /^be an ISO 8601 timestamp with an offset, e\.g\. (\S+)$/,
    fr: (m) => `doit être un horodatage ISO 8601 avec son décalage horaire, par exemple ${m[1]}`,
  },
  { pattern: /^be a date YYYY-MM-DD$/, fr: () => 'doit être une date AAAA-MM-JJ' },
  {
    pattern: /^be a date YYYY-MM-DD or a timestamp with an offset \((\S+)\)$/,
    fr: (m) => `doit être une date AAAA-MM-JJ ou un horodatage avec son décalage horaire (${m[1]})`,
  },
  {
    pattern: /^not list an exclusion code twice$/,
    fr: () => 'ne doit pas citer deux fois la même exclusion',
  },
  {
    pattern: /^map question codes \(a-z, 0-9, -\) to booleans, numbers or short texts \(50 at most\)$/,
    fr: () =>
      'doit associer des codes de question (a-z, 0-9, -) à des booléens, des nombres ou des textes courts (50 au plus)',
  },
  { pattern: /^be an RPPS number \(11 digits\)$/, fr: () => 'doit être un numéro RPPS (11 chiffres)' },
  {
    pattern: /^be a FINESS number \(9 characters\)$/,
    fr: () => 'doit être un numéro FINESS (9 caractères)',
  },
  {
    pattern: /^be an INSEE commune code \(5 characters\)$/,
    fr: () => 'doit être un code commune INSEE (5 caractères)',
  },
  { pattern: /^be an INS \(13 or 15 characters\)$/, fr: () => 'doit être un INS (13 ou 15 caractères)' },
  { pattern: /^not be blank$/, fr: () => 'ne doit pas être vide' },
  { pattern: /^be an integer from (\d+) to (\d+)$/, fr: (m) => `doit être un entier de ${m[1]} à ${m[2]}` },
  { pattern: /^be a year from (\d+) to (\d+)$/, fr: (m) => `doit être une année de ${m[1]} à ${m[2]}` },
  { pattern: /^be true or false$/, fr: () => 'doit valoir true ou false' },
  { pattern: /^be an integer$/, fr: () => 'doit être un nombre entier' },
  { pattern: /^be a member id \(UUID\)$/, fr: () => 'doit être un identifiant de membre (UUID)' },
  { pattern: /^be a patient id \(UUID\)$/, fr: () => 'doit être un identifiant de patient (UUID)' },
  { pattern: /^be a protocol code$/, fr: () => 'doit être un code de protocole' },
  {
    pattern: /^be a position \(a decimal string\)$/,
    fr: () => 'doit être une position (une chaîne de chiffres)',
  },
  { pattern: /^be a calendar year YYYY$/, fr: () => 'doit être une année civile AAAA' },
  {
    pattern: /^be 3 to 40 of a-z, 0-9 and -$/,
    fr: () => 'doit compter 3 à 40 caractères parmi a-z, 0-9 et -',
  },
  { pattern: /^be a test code \(a-z, 0-9, -\)$/, fr: () => 'doit être un code de test (a-z, 0-9, -)' },
  { pattern: /^be a short code \(a-z, 0-9, -\)$/, fr: () => 'doit être un code court (a-z, 0-9, -)' },
  {
    pattern: /^be a lower-case slug \(a-z, 0-9 and single dashes\)$/,
    fr: () => 'doit être un code en minuscules (a-z, 0-9 et des tirets simples)',
  },
  { pattern: /^not list a mission twice$/, fr: () => 'ne doit pas citer deux fois la même mission' },
  { pattern: /^be one of: (.+)$/, fr: (m) => `doit être l’une des valeurs : ${list(m[1])}` },
  { pattern: /^be month$/, fr: () => 'doit valoir month' },
  { pattern: /^be among: (.+)$/, fr: (m) => `doit être parmi : ${list(m[1])}` },
  {
    pattern: /^be after from \(the period is \[from, to\)\)$/,
    fr: () => 'doit être après from (la période est [from, to[)',
  },
  {
    pattern: /^be the nextAfter of a previous page$/,
    fr: () => 'doit être le nextAfter d’une page précédente',
  },
  // class-validator's defaults (0.15).
  { pattern: /^be a UUID$/, fr: () => 'doit être un UUID' },
  { pattern: /^be an email$/, fr: () => 'doit être une adresse e-mail' },
  { pattern: /^be a time of day HH:MM$/, fr: () => 'doit être une heure HH:MM' },
  {
    pattern: /^be an https URL \(http only on a loopback address here\)$/,
    fr: () => 'doit être une URL https (http seulement vers une adresse locale ici)',
  },
  { pattern: /^be an integer number$/, fr: () => 'doit être un nombre entier' },
  {
    pattern: /^be a number conforming to the specified constraints$/,
    fr: () => 'doit être un nombre',
  },
  { pattern: /^be a string$/, fr: () => 'doit être une chaîne de caractères' },
  { pattern: /^be a boolean value$/, fr: () => 'doit valoir true ou false' },
  { pattern: /^be an array$/, fr: () => 'doit être une liste' },
  { pattern: /^be an object$/, fr: () => 'doit être un objet' },
  { pattern: /^be a URL address$/, fr: () => 'doit être une adresse URL' },
  { pattern: /^not be less than (\S+)$/, fr: (m) => `ne doit pas être inférieur à ${m[1]}` },
  { pattern: /^not be greater than (\S+)$/, fr: (m) => `ne doit pas être supérieur à ${m[1]}` },
  {
    pattern: /^be shorter than or equal to (\d+) characters$/,
    fr: (m) => `doit compter au plus ${m[1]} caractères`,
  },
  {
    pattern: /^be longer than or equal to (\d+) characters$/,
    fr: (m) => `doit compter au moins ${m[1]} caractères`,
  },
  {
    pattern: /^be one of the following values: (.*)$/,
    fr: (m) => `doit être l’une des valeurs : ${list(m[1])}`,
  },
  {
    pattern: /^contain no more than (\d+) elements$/,
    fr: (m) => `doit contenir au plus ${m[1]} éléments`,
  },
  { pattern: /^contain at least (\d+) elements$/, fr: (m) => `doit contenir au moins ${m[1]} éléments` },
  { pattern: /^not be empty$/, fr: () => 'ne doit pas être vide' },
  { pattern: /^match (.+) regular expression$/, fr: (m) => `doit respecter le format ${m[1]}` },
  { pattern: /^not be null or undefined$/, fr: () => 'est obligatoire' },
  { pattern: /^be either object or array$/, fr: () => 'doit être un objet ou une liste' },
];

/** Whole sentences that do not read "<subject> must …". */
const SENTENCES: Translation[] = [
  {
    pattern: /^the period may span at most (\d+) months$/,
    fr: (m) => `la période peut couvrir au plus ${m[1]} mois`,
  },
  { pattern: /^property (\S+) should not exist$/, fr: (m) => `le champ ${m[1]} n’est pas attendu` },
  {
    pattern: /^All (\S+)'s elements must be unique$/,
    fr: (m) => `les éléments de ${m[1]} doivent être tous différents`,
  },
  {
    pattern: /^an unknown value was passed to the validate function$/,
    fr: () => 'une valeur inattendue a été envoyée',
  },
  {
    pattern:
      /^a participant is either a member \{ memberId \} or an external professional \{ name, profession \}, not both$/,
    fr: () =>
      'un participant est soit un membre { memberId }, soit un professionnel extérieur { name, profession }, pas les deux',
  },
  {
    pattern: /^give ald, precarious, or both: what changes from effectiveOn$/,
    fr: () => 'indiquez ald, precarious, ou les deux : ce qui change à partir de effectiveOn',
  },
];

const SUBJECT = /^(each value in |each of |nested property )?(\S+) (must|should) (.+)$/;

/** The message in the client's language. */
export function translateValidationMessage(message: string, language: Language): string {
  if (language === 'en') return message;
  for (const sentence of SENTENCES) {
    const match = sentence.pattern.exec(message);
    if (match) return sentence.fr(match);
  }
  const subject = SUBJECT.exec(message);
  if (subject) {
    const [, each, property, , predicate] = subject;
    for (const translation of PREDICATES) {
      const match = translation.pattern.exec(predicate);
      if (!match) continue;
      const text = translation.fr(match);
      if (each === 'each value in ' || each === 'each of ') {
        return `chaque valeur de ${property} ${text}`;
      }
      return `${property} ${text}`;
    }
  }
  return `valeur refusée (${message})`;
}
