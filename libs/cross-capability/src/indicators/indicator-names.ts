/**
 * The names of the indicators of `indicators.md` in French and English, with what each counts: one table
 * for the web UI (which imports this file) and for the yearly review pack the API prints. Plain data, no
 * imports, so both sides can bundle it.
 */

export interface IndicatorText {
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
  'parcours.affectations': {
    fr: 'Éléments de la liste de travail affectés',
    en: 'Worklist items assigned',
    defFr: 'Affectations à un membre ou à un coordinateur datées dans la période, par type d’élément.',
    defEn: 'Assignments to a member or a coordinator dated in the period, by kind of item.',
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

/** The ACI missions (and the membership figures, filed under their own heading), in French and English. */
export const MISSION_NAMES: Record<string, { fr: string; en: string }> = {
  'acces-soins': { fr: 'Accès aux soins', en: 'Access to care' },
  parcours: { fr: 'Parcours pluriprofessionnels', en: 'Multi-professional pathways' },
  prevention: { fr: 'Prévention', en: 'Prevention' },
  'crises-sanitaires': { fr: 'Crises sanitaires', en: 'Health crises' },
  'qualite-pertinence': { fr: 'Qualité et pertinence', en: 'Quality and relevance' },
  'accompagnement-professionnels': {
    fr: 'Accompagnement des professionnels',
    en: 'Support for professionals',
  },
  adhesion: { fr: 'Adhésion', en: 'Membership' },
};

/** The events the indicators count, as the annex of the yearly pack names them. */
export const EVENT_TYPE_NAMES: Record<string, { fr: string; en: string }> = {
  DischargeNotified: { fr: 'Sortie d’hospitalisation notifiée', en: 'Hospital discharge notified' },
  InternHosted: { fr: 'Stagiaire accueilli', en: 'Intern hosted' },
  MedecinTraitantAssigned: { fr: 'Médecin traitant attribué', en: 'Médecin traitant assigned' },
  MedecinTraitantSearchRegistered: {
    fr: 'Recherche de médecin traitant enregistrée',
    en: 'Médecin traitant search registered',
  },
  MemberJoined: { fr: 'Adhésion d’un membre', en: 'Member joined' },
  PathwayClosed: { fr: 'Parcours clos', en: 'Pathway closed' },
  PathwayOpened: { fr: 'Parcours ouvert', en: 'Pathway opened' },
  PatientReferred: { fr: 'Adressage', en: 'Referral' },
  PreventionActionHeld: { fr: 'Action de prévention menée', en: 'Prevention action held' },
  ProtocolApplied: { fr: 'Protocole appliqué', en: 'Protocol applied' },
  RcpHeld: { fr: 'RCP tenue', en: 'RCP held' },
  TrainingHeld: { fr: 'Formation tenue', en: 'Training held' },
  UnscheduledCareRequested: { fr: 'Demande de soins non programmés', en: 'Unscheduled care request' },
  WorkItemAssigned: { fr: 'Élément de la liste de travail affecté', en: 'Worklist item assigned' },
  CptsRegistered: { fr: 'CPTS enregistrée', en: 'CPTS registered' },
  PopulationUpdated: { fr: 'Population mise à jour', en: 'Population updated' },
};

/** The parts of the indicators that have a breakdown, by indicator, in French and English. */
export const BREAKDOWN_NAMES: Record<string, Record<string, { fr: string; en: string }>> = {
  'parcours.ouverts': {
    'sortie-hospitalisation': { fr: 'Sortie d’hospitalisation', en: 'Hospital discharge' },
    'insuffisance-cardiaque': { fr: 'Insuffisance cardiaque', en: 'Heart failure' },
    osteoporose: { fr: 'Ostéoporose', en: 'Osteoporosis' },
    bpco: { fr: 'BPCO', en: 'COPD' },
    diabete: { fr: 'Diabète', en: 'Diabetes' },
    tnd: { fr: 'Troubles du neurodéveloppement', en: 'Neurodevelopmental disorders' },
    polymedication: { fr: 'Polymédication', en: 'Polypharmacy' },
    'personne-agee': { fr: 'Personne âgée', en: 'Older person' },
    'cas-complexe': { fr: 'Cas complexe', en: 'Complex case' },
    autre: { fr: 'Autre', en: 'Other' },
  },
  'parcours.adressages': {
    'jour-meme': { fr: 'Le jour même', en: 'Same day' },
    '24h': { fr: 'Sous 24 h', en: 'Within 24 h' },
    programmee: { fr: 'Programmée', en: 'Scheduled' },
  },
  'acces.mt.sans-mt': {
    ald: { fr: 'ALD', en: 'Long-term condition (ALD)' },
    'plus-de-70-ans': { fr: 'Plus de 70 ans', en: 'Over 70' },
    precarite: { fr: 'Précarité', en: 'Precarity' },
    aucune: { fr: 'Aucune', en: 'None' },
  },
  'parcours.rcp': {
    complexes: { fr: 'Dont cas complexes', en: 'Of which complex cases' },
    cas: { fr: 'Cas discutés', en: 'Cases discussed' },
  },
  'parcours.affectations': {
    'sortie.pharmacien': { fr: 'Conciliation médicamenteuse', en: 'Medication reconciliation' },
    'sortie.suivi': { fr: 'Suivi post-sortie', en: 'Post-discharge follow-up' },
    'adressage.reponse': { fr: 'Réponse à un adressage', en: 'Referral answer' },
    'snp.orientation': { fr: 'Soins non programmés à orienter', en: 'Unscheduled care to orient' },
    'rcp.revue': { fr: 'Revue en RCP', en: 'RCP review' },
    'mt.recherche': { fr: 'Recherche de médecin traitant', en: 'Médecin traitant search' },
  },
  'prevention.actions': { personnes: { fr: 'Personnes touchées', en: 'People reached' } },
};
