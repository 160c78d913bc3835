/**
 * Labels of the values the API uses (`events.md`), in French and English. `label(lang, 'profession',
 * 'pharmacien')` → "Pharmacien"; an unknown value shows as itself.
 */
import type { Lang } from './i18n';

type Pairs = Record<string, [fr: string, en: string]>;

export const LABELS = {
  role: {
    coordinator: ['Coordination', 'Coordinator'],
    professional: ['Professionnel de santé', 'Health professional'],
    auditor: ['Audit', 'Auditor'],
    analyst: ['Analyse', 'Analyst'],
    'platform-admin': ['Administration de la plateforme', 'Platform administrator'],
  },
  pathwayKind: {
    'sortie-hospitalisation': ['Sortie d’hospitalisation', 'Hospital discharge'],
    'insuffisance-cardiaque': ['Insuffisance cardiaque', 'Heart failure'],
    osteoporose: ['Ostéoporose', 'Osteoporosis'],
    bpco: ['BPCO', 'COPD'],
    diabete: ['Diabète', 'Diabetes'],
    tnd: ['Troubles du neurodéveloppement', 'Neurodevelopmental disorders'],
    polymedication: ['Polymédication', 'Polypharmacy'],
    'personne-agee': ['Personne âgée', 'Older person'],
    'cas-complexe': ['Cas complexe', 'Complex case'],
    autre: ['Autre', 'Other'],
  },
  pathwayStatus: { open: ['Ouvert', 'Open'], closed: ['Clos', 'Closed'] },
  profession: {
    'medecin-generaliste': ['Médecin généraliste', 'General practitioner'],
    'medecin-specialiste': ['Médecin spécialiste', 'Specialist'],
    pharmacien: ['Pharmacien', 'Pharmacist'],
    infirmier: ['Infirmier', 'Nurse'],
    'infirmier-pratique-avancee': ['Infirmier en pratique avancée', 'Advanced practice nurse'],
    'masseur-kinesitherapeute': ['Masseur-kinésithérapeute', 'Physiotherapist'],
    'sage-femme': ['Sage-femme', 'Midwife'],
    'chirurgien-dentiste': ['Chirurgien-dentiste', 'Dentist'],
    orthophoniste: ['Orthophoniste', 'Speech therapist'],
    orthoptiste: ['Orthoptiste', 'Orthoptist'],
    'pedicure-podologue': ['Pédicure-podologue', 'Podiatrist'],
    ergotherapeute: ['Ergothérapeute', 'Occupational therapist'],
    psychomotricien: ['Psychomotricien', 'Psychomotor therapist'],
    dieteticien: ['Diététicien', 'Dietitian'],
    psychologue: ['Psychologue', 'Psychologist'],
    'assistant-social': ['Assistant social', 'Social worker'],
    coordinateur: ['Coordinateur', 'Coordinator'],
    autre: ['Autre', 'Other'],
  },
  urgency: {
    'jour-meme': ['Le jour même', 'Same day'],
    '24h': ['Sous 24 h', 'Within 24 h'],
    programmee: ['Programmée', 'Scheduled'],
  },
  referralChannel: {
    'messagerie-securisee': ['Messagerie sécurisée', 'Secure messaging'],
    telephone: ['Téléphone', 'Telephone'],
    courrier: ['Courrier', 'Letter'],
    plateforme: ['Plateforme', 'Platform'],
  },
  followUpKind: {
    consultation: ['Consultation', 'Consultation'],
    'visite-domicile': ['Visite à domicile', 'Home visit'],
    appel: ['Appel', 'Call'],
  },
  protocolOutcome: {
    conseil: ['Conseil', 'Advice'],
    dispensation: ['Dispensation', 'Dispensing'],
    'orientation-medecin': ['Orientation vers un médecin', 'Referred to a doctor'],
    'orientation-urgences': ['Orientation vers les urgences', 'Referred to the emergency department'],
  },
  testResult: {
    positif: ['Positif', 'Positive'],
    negatif: ['Négatif', 'Negative'],
    invalide: ['Invalide', 'Invalid'],
  },
  closureOutcome: {
    termine: ['Terminé', 'Completed'],
    deces: ['Décès', 'Death'],
    demenagement: ['Déménagement', 'Moved away'],
    hospitalisation: ['Hospitalisation', 'Hospitalised'],
    'perdu-de-vue': ['Perdu de vue', 'Lost to follow-up'],
    autre: ['Autre', 'Other'],
  },
  sex: { F: ['Femme', 'Female'], M: ['Homme', 'Male'], X: ['Non précisé', 'Unspecified'] },
  consentScope: {
    'partage-medecin-traitant': ['Partage avec le médecin traitant', 'Sharing with the médecin traitant'],
    'resultat-test': ['Transmission des résultats de test', 'Sharing of test results'],
    'dossier-partage': ['Dossier partagé', 'Shared record'],
  },
  consentDecision: {
    accord: ['Accord', 'Consent'],
    refus: ['Refus', 'Refusal'],
    retrait: ['Retrait', 'Withdrawal'],
  },
  searchClosure: {
    injoignable: ['Patient injoignable', 'Patient unreachable'],
    'refus-patient': ['Refus du patient', 'Patient declined'],
    'mt-trouve-hors-cpts': ['Médecin traitant trouvé hors CPTS', 'Médecin traitant found outside the CPTS'],
    demenagement: ['Déménagement', 'Moved away'],
    deces: ['Décès', 'Death'],
    autre: ['Autre', 'Other'],
  },
  priority: {
    ald: ['ALD', 'Long-term condition (ALD)'],
    'plus-de-70-ans': ['Plus de 70 ans', 'Over 70'],
    precarite: ['Précarité', 'Precarity'],
    aucune: ['Aucune', 'None'],
  },
  rcpFormat: {
    presentiel: ['Présentiel', 'In person'],
    visio: ['Visio', 'Video'],
    mixte: ['Mixte', 'Mixed'],
  },
  snpChannel: {
    telephone: ['Téléphone', 'Telephone'],
    pharmacie: ['Pharmacie', 'Pharmacy'],
    sas: ['SAS', 'SAS'],
    plateforme: ['Plateforme', 'Platform'],
    autre: ['Autre', 'Other'],
  },
  snpStatus: {
    requested: ['À orienter', 'To orient'],
    oriented: ['Orientée', 'Oriented'],
    closed: ['Close sans rendez-vous', 'Closed without appointment'],
  },
  worklistKind: {
    'sortie.pharmacien': ['Conciliation médicamenteuse', 'Medication reconciliation'],
    'sortie.suivi': ['Suivi post-sortie', 'Post-discharge follow-up'],
    'adressage.reponse': ['Réponse à un adressage', 'Referral answer'],
    'rcp.revue': ['Revue en RCP', 'RCP review'],
    'snp.orientation': ['Soins non programmés à orienter', 'Unscheduled care to orient'],
    'mt.recherche': ['Recherche de médecin traitant', 'Médecin traitant search'],
  },
  mission: {
    'acces-soins': ['Accès aux soins', 'Access to care'],
    parcours: ['Parcours pluriprofessionnels', 'Multi-professional pathways'],
    prevention: ['Prévention', 'Prevention'],
    'crises-sanitaires': ['Crises sanitaires', 'Health crises'],
    'qualite-pertinence': ['Qualité et pertinence', 'Quality and relevance'],
    'accompagnement-professionnels': ['Accompagnement des professionnels', 'Support for professionals'],
    adhesion: ['Adhésion', 'Membership'],
  },
  eventType: {
    PathwayOpened: ['Parcours ouvert', 'Pathway opened'],
    PatientReferred: ['Adressage', 'Referral'],
    ReferralAccepted: ['Adressage accepté', 'Referral accepted'],
    ReferralDeclined: ['Adressage refusé', 'Referral declined'],
    ReferralCompleted: ['Adressage réalisé', 'Referral completed'],
    DischargeNotified: ['Sortie d’hospitalisation notifiée', 'Hospital discharge notified'],
    MedicationReconciliationSent: ['Conciliation médicamenteuse envoyée', 'Medication reconciliation sent'],
    FollowUpCompleted: ['Suivi réalisé', 'Follow-up done'],
    ProtocolApplied: ['Protocole appliqué', 'Protocol applied'],
    PathwayClosed: ['Parcours clos', 'Pathway closed'],
    PathwayReopened: ['Parcours rouvert', 'Pathway reopened'],
    EntryCorrected: ['Entrée corrigée', 'Entry corrected'],
    EntryVoided: ['Entrée annulée', 'Entry voided'],
    RcpHeld: ['RCP tenue', 'RCP held'],
    CaseDiscussedInRcp: ['Cas discuté en RCP', 'Case discussed in RCP'],
  },
  // ---- pathways area (pathway page and its forms) ----
  dischargeNeed: {
    infirmier: ['Soins infirmiers', 'Nursing care'],
    kine: ['Kinésithérapie', 'Physiotherapy'],
    'aide-domicile': ['Aide à domicile', 'Home help'],
    'materiel-medical': ['Matériel médical', 'Medical equipment'],
    'portage-repas': ['Portage de repas', 'Meal delivery'],
  },
  // ---- end of the pathways area ----
  // ---- indicators, financing and audit area: the event types `eventType` does not name ----
  otherEventType: {
    AchievementRecorded: ['Taux d’atteinte enregistré', 'Achievement recorded'],
    AciContractSigned: ['Contrat ACI signé', 'ACI contract signed'],
    ConsentRecorded: ['Consentement enregistré', 'Consent recorded'],
    CptsPopulationUpdated: ['Population mise à jour', 'Population updated'],
    CptsRegistered: ['CPTS enregistrée', 'CPTS registered'],
    CrisisDeclared: ['Crise sanitaire déclarée', 'Health crisis declared'],
    CrisisPlanDrafted: ['Plan de crise rédigé', 'Crisis plan drafted'],
    CrisisPlanUpdated: ['Plan de crise mis à jour', 'Crisis plan updated'],
    InternHosted: ['Stagiaire accueilli', 'Intern hosted'],
    MedecinTraitantAssigned: ['Médecin traitant attribué', 'Médecin traitant assigned'],
    MedecinTraitantSearchRegistered: ['Recherche de médecin traitant', 'Médecin traitant search'],
    MemberJoined: ['Adhésion d’un membre', 'Member joined'],
    MemberLeft: ['Départ d’un membre', 'Member left'],
    MissionStarted: ['Mission démarrée', 'Mission started'],
    ParticipationRecorded: ['Participation enregistrée', 'Participation recorded'],
    PatientIdentityErased: ['Identité du patient effacée', 'Patient identity erased'],
    PatientIdentityCorrected: ['Identité du patient corrigée', 'Patient identity corrected'],
    PatientStatusUpdated: ['Situation du patient mise à jour', 'Patient status updated'],
    MedecinTraitantSearchClosed: ['Recherche de médecin traitant close', 'Médecin traitant search closed'],
    PatientRegistered: ['Patient enregistré', 'Patient registered'],
    PharmacienCorrespondantDesignated: [
      'Pharmacien correspondant désigné',
      'Pharmacien correspondant designated',
    ],
    CareTeamMemberAdded: ['Entrée dans le cercle de soins', 'Care circle member added'],
    CareTeamMemberRemoved: ['Sortie du cercle de soins', 'Care circle member removed'],
    PreventionActionHeld: ['Action de prévention', 'Prevention action held'],
    ProfessionalAccessBlocked: ['Accès d’un professionnel bloqué', 'Professional access blocked'],
    ProtocolAdherentRegistered: ['Adhérent à un protocole', 'Protocol adherent registered'],
    ProtocolPublished: ['Protocole publié', 'Protocol published'],
    ProtocolRetired: ['Protocole retiré', 'Protocol retired'],
    TrainingHeld: ['Formation tenue', 'Training held'],
    UnscheduledCareClosed: ['Demande de soins non programmés close', 'Unscheduled care request closed'],
    UnscheduledCareOriented: [
      'Demande de soins non programmés orientée',
      'Unscheduled care request oriented',
    ],
    UnscheduledCareRequested: ['Demande de soins non programmés', 'Unscheduled care request'],
  },
  // ---- end of the indicators, financing and audit area ----
  // ---- members' directory ----
  activity: {
    reunion: ['Réunion', 'Meeting'],
    'groupe-de-travail': ['Groupe de travail', 'Working group'],
    rcp: ['RCP', 'Case review (RCP)'],
    formation: ['Formation', 'Training'],
    'action-prevention': ['Action de prévention', 'Prevention action'],
    autre: ['Autre', 'Other'],
  },
  // ---- care circle area (patient page) ----
  careTeamRole: {
    'medecin-traitant': ['Médecin traitant', 'Médecin traitant'],
    'pharmacien-correspondant': ['Pharmacien correspondant', 'Pharmacien correspondant'],
    'referent-parcours': ['Référent du parcours', 'Pathway referent'],
    'soins-infirmiers': ['Soins infirmiers', 'Nursing'],
    reeducation: ['Rééducation', 'Rehabilitation'],
    'suivi-specialise': ['Suivi spécialisé', 'Specialist follow-up'],
    dispensation: ['Dispensation', 'Dispensing'],
    'sage-femme': ['Sage-femme', 'Midwife'],
    coordination: ['Coordination', 'Coordination'],
    autre: ['Autre', 'Other'],
  },
  involvement: {
    referral: ['Adressage accepté', 'Referral accepted'],
    protocol: ['Protocole appliqué', 'Protocol applied'],
  },
  breakGlassPurpose: {
    'urgence-vitale': ['Urgence vitale', 'Life-threatening emergency'],
    'patient-inconscient': ['Patient inconscient', 'Patient unconscious'],
    'continuite-des-soins': ['Continuité des soins', 'Continuity of care'],
    'demande-du-samu': ['Demande du SAMU', 'Request from the SAMU'],
  },
  notificationKind: {
    discharge: ['Sortie d’hospitalisation', 'Hospital discharge'],
    referral: ['Adressage reçu', 'Referral received'],
    'referral-answer': ['Réponse à votre adressage', 'Answer to your referral'],
    'overdue-step': ['Étape en retard qui vous est attribuée', 'Overdue step assigned to you'],
    'break-glass': [
      'Accès d’urgence (bris de glace) à un dossier',
      'Emergency access (break-glass) to a record',
    ],
  },
  // ---- end of the care circle area ----
} satisfies Record<string, Pairs>;

export type LabelSet = keyof typeof LABELS;

export function label(lang: Lang, set: LabelSet, value: string | undefined | null): string {
  if (value === undefined || value === null) return '—';
  const pair = (LABELS[set] as Pairs)[value];
  return pair ? pair[lang === 'fr' ? 0 : 1] : value;
}

/** `[value, label]` pairs of a set, for a select. */
export function options(lang: Lang, set: LabelSet): Array<[string, string]> {
  return Object.entries(LABELS[set] as Pairs).map(([value, pair]) => [value, pair[lang === 'fr' ? 0 : 1]]);
}
