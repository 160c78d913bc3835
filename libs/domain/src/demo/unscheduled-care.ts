import type { Profession } from '../members/member.events';
import type { UnscheduledCareRequested } from '../unscheduled-care/unscheduled-care.events';
import { addDays, type DateString, MINUTE_MS, weekday } from './calendar';
import { UNSCHEDULED_CLOSURES, UNSCHEDULED_MOTIVES } from './catalogue';
import { heatWave } from './territory';
import type { Random } from './random';
import { ageOn, at, dayOf, type DemoContext, type DemoPatient, hours, time } from './world';

/**
 * Soins non programmés: ~400 requests in the year (more on Mondays, in winter and during the heat wave),
 * by phone, from pharmacies, from the SAS regulator; most get an appointment within 24 h with a GP (a SAS
 * participant for SAS requests), a physiotherapist for a sprain, a dentist for toothache; some end
 * without one (sent to the emergency department, advice was enough); a few are still open.
 */

const REQUESTS = 400;

const REQUEST_DAYS: Record<number, number> = { 0: 0.15, 1: 1, 2: 0.75, 3: 0.7, 4: 0.7, 5: 0.8, 6: 0.5 };

/** Winter epidemics and the heat wave bring more requests. */
function seasonWeight(day: DateString, heat: { declaredOn: DateString; endedOn?: DateString }): number {
  const month = Number(day.slice(5, 7));
  if (day >= heat.declaredOn && day <= (heat.endedOn ?? addDays(heat.declaredOn, 9))) return 1;
  return month === 12 || month <= 2 ? 0.9 : month === 8 ? 0.45 : 0.6;
}

const RECIPIENTS: Record<'gp' | 'kine' | 'dentiste' | 'sage-femme', Profession> = {
  gp: 'medecin-generaliste',
  kine: 'masseur-kinesitherapeute',
  dentiste: 'chirurgien-dentiste',
  'sage-femme': 'sage-femme',
};

/**
 * Who the request is about, when it names a registered patient: a child for an earache, and so on. Ages
 * are those at the start of the year (`ages`), close enough to choose who calls.
 */
function patientFor(
  rng: Random,
  ctx: DemoContext,
  ages: ReadonlyMap<DemoPatient, number>,
  motive: string,
): DemoPatient | undefined {
  const age = (p: DemoPatient) => ages.get(p)!;
  const fits = /enfant/.test(motive)
    ? (p: DemoPatient) => age(p) <= 12
    : /grossesse/.test(motive)
      ? (p: DemoPatient) => p.sex === 'F' && age(p) >= 20 && age(p) <= 40
      : /âgé/.test(motive)
        ? (p: DemoPatient) => age(p) >= 75
        : (p: DemoPatient) => age(p) >= 16;
  const candidates = ctx.patients.filter(fits);
  return candidates.length > 0 ? rng.pick(candidates) : undefined;
}

export function planUnscheduledCare(rng: Random, ctx: DemoContext): void {
  const { window, members } = ctx;
  const heat = heatWave(window);
  const ages = new Map(ctx.patients.map((p) => [p, ageOn(p.birthDate, window.from)]));
  for (let i = 0; i < REQUESTS; i += 1) {
    let day = window.randomDay(rng);
    while (!rng.chance(REQUEST_DAYS[weekday(day)] * seasonWeight(day, heat))) day = window.randomDay(rng);
    const saturday = weekday(day) === 6;
    const receivedMs = time(day, saturday ? rng.int(16, 24) / 2 : rng.int(16, 39) / 2);
    const { motive, to } = rng.weighted(UNSCHEDULED_MOTIVES);
    const channel = rng.weighted<UnscheduledCareRequested['channel']>([
      ['telephone', 45],
      ['sas', 25],
      ['pharmacie', 15],
      ['plateforme', 10],
      ['autre', 5],
    ]);
    // The SAS regulator also calls on an ordinary line now and then.
    const viaSas = channel === 'sas' || (channel === 'telephone' && rng.chance(0.1));
    const patient = rng.chance(0.6) ? patientFor(rng, ctx, ages, motive) : undefined;

    const task = ctx.phases.activity.task();
    const requestId = task.requestUnscheduledCare({
      receivedAt: at(receivedMs),
      channel,
      motive,
      ...(patient ? { patientId: patient.id } : {}),
      viaSas,
    });

    const answer = rng.weighted([
      ['oriented', 82],
      ['closed', 14],
      ['open', 4],
    ] as const);
    if (answer === 'closed') {
      const closedMs = receivedMs + rng.int(15, 360) * MINUTE_MS;
      if (window.happened(closedMs))
        task.closeUnscheduledCare(requestId, at(closedMs), rng.pick(UNSCHEDULED_CLOSURES));
      continue;
    }
    if (answer === 'open') continue;

    // Most appointments are the same day or the next morning; some wait a few days.
    const appointmentMs = rng.chance(0.86)
      ? receivedMs + hours(rng.int(2, 40) / 2)
      : time(addDays(day, rng.int(2, 4)), rng.int(17, 36) / 2);
    const appointment = inOfficeHours(appointmentMs);
    const profession = RECIPIENTS[to];
    // SAS requests go to the GPs who take SAS slots; the others to any GP (or the profession the motive needs).
    const candidates = members
      .active([profession], dayOf(appointment), patient?.blocked)
      .filter((m) => !(viaSas && profession === 'medecin-generaliste') || m.sasParticipant);
    if (candidates.length === 0) continue;
    task.orientUnscheduledCare(requestId, rng.pick(candidates).id, at(appointment));
  }
}

/** An appointment falls between 08:30 and 19:00: a late one moves to the next morning. */
function inOfficeHours(ms: number): number {
  const local = at(ms);
  const hour = Number(local.slice(11, 13)) + Number(local.slice(14, 16)) / 60;
  if (hour >= 8.5 && hour <= 19) return ms;
  const day = dayOf(ms);
  return hour > 19 ? time(addDays(day, 1), 8.5 + (hour - 19) / 2) : time(day, 8.5 + hour / 10);
}
