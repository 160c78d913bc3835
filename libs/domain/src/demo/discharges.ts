import type { DischargeNotified, PathwayClosed, PathwayOpened } from '../pathways/pathway.events';
import { addDays, type DateString, weekday } from './calendar';
import { DISCHARGING_HOSPITALS, WARDS } from './catalogue';
import type { TaskBuilder } from './plan';
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
 * Hospital discharges (`sortie-hospitalisation`, and heart-failure pathways after a decompensation): the
 * hospital calls the coordinator, who opens the pathway and records the discharge; the patient's
 * pharmacist receives the medication reconciliation, a nurse or a physiotherapist is found for the
 * return home, the GP sees the patient within the week. As in real life: Friday-evening discharges
 * announced the same day, reconciliations sent late or never, follow-ups that slip past seven days.
 */

const DISCHARGES = 300;

/** Discharge days: Friday is the busiest (beds freed for the weekend), weekends are rare. */
const DISCHARGE_DAYS: Record<number, number> = { 0: 0.1, 1: 0.75, 2: 0.9, 3: 0.9, 4: 0.9, 5: 1, 6: 0.25 };

/** Something the special pathways show once: a corrected date, a voided duplicate, a readmission. */
type Special = 'correction' | 'voiding' | 'readmission';

export function planDischarges(rng: Random, ctx: DemoContext): void {
  const { window, patients } = ctx;
  // Discharges concern older patients: weights by age at the start of the year.
  const weighted = patients
    .map((p) => {
      const age = ageOn(p.birthDate, window.from);
      return [p, age >= 75 ? 3 : age >= 65 ? 2 : age >= 45 ? 0.6 : 0] as const;
    })
    .filter(([, weight]) => weight > 0);
  const specials = new Map<number, Special>([
    [40, 'readmission'],
    [120, 'correction'],
    [200, 'voiding'],
  ]);
  let recorded = 0;
  for (let i = 0; recorded < DISCHARGES; i += 1) {
    const special = specials.get(i);
    const patient = rng.weighted(weighted);
    // The special pathways need room before the end of the year: all their events must have happened
    // (a readmission, two stays); the others are spread over the whole year.
    const last = special === 'readmission' ? 150 : special ? window.days - 30 : window.days - 1;
    let day = window.randomDay(rng, 3, last);
    while (!rng.chance(DISCHARGE_DAYS[weekday(day)])) day = window.randomDay(rng, 3, last);
    recorded += planDischargePathway(rng, ctx, patient, day, special);
  }
}

/** One stay, as the generator decides it before recording it. */
interface Stay {
  notifiedMs: number;
  dischargeMs: number;
  data: Omit<DischargeNotified, 'dischargeId'>;
}

/**
 * The time of discharge and of the hospital's call. About 60 % of calls come at least 24 h ahead; on
 * Fridays fewer, and late-afternoon discharges are often announced the same day, or even afterwards.
 */
function dischargeTimes(rng: Random, day: DateString): { dischargeMs: number; notifiedMs: number } {
  const friday = weekday(day) === 5;
  const dischargeMs = time(day, friday && rng.chance(0.5) ? rng.int(33, 38) / 2 : rng.int(20, 34) / 2);
  const ahead = rng.chance(friday ? 0.45 : 0.65);
  if (ahead) {
    const notifiedMs = time(addDays(day, -rng.int(1, 3)), rng.int(17, 36) / 2);
    return { dischargeMs, notifiedMs: Math.min(notifiedMs, dischargeMs - hours(24)) };
  }
  if (rng.chance(0.85)) return { dischargeMs, notifiedMs: dischargeMs - hours(rng.int(1, 20) / 2) };
  return { dischargeMs, notifiedMs: dischargeMs + hours(rng.int(2, 40) / 2) };
}

/** What the hospital says of the stay: where from, how long, what changed, what the return home needs. */
function stayOn(
  rng: Random,
  ctx: DemoContext,
  patient: DemoPatient,
  day: DateString,
  kind: PathwayOpened['kind'],
): Stay {
  const { dischargeMs, notifiedMs } = dischargeTimes(rng, day);
  const complex = rng.chance(0.2);
  const needs = complex
    ? rng.sample(['infirmier', 'kine', 'aide-domicile', 'materiel-medical', 'portage-repas'], rng.int(2, 4))
    : [
        ...(rng.chance(0.3) ? ['infirmier'] : []),
        ...(rng.chance(0.12) ? ['kine'] : []),
        ...(rng.chance(0.08) ? ['materiel-medical'] : []),
      ];
  if (kind === 'insuffisance-cardiaque' && !needs.includes('infirmier')) needs.unshift('infirmier');
  const notifiedDay = dayOf(notifiedMs);
  const pharmacist = rng.chance(0.9) ? ctx.members.pharmacistOf(rng, patient, notifiedDay) : undefined;
  const gp =
    patient.gp && Members.isActive(patient.gp, notifiedDay) && rng.chance(0.9) ? patient.gp : undefined;
  const stayDays = complex ? rng.int(7, 25) : rng.int(2, 12);
  return {
    notifiedMs,
    dischargeMs,
    data: {
      hospital: { ...rng.weighted(DISCHARGING_HOSPITALS) },
      ward: kind === 'insuffisance-cardiaque' ? 'Cardiologie' : rng.pick(WARDS),
      admittedAt: at(time(addDays(day, -stayDays), rng.int(16, 44) / 2)),
      dischargeAt: at(dischargeMs),
      notifiedAt: at(notifiedMs),
      treatmentChanged: rng.chance(complex ? 0.85 : 0.6),
      complex,
      needs,
      ...(pharmacist && !patient.blocked.has(pharmacist.id) ? { pharmacistMemberId: pharmacist.id } : {}),
      ...(gp && !patient.blocked.has(gp.id) ? { gpMemberId: gp.id } : {}),
    },
  };
}

/**
 * One discharge pathway; returns the number of discharges it records (2 for the readmission). Events
 * that would fall after the end of the year are not recorded: they are still due.
 */
function planDischargePathway(
  rng: Random,
  ctx: DemoContext,
  patient: DemoPatient,
  day: DateString,
  special: Special | undefined,
): number {
  const age = ageOn(patient.birthDate, day);
  const kind: PathwayOpened['kind'] =
    special === undefined && age >= 60 && rng.chance(0.08)
      ? 'insuffisance-cardiaque'
      : 'sortie-hospitalisation';
  const first = stayOn(rng, ctx, patient, day, kind);
  // A discharge at the very end of the year, announced only afterwards: not known yet.
  if (!ctx.window.happened(first.notifiedMs)) return 0;
  const task = ctx.phases.activity.task();
  const pathwayId = task.openPathway({
    patientId: patient.id,
    kind,
    openedAt: at(first.notifiedMs),
    reason:
      kind === 'insuffisance-cardiaque'
        ? 'Décompensation cardiaque : retour à domicile à accompagner'
        : `Sortie d’hospitalisation (${first.data.ward ?? 'service'})`,
  });
  ctx.pathways.push({
    id: pathwayId,
    patient,
    kind,
    openedAt: first.notifiedMs,
    complex: first.data.complex,
    closures: [],
  });

  const lastMs = recordStay(rng, ctx, task, pathwayId, patient, first, kind, special);
  if (special !== 'readmission') {
    closeAfter(rng, ctx, task, pathwayId, lastMs, age);
    return 1;
  }
  // Closed after the first stay, then the patient is admitted again: the pathway is reopened.
  const closedMs = time(dayOf(lastMs + hours(24 * rng.int(3, 6))), rng.int(18, 34) / 2);
  task.closePathway(pathwayId, { closedAt: at(closedMs), outcome: 'termine' });
  const closure: { closedAt: number; reopenedAt?: number } = { closedAt: closedMs };
  plannedOf(ctx, pathwayId).closures.push(closure);
  const again = stayOn(rng, ctx, patient, dayOf(closedMs + hours(24 * rng.int(15, 30))), kind);
  // The hospital calls again: the coordinator reopens the pathway on that call.
  const calledMs = Math.max(again.notifiedMs, closedMs + hours(1));
  task.reopenPathway(pathwayId, at(calledMs), 'Réhospitalisation : une nouvelle sortie est à organiser');
  closure.reopenedAt = calledMs;
  recordStay(rng, ctx, task, pathwayId, patient, { ...again, notifiedMs: calledMs }, kind, undefined);
  return 2;
}

/** Records one stay and what follows it; returns the time of its last event. */
function recordStay(
  rng: Random,
  ctx: DemoContext,
  task: TaskBuilder,
  pathwayId: string,
  patient: DemoPatient,
  stay: Stay,
  kind: PathwayOpened['kind'],
  special: Special | undefined,
): number {
  const { window, members } = ctx;
  const { dischargeMs, data } = stay;
  let lastMs = Math.max(stay.notifiedMs, dischargeMs);
  const notified = { ...data, notifiedAt: at(stay.notifiedMs) };

  // The correction: the discharge was first recorded a day early; the ward had postponed it.
  const recorded =
    special === 'correction' ? { ...notified, dischargeAt: at(dischargeMs - hours(24)) } : notified;
  const { dischargeId, eventId } = task.notifyDischarge(pathwayId, recorded);
  if (special === 'correction') {
    const reason = 'Date de sortie erronée : le service a reporté la sortie au lendemain';
    task.correctEntry(pathwayId, eventId, reason, { dischargeAt: notified.dischargeAt });
  }

  lastMs = Math.max(lastMs, planHomeCare(rng, ctx, task, pathwayId, patient, stay, kind));

  // Medication reconciliation to the pharmacist: mostly within 48 h when the treatment changed.
  const draw = rng.next();
  const within48 = special === 'voiding' || (data.treatmentChanged ? draw < 0.85 : draw < 0.45);
  const late = !within48 && draw < (data.treatmentChanged ? 0.93 : 0.55);
  if (within48 || late) {
    const sentMs = within48
      ? Math.max(stay.notifiedMs, dischargeMs - hours(2)) + hours(rng.int(1, 90) / 2)
      : dischargeMs + hours(rng.int(50, 150));
    const pharmacist = members.pharmacistOf(rng, patient, dayOf(sentMs));
    if (window.happened(sentMs)) {
      const sentAt = at(sentMs);
      task.sendReconciliation(pathwayId, { dischargeId, toMemberId: pharmacist.id, sentAt });
      lastMs = Math.max(lastMs, sentMs);
      if (special === 'voiding') {
        // The same sending recorded twice by two people: the second entry is voided.
        const duplicate = task.sendReconciliation(pathwayId, {
          dischargeId,
          toMemberId: pharmacist.id,
          sentAt: at(sentMs + hours(0.1)),
        });
        task.voidEntry(pathwayId, duplicate, 'Doublon : cet envoi au pharmacien était déjà enregistré');
      }
    }
  }

  // The GP's follow-up: within seven days for most, later for some, never for a few.
  const followDraw = rng.next();
  if (followDraw < 0.87) {
    const atMs =
      followDraw < 0.73 ? dischargeMs + hours(rng.int(20, 160)) : dischargeMs + hours(24 * rng.int(8, 21));
    const followUpDay = dayOf(atMs);
    const by = rng.weighted([
      ['consultation', 55],
      ['visite-domicile', 25],
      ['appel', 20],
    ] as const);
    const member =
      by === 'appel'
        ? members.pick(rng, ['coordinateur', 'infirmier-pratique-avancee'], followUpDay, patient.blocked)
        : members.gpOf(rng, patient, followUpDay);
    const followMs = time(followUpDay, by === 'appel' ? rng.int(18, 34) / 2 : rng.int(17, 38) / 2);
    // Only after the discharge and the call that opened the pathway (a call may come after the discharge).
    if (window.happened(followMs) && followMs > Math.max(dischargeMs, stay.notifiedMs)) {
      task.completeFollowUp(pathwayId, {
        dischargeId,
        byMemberId: member.id,
        at: at(followMs),
        kind: by,
      });
      lastMs = Math.max(lastMs, followMs);
    }
  }
  return lastMs;
}

/**
 * The return home: a nurse (and a physiotherapist) referred by the coordinator or the GP, most often
 * the day of the call. About one referral in twelve is declined (a full round) and sent to a colleague.
 */
function planHomeCare(
  rng: Random,
  ctx: DemoContext,
  task: TaskBuilder,
  pathwayId: string,
  patient: DemoPatient,
  stay: Stay,
  kind: PathwayOpened['kind'],
): number {
  const { window, members } = ctx;
  let lastMs = stay.notifiedMs;
  const wanted = [
    ...(stay.data.needs.includes('infirmier') && rng.chance(0.5) ? ['infirmier' as const] : []),
    ...(stay.data.needs.includes('kine') && rng.chance(0.5) ? ['masseur-kinesitherapeute' as const] : []),
    ...(kind === 'insuffisance-cardiaque' && rng.chance(0.8) ? ['infirmier-pratique-avancee' as const] : []),
  ];
  for (const profession of wanted) {
    let referredMs = stay.notifiedMs + hours(rng.int(1, 6) / 2);
    const referredDay = dayOf(referredMs);
    const from = rng.chance(0.7)
      ? members.pick(rng, ['coordinateur'], referredDay)
      : members.gpOf(rng, patient, referredDay);
    const reason =
      profession === 'infirmier'
        ? rng.pick([
            'Soins infirmiers à domicile après la sortie : pansement et surveillance',
            'Injections d’anticoagulant et surveillance clinique après la sortie',
            'Préparation des piluliers et surveillance après la sortie',
          ])
        : profession === 'masseur-kinesitherapeute'
          ? 'Rééducation à domicile après la sortie'
          : 'Éducation thérapeutique : insuffisance cardiaque (poids, œdèmes, traitement)';
    const urgency =
      profession === 'infirmier'
        ? rng.weighted([
            ['24h', 70],
            ['jour-meme', 30],
          ] as const)
        : 'programmee';
    const exclude = new Set([...patient.blocked, from.id]);
    let declined = rng.chance(1 / 12);
    for (let attempt = 0; attempt < 2 && window.happened(referredMs); attempt += 1) {
      const to = members.pick(rng, [profession], dayOf(referredMs), exclude);
      exclude.add(to.id);
      const referralId = task.refer(pathwayId, {
        fromMemberId: from.id,
        to: { memberId: to.id },
        reason,
        urgency,
        referredAt: at(referredMs),
        channel: rng.chance(0.5) ? 'telephone' : 'messagerie-securisee',
      });
      lastMs = Math.max(lastMs, referredMs);
      const answerMs = referredMs + hours(urgency === 'programmee' ? rng.int(4, 48) : rng.int(1, 12) / 2);
      if (!window.happened(answerMs) || rng.chance(0.04)) break; // not answered (yet)
      if (declined) {
        task.declineReferral(
          pathwayId,
          referralId,
          at(answerMs),
          'Tournée complète sur ce secteur cette semaine',
        );
        lastMs = Math.max(lastMs, answerMs);
        declined = false;
        referredMs = answerMs + hours(0.5);
        continue;
      }
      const appointmentMs = Math.max(
        answerMs + hours(1),
        stay.dischargeMs + (urgency === 'programmee' ? hours(24 * rng.int(2, 7)) : hours(rng.int(3, 26))),
      );
      task.acceptReferral(pathwayId, {
        referralId,
        acceptedAt: at(answerMs),
        appointmentAt: at(appointmentMs),
      });
      lastMs = Math.max(lastMs, answerMs);
      const completedMs = appointmentMs + hours(rng.int(1, 3) / 2);
      if (window.happened(completedMs) && rng.chance(0.9) && Members.isActive(to, dayOf(completedMs))) {
        task.completeReferral(pathwayId, referralId, at(completedMs));
        lastMs = Math.max(lastMs, completedMs);
      }
      break;
    }
  }
  return lastMs;
}

/** Most pathways are closed a few weeks after their last step; a few end otherwise. */
function closeAfter(
  rng: Random,
  ctx: DemoContext,
  task: TaskBuilder,
  pathwayId: string,
  lastMs: number,
  age: number,
) {
  if (!rng.chance(0.4)) return;
  const closedMs = time(dayOf(lastMs + hours(24 * rng.int(7, 30))), rng.int(18, 34) / 2);
  if (!ctx.window.happened(closedMs) || closedMs <= lastMs) return;
  const outcome: PathwayClosed['outcome'] = rng.weighted([
    ['termine', 88],
    ['hospitalisation', 5],
    ['demenagement', 3],
    ['deces', age >= 85 ? 4 : 0],
    ['perdu-de-vue', 2],
  ]);
  task.closePathway(pathwayId, { closedAt: at(closedMs), outcome });
  plannedOf(ctx, pathwayId).closures.push({ closedAt: closedMs });
}

/** The planned pathway of an id (each discharge pathway is planned once, before its stays). */
function plannedOf(ctx: DemoContext, pathwayId: string): PlannedPathway {
  return ctx.pathways.find((pathway) => pathway.id === pathwayId)!;
}
