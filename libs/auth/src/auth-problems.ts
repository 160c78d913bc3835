import { LocalizedProblemError, type Texts } from '@parcours/platform';

/**
 * The authentication and authorisation refusals in French and English. The English reason is the one the
 * token checks give (`token expired`, `iss claim rejected`…): it stays in the problem as `reason`, the
 * same in both languages, for clients and logs to act on; the detail is for the person.
 */

/** French for the token checks' reasons and the claims' rules, by their English words. */
const FRENCH: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^missing bearer token$/, () => 'aucun jeton d’accès (en-tête Authorization: Bearer …)'],
  [/^the token names a CPTS that does not exist$/, () => 'le jeton nomme une CPTS qui n’existe pas'],
  [/^token expired$/, () => 'le jeton a expiré ; reconnectez-vous'],
  [/^token not yet valid$/, () => 'le jeton n’est pas encore valable'],
  [/^token issued in the future$/, () => 'le jeton est émis dans le futur'],
  [
    /^token lifetime exceeds the maximum this server accepts$/,
    () => 'la durée de vie du jeton dépasse le maximum que ce serveur accepte',
  ],
  [/^(\S+) claim missing$/, (m) => `la revendication ${m[1]} manque`],
  [/^(\S+) claim rejected$/, (m) => `la revendication ${m[1]} est refusée`],
  [/^algorithm not allowed$/, () => 'algorithme de signature non autorisé'],
  [/^invalid signature$/, () => 'signature invalide'],
  [/^unknown signing key$/, () => 'clé de signature inconnue'],
  [/^ambiguous signing key$/, () => 'clé de signature ambiguë'],
  [/^malformed token$/, () => 'jeton mal formé'],
  [/^malformed claims: (.+)$/, (m) => `revendications mal formées : ${claimsInFrench(m[1])}`],
  // The claims' rules (principal.ts, claims.ts, tokens.ts).
  [
    /^sub must be a string of 1 to (\d+) characters$/,
    (m) => `sub doit être un texte de 1 à ${m[1]} caractères`,
  ],
  [/^roles must be a non-empty array of (.+)$/, (m) => `roles doit être une liste non vide parmi ${m[1]}`],
  [
    /^platform-admin cannot be combined with another role$/,
    () => 'platform-admin ne se combine avec aucun autre rôle',
  ],
  [/^a platform-admin has no cpts$/, () => 'un platform-admin n’a pas de cpts'],
  [/^cpts is required for the roles (.+)$/, (m) => `cpts est obligatoire pour les rôles ${m[1]}`],
  [
    /^cpts must be 3 to 40 of a-z, 0-9 and -$/,
    () => 'cpts doit compter 3 à 40 caractères parmi a-z, 0-9 et -',
  ],
  [
    /^the (\S+) claim must be a string or an array of strings$/,
    (m) => `la revendication ${m[1]} doit être un texte ou une liste de textes`,
  ],
  [
    /^the (\S+) claim grants no Parcours role$/,
    (m) => `la revendication ${m[1]} ne donne aucun rôle Parcours`,
  ],
  [
    /^expiresIn must be a positive whole number of seconds$/,
    () => 'expiresIn doit être un nombre entier positif de secondes',
  ],
  [
    /^expiresIn must be seconds or a span such as 30m or 8h$/,
    () => 'expiresIn doit être un nombre de secondes ou une durée comme 30m ou 8h',
  ],
  [
    /^expiresIn must be at most (\d+) seconds \(TOKEN_MAX_LIFETIME_SECONDS\)$/,
    (m) => `expiresIn doit valoir au plus ${m[1]} secondes (TOKEN_MAX_LIFETIME_SECONDS)`,
  ],
];

/** A reason or a claims rule in French; an unknown one keeps its English words behind a French lead-in. */
export function claimsInFrench(english: string): string {
  for (const [pattern, french] of FRENCH) {
    const match = pattern.exec(english);
    if (match) return french(match);
  }
  return `refusé (${english})`;
}

/** 401: the token is missing or refused, `reason` saying why. */
export function unauthenticated(reason: string): LocalizedProblemError {
  return new LocalizedProblemError(
    401,
    'unauthenticated',
    { fr: `Authentification refusée : ${claimsInFrench(reason)}.`, en: `Authentication refused: ${reason}.` },
    [],
    { reason },
  );
}

/** 403 with what is refused and why. */
export function forbidden(detail: Texts, extensions: Record<string, unknown> = {}): LocalizedProblemError {
  return new LocalizedProblemError(403, 'forbidden', detail, [], extensions);
}

/** 403: the route is for other roles (`roles`: those it allows). */
export function roleRequired(roles: readonly string[]): LocalizedProblemError {
  const list = roles.join(', ');
  return forbidden(
    { fr: `Réservé aux rôles : ${list}.`, en: `Requires one of the roles: ${list}.` },
    { roles: [...roles] },
  );
}

/** 400: claims a token may not carry (a dev token asked for), on the field they are about when known. */
export function invalidClaims(message: string): LocalizedProblemError {
  const field = /^(?:the )?(\w+)/.exec(message)?.[1];
  const path = field && ['sub', 'roles', 'cpts', 'expiresIn'].includes(field) ? field : undefined;
  const texts = { fr: claimsInFrench(message), en: message };
  return new LocalizedProblemError(400, 'invalid-input', texts, path ? [{ path, message: texts }] : []);
}
