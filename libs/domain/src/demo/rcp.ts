import type { Profession } from '../members/member.events';
import type { RcpCase, RcpParticipant } from '../rcp/rcp.events';
import { addDays, type DateString, weekday } from './calendar';
import { FAMILY_NAMES, GIVEN_NAMES, RCP_DECISIONS } from './catalogue';
import type { Random } from './random';
import { at, dayOf, type DemoContext, hours, openAtMs, type PlannedPathway, time } from './world';

/**
 * Réunions de concertation pluriprofessionnelles: one a month (the second Tuesday, at lunchtime or in
 * the evening; none in August) plus one called for an urgent complex case. Each discusses two to four
 * pathways opened in the previous weeks — complex discharges, complex cases, chronic diseases — and the
 * cases a previous RCP asked to review. Phase "rcp": it runs once the pathways exist.
 */

/** Who, besides the coordinator and the GPs, sits at the table for a kind of pathway. */
const TABLE: Partial<Record<PlannedPathway['kind'], readonly Profession[]>> = {
  'sortie-hospitalisation': ['infirmier', 'pharmacien', 'masseur-kinesitherapeute'],
  'insuffisance-cardiaque': ['infirmier-pratique-avancee', 'pharmacien', 'infirmier'],
  'personne-agee': ['infirmier', 'ergotherapeute', 'assistant-social'],
  'cas-complexe': ['assistant-social', 'infirmier-pratique-avancee', 'infirmier'],
  tnd: ['orthophoniste', 'psychomotricien', 'psychologue'],
};

function decisionsFor(rng: Random, kind: PlannedPathway['kind']): string[] {
  const list =
    kind === 'sortie-hospitalisation'
      ? RCP_DECISIONS.sortie
      : kind === 'cas-complexe' || kind === 'personne-agee' || kind === 'tnd'
        ? RCP_DECISIONS.complexe
        : RCP_DECISIONS.chronique;
  return rng.sample(list, rng.int(1, 3));
}

/** The second Tuesday of the window's `month`. */
function secondTuesday(ctx: DemoContext, month: number): DateString {
  let day = ctx.window.dateOf(month, 8);
  while (weekday(day) !== 2) day = addDays(day, 1);
  return day;
}

export function planRcps(rng: Random, ctx: DemoContext): void {
  const { window, members, pathways } = ctx;
  const meetings: number[] = [];
  for (let month = 1; month <= 12; month += 1) {
    if (month !== 8) meetings.push(time(secondTuesday(ctx, month), rng.chance(0.5) ? 12.5 : 20));
  }
  meetings.push(time(window.randomDay(rng, 60, window.days - 10), 13.5));

  const discussed = new Set<string>();
  const reviews: Array<{ pathway: PlannedPathway; reviewOn: DateString }> = [];
  for (const heldMs of meetings.sort((a, b) => a - b)) {
    const heldOn = dayOf(heldMs);
    if (!window.happened(heldMs) || heldOn < window.from) continue;

    // The cases due for review first, then recent pathways worth discussing.
    // A closed pathway is not discussed (a review it asked for lapses with it).
    const due = reviews.filter((r) => r.reviewOn <= heldOn && openAtMs(r.pathway, heldMs)).slice(0, 2);
    for (const review of due) reviews.splice(reviews.indexOf(review), 1);
    const recent = pathways.filter(
      (p) =>
        (p.complex || p.kind !== 'sortie-hospitalisation') &&
        !discussed.has(p.id) &&
        p.openedAt < heldMs - hours(24) &&
        p.openedAt > heldMs - hours(24 * 75) &&
        openAtMs(p, heldMs),
    );
    const fresh = rng.sample(recent, Math.max(0, rng.int(2, 4) - due.length));
    const chosen = [...due.map((r) => r.pathway), ...fresh];
    if (chosen.length === 0) continue;

    const cases: RcpCase[] = chosen.map((pathway) => {
      discussed.add(pathway.id);
      const reviewOn = rng.chance(0.4) ? addDays(heldOn, rng.int(56, 70)) : undefined;
      if (reviewOn) reviews.push({ pathway, reviewOn });
      return {
        pathwayId: pathway.id,
        decisions: decisionsFor(rng, pathway.kind),
        ...(reviewOn ? { reviewOn } : {}),
      };
    });

    // Around the table: the pathways coordinator, the patients' GPs, the professionals the cases need.
    const blocked = new Set(chosen.flatMap((p) => [...p.patient.blocked]));
    const coordinator = members.pick(rng, ['coordinateur'], heldOn);
    const convener = rng.chance(0.7) ? coordinator : members.gpOf(rng, chosen[0].patient, heldOn);
    const people = new Map([
      [coordinator.id, coordinator],
      [convener.id, convener],
    ]);
    for (const pathway of chosen) {
      const gp = members.gpOf(rng, pathway.patient, heldOn);
      people.set(gp.id, gp);
      const table: readonly Profession[] = TABLE[pathway.kind] ?? ['infirmier', 'pharmacien'];
      for (const profession of rng.sample(table, rng.chance(0.3) ? 2 : 1)) {
        const available = members.active([profession], heldOn, blocked);
        if (available.length > 0 && people.size < 8) {
          const member = rng.pick(available);
          people.set(member.id, member);
        }
      }
    }
    const participants: RcpParticipant[] = [...people.keys()].map((memberId) => ({ memberId }));
    if (rng.chance(0.25)) {
      // The HAD's coordinating nurse, who is not a member of the CPTS.
      participants.push({
        name: `${rng.pick(GIVEN_NAMES.F.before1980)} ${rng.pick(FAMILY_NAMES)}`,
        profession: 'infirmier',
      });
    }
    ctx.phases.rcp.task().holdRcp({
      convenedBy: convener.id,
      heldAt: at(heldMs),
      durationMinutes: Math.min(120, 30 + 20 * cases.length),
      complex: chosen.some((p) => p.complex),
      format: rng.weighted([
        ['presentiel', 40],
        ['visio', 35],
        ['mixte', 25],
      ] as const),
      participants,
      patientPresent: rng.chance(0.1),
      familyPresent: rng.chance(0.15),
      cases,
    });
  }
}
