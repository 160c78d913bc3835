import type { Profession } from '../members/member.events';
import type { PathwayOpened, PatientReferred } from '../pathways/pathway.events';
import { DECLINE_REASONS } from './catalogue';
import type { Random } from './random';
import {
  ageOn,
  at,
  dayOf,
  type DemoContext,
  type DemoPatient,
  hours,
  Members,
  type PlannedPathway,
  time,
} from './world';

/**
 * The pluriprofessional pathways the CPTS runs besides discharges (`seed-001` §4): heart failure,
 * diabetes, COPD, osteoporosis, the elderly, polymedication, neurodevelopmental disorders, complex
 * cases. Each opens with one or two referrals (`PatientReferred`) to the professionals the pathway
 * needs, answered — accepted with an appointment, sometimes declined — and completed once seen.
 */

const CHRONIC_PATHWAYS = 70;

/** A referral a pathway makes: to whom, why, how urgently; `structure` when it goes to a service. */
interface Referral {
  to: Profession;
  /** For a specialist: which one. */
  specialty?: string;
  reason: string;
  urgency: PatientReferred['urgency'];
  structure?: string;
}

interface PathwayKind {
  kind: PathwayOpened['kind'];
  weight: number;
  reason: string;
  /** Who the pathway is for, at the start of the year. */
  fits: (patient: DemoPatient, age: number) => boolean;
  /** Who refers: the GP, the pediatrician for children, the coordinator for complex cases. */
  from: Profession;
  fromSpecialty?: string;
  referrals: readonly Referral[];
  /** Worth discussing in an RCP. */
  complex: boolean;
}

const KINDS: readonly PathwayKind[] = [
  {
    kind: 'insuffisance-cardiaque',
    weight: 14,
    reason: 'Insuffisance cardiaque chronique : suivi partagé ville-hôpital',
    fits: (_, age) => age >= 60,
    from: 'medecin-generaliste',
    complex: true,
    referrals: [
      {
        to: 'infirmier-pratique-avancee',
        reason: 'Suivi IPA : titration du traitement, surveillance du poids',
        urgency: 'programmee',
      },
      {
        to: 'medecin-specialiste',
        specialty: 'cardiologie',
        reason: 'Avis cardiologique : adaptation du traitement',
        urgency: 'programmee',
      },
    ],
  },
  {
    kind: 'diabete',
    weight: 12,
    reason: 'Diabète de type 2 : prévention des complications',
    fits: (_, age) => age >= 40,
    from: 'medecin-generaliste',
    complex: false,
    referrals: [
      {
        to: 'pedicure-podologue',
        reason: 'Bilan podologique : pied diabétique à risque (grade 2)',
        urgency: 'programmee',
      },
      { to: 'dieteticien', reason: 'Éducation nutritionnelle', urgency: 'programmee' },
      {
        to: 'orthoptiste',
        reason: 'Rétinographie de dépistage de la rétinopathie diabétique',
        urgency: 'programmee',
      },
    ],
  },
  {
    kind: 'bpco',
    weight: 8,
    reason: 'Suspicion de BPCO chez un fumeur : parcours diagnostique',
    fits: (_, age) => age >= 45,
    from: 'medecin-generaliste',
    complex: false,
    referrals: [
      {
        to: 'medecin-specialiste',
        specialty: 'pneumologie',
        reason: 'Spirométrie et lecture de la courbe par le pneumologue',
        urgency: 'programmee',
      },
      { to: 'masseur-kinesitherapeute', reason: 'Réhabilitation respiratoire', urgency: 'programmee' },
    ],
  },
  {
    kind: 'osteoporose',
    weight: 8,
    reason: 'Ostéoporose fracturaire après une fracture du poignet',
    fits: (patient, age) => patient.sex === 'F' && age >= 55,
    from: 'medecin-generaliste',
    complex: false,
    referrals: [
      {
        to: 'medecin-specialiste',
        specialty: 'rhumatologie',
        reason: 'Bilan d’ostéoporose et densitométrie',
        urgency: 'programmee',
      },
      {
        to: 'chirurgien-dentiste',
        reason: 'Bilan bucco-dentaire avant traitement par bisphosphonate',
        urgency: 'programmee',
      },
      {
        to: 'masseur-kinesitherapeute',
        reason: 'Prévention des chutes : équilibre et renforcement',
        urgency: 'programmee',
      },
    ],
  },
  {
    kind: 'personne-agee',
    weight: 12,
    reason: 'Fragilité de la personne âgée vivant seule : maintien à domicile',
    fits: (_, age) => age >= 75,
    from: 'medecin-generaliste',
    complex: true,
    referrals: [
      { to: 'ergotherapeute', reason: 'Aménagement du domicile après une chute', urgency: 'programmee' },
      { to: 'assistant-social', reason: 'Demande d’APA et d’aide à domicile', urgency: '24h' },
      {
        to: 'medecin-specialiste',
        specialty: 'geriatrie',
        reason: 'Évaluation gériatrique',
        urgency: 'programmee',
        structure: 'Hôpital de jour gériatrique — Hôpital Nord-Ouest',
      },
    ],
  },
  {
    kind: 'polymedication',
    weight: 8,
    reason: 'Polymédication (au moins cinq molécules) : bilan partagé de médication',
    fits: (_, age) => age >= 65,
    from: 'medecin-generaliste',
    complex: false,
    referrals: [{ to: 'pharmacien', reason: 'Bilan partagé de médication', urgency: 'programmee' }],
  },
  {
    kind: 'tnd',
    weight: 6,
    reason: 'Suspicion de trouble du neurodéveloppement',
    fits: (_, age) => age >= 3 && age <= 11,
    from: 'medecin-specialiste',
    fromSpecialty: 'pediatrie',
    complex: true,
    referrals: [
      { to: 'orthophoniste', reason: 'Bilan orthophonique : langage oral et écrit', urgency: 'programmee' },
      { to: 'psychomotricien', reason: 'Bilan psychomoteur', urgency: 'programmee' },
      {
        to: 'psychologue',
        reason: 'Bilan neuropsychologique',
        urgency: 'programmee',
        structure: 'Plateforme de coordination et d’orientation TND du Rhône',
      },
    ],
  },
  {
    kind: 'cas-complexe',
    weight: 7,
    reason: 'Situation complexe à domicile : isolement, refus d’aide, polypathologie',
    fits: (_, age) => age >= 18,
    from: 'coordinateur',
    complex: true,
    referrals: [
      { to: 'assistant-social', reason: 'Évaluation sociale et mise en place d’aides', urgency: '24h' },
      { to: 'infirmier-pratique-avancee', reason: 'Évaluation clinique à domicile', urgency: '24h' },
      { to: 'infirmier', reason: 'Passage infirmier pour l’observance du traitement', urgency: '24h' },
    ],
  },
];

/** How long after a referral the answer comes, and the appointment after that, by urgency (hours). */
const ANSWER_HOURS: Record<PatientReferred['urgency'], readonly [number, number]> = {
  'jour-meme': [1, 6],
  '24h': [2, 30],
  programmee: [24, 24 * 10],
};
const APPOINTMENT_HOURS: Record<PatientReferred['urgency'], readonly [number, number]> = {
  'jour-meme': [1, 8],
  '24h': [12, 48],
  programmee: [24 * 5, 24 * 40],
};

export function planChronicPathways(rng: Random, ctx: DemoContext): void {
  const { window, patients, members } = ctx;
  for (let i = 0; i < CHRONIC_PATHWAYS; i += 1) {
    const kind = rng.weighted(KINDS.map((k) => [k, k.weight] as const));
    const candidates = patients.filter((p) => kind.fits(p, ageOn(p.birthDate, window.from)));
    const patient = rng.pick(candidates);
    const openedMs = time(window.randomDay(rng, 0, window.days - 20), rng.int(17, 36) / 2);
    const task = ctx.phases.activity.task();
    const pathwayId = task.openPathway({
      patientId: patient.id,
      kind: kind.kind,
      openedAt: at(openedMs),
      reason: kind.reason,
    });
    const planned: PlannedPathway = {
      id: pathwayId,
      patient,
      kind: kind.kind,
      openedAt: openedMs,
      complex: kind.complex,
      closures: [],
    };
    ctx.pathways.push(planned);

    let lastMs = openedMs;
    const count = kind.referrals.length > 1 && rng.chance(0.4) ? 2 : 1;
    for (const referral of rng.sample(kind.referrals, count)) {
      const referredMs = lastMs + hours(rng.int(1, 72));
      if (!window.happened(referredMs)) break;
      const day = dayOf(referredMs);
      const from =
        kind.from === 'medecin-generaliste'
          ? members.gpOf(rng, patient, day)
          : rng.pick(
              members
                .active([kind.from], day, patient.blocked)
                .filter((m) => kind.fromSpecialty === undefined || m.specialty === kind.fromSpecialty),
            );
      // Mostly to a member of the CPTS; otherwise to the profession at large (a non-member, a service).
      const to = rng.chance(0.85)
        ? members
            .active([referral.to], day, patient.blocked)
            .filter(
              (m) =>
                m.id !== from.id && (referral.specialty === undefined || m.specialty === referral.specialty),
            )
        : [];
      const recipient: PatientReferred['to'] =
        referral.structure !== undefined && rng.chance(0.5)
          ? { profession: referral.to, structure: referral.structure }
          : to.length > 0
            ? { memberId: rng.pick(to).id }
            : { profession: referral.to };
      const referralId = task.refer(pathwayId, {
        fromMemberId: from.id,
        to: recipient,
        reason: referral.reason,
        urgency: referral.urgency,
        referredAt: at(referredMs),
        channel: rng.weighted([
          ['messagerie-securisee', 55],
          ['telephone', 25],
          ['plateforme', 15],
          ['courrier', 5],
        ] as const),
      });
      lastMs = referredMs;

      // Answered: accepted (~80 %), declined (~8 %), or still waiting.
      const [aMin, aMax] = ANSWER_HOURS[referral.urgency];
      const answerMs = referredMs + hours(rng.int(aMin, aMax));
      const answer = rng.weighted([
        ['accepted', 80],
        ['declined', 8],
        ['waiting', 12],
      ] as const);
      if (answer === 'waiting' || !window.happened(answerMs)) continue;
      if (answer === 'declined') {
        task.declineReferral(pathwayId, referralId, at(answerMs), rng.pick(DECLINE_REASONS));
        lastMs = answerMs;
        continue;
      }
      const [pMin, pMax] = APPOINTMENT_HOURS[referral.urgency];
      const appointmentMs = time(dayOf(answerMs + hours(rng.int(pMin, pMax))), rng.int(17, 36) / 2);
      const appointment = Math.max(appointmentMs, answerMs + hours(1));
      task.acceptReferral(pathwayId, {
        referralId,
        acceptedAt: at(answerMs),
        appointmentAt: at(appointment),
      });
      lastMs = answerMs;
      const completedMs = appointment + hours(1);
      const seenBy = recipient.memberId ? members.all.find((m) => m.id === recipient.memberId) : undefined;
      if (
        window.happened(completedMs) &&
        rng.chance(0.9) &&
        (!seenBy || Members.isActive(seenBy, dayOf(completedMs)))
      ) {
        task.completeReferral(pathwayId, referralId, at(completedMs));
        lastMs = completedMs;
      }
    }

    // A few pathways end during the year: goals reached, the patient moved, or lost to follow-up.
    const closedMs = time(dayOf(lastMs + hours(24 * rng.int(30, 90))), rng.int(18, 34) / 2);
    if (rng.chance(0.2) && window.happened(closedMs)) {
      planned.closures.push({ closedAt: closedMs });
      task.closePathway(pathwayId, {
        closedAt: at(closedMs),
        outcome: rng.weighted([
          ['termine', 70],
          ['perdu-de-vue', 15],
          ['demenagement', 10],
          ['autre', 5],
        ] as const),
      });
    }
  }
}
