import type { MemberJoined } from '../members/member.events';

/**
 * The fixed material the demo CPTS is made of: a territory of the Rhône (69) north of Lyon, the
 * structures its members work in, French names, and the words coordinators write. Everything random is
 * drawn from these lists, so the demo reads like a real CPTS and never contains anyone real: names are
 * combined at random, RPPS numbers and INS are generated.
 */

export const DEMO_CPTS_NAME = 'CPTS Beaujolais Val de Saône';

/** The communes of the territory (INSEE codes of the Rhône) with their inhabitants (rounded). */
export const COMMUNES: ReadonlyArray<{ insee: string; name: string; population: number }> = [
  { insee: '69264', name: 'Villefranche-sur-Saône', population: 36_900 },
  { insee: '69092', name: 'Gleizé', population: 7_700 },
  { insee: '69115', name: 'Limas', population: 5_000 },
  { insee: '69206', name: 'Saint-Georges-de-Reneins', population: 4_300 },
  { insee: '69013', name: 'Arnas', population: 3_900 },
  { insee: '69156', name: 'Pommiers', population: 2_700 },
  { insee: '69074', name: 'Denicé', population: 1_500 },
];

/** The population covered: the sum of the communes (taille 2: 40 000 – 79 999 inhabitants). */
export const POPULATION = COMMUNES.reduce((sum, commune) => sum + commune.population, 0);

export type Structure = NonNullable<MemberJoined['structure']>;

export const HOSPITAL: Structure = {
  kind: 'hopital',
  name: 'Hôpital Nord-Ouest — site de Villefranche-sur-Saône',
  finess: '690000880',
};
export const CLINIC: Structure = { kind: 'clinique', name: 'Clinique du Beaujolais', finess: '690002431' };
/** Where discharged patients come from, most often the territory's hospital. */
export const DISCHARGING_HOSPITALS: ReadonlyArray<readonly [{ name: string; finess?: string }, number]> = [
  [{ name: HOSPITAL.name, finess: HOSPITAL.finess }, 70],
  [{ name: CLINIC.name, finess: CLINIC.finess }, 15],
  [{ name: 'Hospices Civils de Lyon — Hôpital de la Croix-Rousse', finess: '690783220' }, 10],
  [{ name: 'Centre hospitalier de Trévoux', finess: '010000214' }, 5],
];
export const WARDS = [
  'Médecine polyvalente',
  'Cardiologie',
  'Gériatrie aiguë',
  'Pneumologie',
  'Orthopédie',
  'Chirurgie viscérale',
  'Soins de suite et de réadaptation',
] as const;

/** The four MSPs and the commune each is in. */
export const MSPS: ReadonlyArray<{ structure: Structure; commune: string }> = [
  { structure: { kind: 'msp', name: 'MSP de Gleizé' }, commune: 'Gleizé' },
  { structure: { kind: 'msp', name: 'MSP Villefranche Béligny' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'msp', name: 'MSP de Limas' }, commune: 'Limas' },
  { structure: { kind: 'msp', name: 'MSP du Val de Saône' }, commune: 'Saint-Georges-de-Reneins' },
];
export const CDS: Structure = { kind: 'cds', name: 'Centre de santé municipal de Villefranche' };
/** The pharmacies and their communes (FINESS numbers are made up but well-formed). */
// prettier-ignore
export const PHARMACIES: ReadonlyArray<{ structure: Structure; commune: string }> = [
  { structure: { kind: 'pharmacie', name: 'Pharmacie du Marché', finess: '690012143' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de la Gare', finess: '690012176' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie Nationale', finess: '690012218' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de Béligny', finess: '690012259' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie des Échevins', finess: '690012291' }, commune: 'Villefranche-sur-Saône' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie du Beaujolais', finess: '690012333' }, commune: 'Gleizé' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de Gleizé', finess: '690012374' }, commune: 'Gleizé' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de Limas', finess: '690012416' }, commune: 'Limas' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie d’Arnas', finess: '690012457' }, commune: 'Arnas' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de Saint-Georges', finess: '690012499' }, commune: 'Saint-Georges-de-Reneins' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie de Pommiers', finess: '690012531' }, commune: 'Pommiers' },
  { structure: { kind: 'pharmacie', name: 'Pharmacie des Vignes', finess: '690012572' }, commune: 'Denicé' },
];
export const SSIAD: Structure = { kind: 'ssiad', name: 'SSIAD du Val de Saône' };
export const DAC: Structure = { kind: 'dac', name: 'DAC Rhône Nord' };
export const EHPAD: Structure = { kind: 'ehpad', name: 'EHPAD Les Tilleuls' };
export const CPTS_TEAM: Structure = { kind: 'autre', name: DEMO_CPTS_NAME };

/** Practices named after their commune: `Cabinet infirmier de Limas`. */
export function cabinet(kind: string, commune: string): Structure {
  const de = /^[AEIOUÉ]/.test(commune) ? 'd’' : 'de ';
  return { kind: 'cabinet', name: `${kind} ${de}${commune}` };
}

// ---- names --------------------------------------------------------------------------------------------

// prettier-ignore
export const FAMILY_NAMES = [
  'Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent',
  'Simon', 'Michel', 'Lefebvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard',
  'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Faure', 'André', 'Mercier',
  'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia', 'Perrin',
  'Robin', 'Clément', 'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Masson', 'Marchand', 'Duval',
  'Denis', 'Dumont', 'Lemaire', 'Noël', 'Meyer', 'Dufour', 'Meunier', 'Brun', 'Blanchard', 'Giraud',
  'Joly', 'Rivière', 'Lucas', 'Brunet', 'Gaillard', 'Barbier', 'Arnaud', 'Martinez', 'Gérard', 'Roche',
  'Renard', 'Schmitt', 'Roy', 'Leroux', 'Colin', 'Vidal', 'Caron', 'Picard', 'Roger', 'Fabre',
  'Aubert', 'Lemoine', 'Renaud', 'Dumas', 'Lacroix', 'Olivier', 'Philippe', 'Bourgeois', 'Pierre', 'Benoît',
  'Rey', 'Leclerc', 'Rolland', 'Guillaume', 'Lecomte', 'Lopez', 'Dupuy', 'Guillot', 'Hubert', 'Berger',
  'Carpentier', 'Sanchez', 'Dupuis', 'Moulin', 'Deschamps', 'Huet', 'Perez', 'Boucher', 'Fleury', 'Royer',
  'Klein', 'Jacquet', 'Adam', 'Poirier', 'Marty', 'Aubry', 'Guyot', 'Carré', 'Charles', 'Renault',
  'Charpentier', 'Ménard', 'Maillard', 'Baron', 'Bertin', 'Bailly', 'Hervé', 'Schneider', 'Fernandez', 'Collet',
  'Léger', 'Bouvier', 'Julien', 'Prévost', 'Millet', 'Perrot', 'Cousin', 'Germain', 'Besson', 'Langlois',
  'Pelletier', 'Perrier', 'Leblanc', 'Lebrun', 'Weber', 'Mallet', 'Boulanger', 'Monnier', 'Michaud', 'Gillet',
  'Tessier', 'Chauvin', 'Bouchet', 'Gay', 'Humbert', 'Reynaud', 'Antoine', 'Perret', 'Cordier', 'Pichon',
  'Chapuis', 'Ducroux', 'Thévenet', 'Descombes', 'Burnichon', 'Besacier', 'Pouzet', 'Dumontet', 'Crozet', 'Large',
  'Bessenay', 'Chanrion', 'Déchelette', 'Mathelin', 'Perrichon', 'Sarcey', 'Verchère', 'Aufranc', 'Bréchard', 'Jambon',
] as const;

/** Given names by generation: the names people born in those years were given. */
// prettier-ignore
export const GIVEN_NAMES: Record<'F' | 'M', Record<'before1950' | 'before1980' | 'since1980', readonly string[]>> = {
  F: {
    before1950: ['Jeanne', 'Marie', 'Simone', 'Yvonne', 'Paulette', 'Germaine', 'Odette', 'Denise', 'Suzanne', 'Marcelle', 'Lucienne', 'Madeleine', 'Andrée', 'Colette', 'Monique', 'Jacqueline'],
    before1980: ['Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Christine', 'Martine', 'Véronique', 'Valérie', 'Sandrine', 'Françoise', 'Brigitte', 'Patricia', 'Corinne', 'Florence', 'Chantal', 'Évelyne'],
    since1980: ['Léa', 'Camille', 'Manon', 'Chloé', 'Emma', 'Inès', 'Jade', 'Louise', 'Sarah', 'Julie', 'Laura', 'Marion', 'Pauline', 'Anaïs', 'Clara', 'Zoé', 'Lina', 'Alice', 'Mathilde', 'Élodie'],
  },
  M: {
    before1950: ['Jean', 'Marcel', 'André', 'René', 'Roger', 'Robert', 'Louis', 'Georges', 'Henri', 'Maurice', 'Lucien', 'Raymond', 'Pierre', 'Gilbert', 'Fernand', 'Joseph'],
    before1980: ['Philippe', 'Patrick', 'Michel', 'Alain', 'Christophe', 'Thierry', 'Laurent', 'Éric', 'Pascal', 'Frédéric', 'Olivier', 'Dominique', 'Bruno', 'Didier', 'Stéphane', 'Gilles'],
    since1980: ['Lucas', 'Hugo', 'Louis', 'Nathan', 'Enzo', 'Théo', 'Jules', 'Gabriel', 'Arthur', 'Tom', 'Maxime', 'Thomas', 'Antoine', 'Romain', 'Kévin', 'Adam', 'Raphaël', 'Paul', 'Léo', 'Mathis'],
  },
};

// ---- what coordinators write ----------------------------------------------------------------------

export const UNSCHEDULED_MOTIVES: ReadonlyArray<
  readonly [{ motive: string; to: 'gp' | 'kine' | 'dentiste' | 'sage-femme' }, number]
> = [
  [{ motive: 'Fièvre et toux depuis trois jours', to: 'gp' }, 14],
  [{ motive: 'Otalgie fébrile chez un enfant', to: 'gp' }, 8],
  [{ motive: 'Douleur lombaire aiguë sans traumatisme', to: 'kine' }, 6],
  [{ motive: 'Entorse de cheville', to: 'kine' }, 6],
  [{ motive: 'Brûlures mictionnelles', to: 'gp' }, 7],
  [{ motive: 'Renouvellement urgent d’un traitement chronique', to: 'gp' }, 10],
  [{ motive: 'Plaie superficielle à suturer', to: 'gp' }, 5],
  [{ motive: 'Crise d’asthme modérée', to: 'gp' }, 4],
  [{ motive: 'Conjonctivite purulente', to: 'gp' }, 4],
  [{ motive: 'Douleur dentaire intense', to: 'dentiste' }, 6],
  [{ motive: 'Éruption cutanée chez un enfant', to: 'gp' }, 4],
  [{ motive: 'Gastro-entérite avec déshydratation légère', to: 'gp' }, 7],
  [{ motive: 'Angine', to: 'gp' }, 6],
  [{ motive: 'Douleur pelvienne pendant la grossesse', to: 'sage-femme' }, 2],
  [{ motive: 'Malaise sans perte de connaissance, patient âgé', to: 'gp' }, 3],
];
export const UNSCHEDULED_CLOSURES = [
  'Réorienté vers les urgences par le régulateur',
  'Conseil téléphonique suffisant',
  'Patient injoignable après trois appels',
  'Le patient a trouvé un rendez-vous par lui-même',
  'Symptômes résolus au rappel',
] as const;

export const DECLINE_REASONS = [
  'Tournée complète sur ce secteur cette semaine',
  'Hors de notre secteur géographique',
  'Délai incompatible avec l’urgence demandée',
  'Patientèle complète',
  'Absence du professionnel (congés)',
] as const;

export const RCP_DECISIONS = {
  sortie: [
    'Passage infirmier quotidien pendant deux semaines',
    'Mise en place du portage de repas',
    'Demande d’aide à domicile (APA) par l’assistante sociale',
    'Conciliation médicamenteuse par le pharmacien correspondant',
    'Consultation du médecin traitant sous huit jours',
    'Location d’un lit médicalisé',
  ],
  chronique: [
    'Réévaluation du traitement diurétique par le médecin traitant',
    'Éducation thérapeutique : surveillance du poids trois fois par semaine',
    'Bilan partagé de médication à l’officine',
    'Avis du cardiologue avant la prochaine consultation',
    'Réhabilitation respiratoire en kinésithérapie',
    'Orientation vers l’hôpital de jour gériatrique',
  ],
  complexe: [
    'Signalement au DAC pour une coordination renforcée',
    'Visite à domicile conjointe infirmière et assistante sociale',
    'Mise en place d’une mesure de protection à discuter avec la famille',
    'Recherche d’un hébergement temporaire en EHPAD',
    'Appel de la famille par la coordinatrice de parcours',
    'Bilan orthophonique et psychomoteur avant réunion avec l’école',
  ],
} as const;

/** The CPTS's prevention calendar: month, day, theme, people reached, professions running it. */
// prettier-ignore
export const PREVENTION_CALENDAR: ReadonlyArray<{
  month: number;
  day: number;
  theme: string;
  reach: readonly [number, number];
  professions: readonly string[];
}> = [
  { month: 1, day: 20, theme: 'Ateliers de prévention des chutes (1/3)', reach: [10, 15], professions: ['masseur-kinesitherapeute', 'ergotherapeute'] },
  { month: 2, day: 17, theme: 'Ateliers de prévention des chutes (2/3)', reach: [10, 15], professions: ['masseur-kinesitherapeute', 'infirmier'] },
  { month: 2, day: 10, theme: 'Écrans et jeunes enfants : soirée parents', reach: [25, 60], professions: ['orthophoniste', 'psychomotricien', 'medecin-generaliste'] },
  { month: 3, day: 16, theme: 'Ateliers de prévention des chutes (3/3)', reach: [10, 15], professions: ['masseur-kinesitherapeute', 'dieteticien'] },
  { month: 3, day: 12, theme: 'Mars bleu : remise de kits de dépistage du cancer colorectal en officine', reach: [80, 150], professions: ['pharmacien', 'medecin-generaliste'] },
  { month: 4, day: 25, theme: 'Semaine européenne de la vaccination', reach: [50, 110], professions: ['pharmacien', 'infirmier', 'medecin-generaliste'] },
  { month: 6, day: 6, theme: 'Journée de dépistage de la DMLA', reach: [40, 80], professions: ['orthoptiste', 'pharmacien'] },
  { month: 6, day: 20, theme: 'Sport-santé : ateliers passerelles', reach: [15, 20], professions: ['masseur-kinesitherapeute', 'medecin-generaliste'] },
  { month: 9, day: 22, theme: 'Prévention bucco-dentaire à l’école', reach: [60, 120], professions: ['chirurgien-dentiste'] },
  { month: 10, day: 9, theme: 'Octobre rose : information sur le dépistage du cancer du sein', reach: [120, 250], professions: ['sage-femme', 'medecin-generaliste', 'pharmacien'] },
  { month: 10, day: 21, theme: 'Campagne de vaccination antigrippale en officine et à domicile', reach: [150, 300], professions: ['pharmacien', 'infirmier'] },
  { month: 11, day: 4, theme: 'Mois sans tabac : consultations d’aide au sevrage', reach: [30, 60], professions: ['pharmacien', 'medecin-generaliste', 'sage-femme'] },
  { month: 11, day: 14, theme: 'Journée mondiale du diabète : dépistage en officine', reach: [60, 120], professions: ['pharmacien', 'infirmier-pratique-avancee'] },
  { month: 12, day: 1, theme: 'Forum santé sexuelle des jeunes', reach: [60, 100], professions: ['sage-femme', 'medecin-generaliste'] },
];

/** The CPTS's training plan: month, day, theme, who attends. */
// prettier-ignore
export const TRAINING_CALENDAR: ReadonlyArray<{
  month: number;
  day: number;
  theme: string;
  professions: readonly string[];
  attendees: readonly [number, number];
}> = [
  { month: 1, day: 27, theme: 'Protocole de coopération « cystite » : formation des délégués', professions: ['pharmacien', 'infirmier'], attendees: [6, 10] },
  { month: 2, day: 24, theme: 'Messagerie sécurisée de santé et DMP', professions: ['medecin-generaliste', 'infirmier', 'pharmacien', 'masseur-kinesitherapeute'], attendees: [10, 18] },
  { month: 3, day: 24, theme: 'Insuffisance cardiaque : signes d’alerte et auto-surveillance', professions: ['infirmier', 'pharmacien', 'medecin-generaliste'], attendees: [8, 15] },
  { month: 5, day: 19, theme: 'Repérage de la fragilité de la personne âgée', professions: ['infirmier', 'masseur-kinesitherapeute', 'ergotherapeute'], attendees: [8, 14] },
  { month: 6, day: 16, theme: 'Gestes et soins d’urgence (AFGSU 2)', professions: ['infirmier', 'sage-femme', 'masseur-kinesitherapeute', 'pharmacien'], attendees: [8, 12] },
  { month: 9, day: 15, theme: 'Repérage précoce des troubles du neurodéveloppement', professions: ['medecin-generaliste', 'orthophoniste', 'psychomotricien'], attendees: [6, 12] },
  { month: 10, day: 13, theme: 'Bilan partagé de médication', professions: ['pharmacien'], attendees: [6, 10] },
  { month: 11, day: 17, theme: 'Violences intrafamiliales : repérer et orienter', professions: ['medecin-generaliste', 'sage-femme', 'infirmier', 'pharmacien'], attendees: [10, 16] },
  { month: 12, day: 8, theme: 'Plaies chroniques et pansements complexes', professions: ['infirmier', 'infirmier-pratique-avancee'], attendees: [8, 14] },
];
