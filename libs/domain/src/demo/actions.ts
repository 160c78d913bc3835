import type { Profession } from '../members/member.events';
import { addDays, type DateString } from './calendar';
import { PREVENTION_CALENDAR, TRAINING_CALENDAR } from './catalogue';
import { PROTOCOL_TRAINING } from './protocols';
import type { Random } from './random';
import { heatWave } from './territory';
import { type DemoContext, type DemoMember, Members } from './world';

/**
 * Prevention actions and trainings, from the CPTS's yearly calendar (Mars bleu, Octobre rose, flu
 * vaccination, falls prevention…), plus the phone calls to isolated elderly people during the heat
 * wave. Members who run or attend them must be members on the day.
 */

/** `count` members of these professions on that day (any profession when those are too few). */
function team(
  rng: Random,
  ctx: DemoContext,
  professions: readonly string[],
  on: DateString,
  count: number,
): DemoMember[] {
  const chosen = rng.sample(ctx.members.active(professions as Profession[], on), count);
  if (chosen.length > 0) return chosen;
  return rng.sample(
    ctx.members.all.filter((m) => Members.isActive(m, on)),
    count,
  );
}

export function planPreventionActions(rng: Random, ctx: DemoContext): void {
  const { window } = ctx;
  for (const action of PREVENTION_CALENDAR) {
    const heldOn = window.dateOf(action.month, action.day);
    const members = team(rng, ctx, action.professions, heldOn, rng.int(2, 4));
    ctx.phases.activity.task().holdPreventionAction({
      theme: action.theme,
      heldOn,
      participants: rng.int(action.reach[0], action.reach[1]),
      memberIds: members.map((m) => m.id),
    });
  }
  // During the heat wave: the coordinators, nurses and pharmacists call the isolated elderly.
  const heldOn = addDays(heatWave(window).declaredOn, 2);
  if (heldOn <= window.until) {
    const members = [
      ...ctx.members.active(['coordinateur'], heldOn),
      ...team(rng, ctx, ['infirmier'], heldOn, 2),
      ...team(rng, ctx, ['pharmacien'], heldOn, 1),
    ];
    ctx.phases.activity.task().holdPreventionAction({
      theme: 'Canicule : appels aux personnes âgées isolées et conseils en officine',
      heldOn,
      participants: rng.int(250, 400),
      memberIds: members.map((m) => m.id),
    });
  }
}

/** Trainings; the protocol training counts the delegates who signed after it among its attendees. */
export function planTrainings(rng: Random, ctx: DemoContext, protocolTrainees: readonly string[]): void {
  const { window } = ctx;
  for (const training of TRAINING_CALENDAR) {
    const heldOn = window.dateOf(training.month, training.day);
    const isProtocolTraining =
      training.month === PROTOCOL_TRAINING.month && training.day === PROTOCOL_TRAINING.day;
    const trainees = isProtocolTraining ? [...protocolTrainees] : [];
    const others = team(
      rng,
      ctx,
      training.professions,
      heldOn,
      rng.int(training.attendees[0], training.attendees[1]),
    );
    const attendees = [...new Set([...trainees, ...others.map((m) => m.id)])];
    ctx.phases.activity.task().holdTraining({ theme: training.theme, heldOn, attendeeMemberIds: attendees });
  }
}
