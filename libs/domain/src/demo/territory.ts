import type { Mission } from '../cpts/cpts.events';
import { addDays, addYears, type DateString, maxDate } from './calendar';
import { COMMUNES, DEMO_CPTS_NAME, POPULATION } from './catalogue';
import type { Random } from './random';
import type { ActivityWindow, DemoContext } from './world';

/**
 * The CPTS itself (stream `cpts-<id>`): registration (which also publishes the national protocols), the
 * ACI contract signed about two years before the end of the demo's year, its missions started one after
 * the other, the crisis plan drafted then updated, a heat wave declared by the ARS, and the achievement
 * rates agreed at the review of contract year 1.
 */

/** The four socle missions and the optional quality mission, with how long after signature each started. */
const MISSION_STARTS: ReadonlyArray<readonly [Mission, number]> = [
  ['acces-soins', 0],
  ['parcours', 30],
  ['prevention', 75],
  ['crises-sanitaires', 120],
  ['qualite-pertinence', 270],
];

/** When the contract was signed: two years (and a few weeks) before the end of the year shown. */
export function contractSignature(rng: Random, window: ActivityWindow): DateString {
  return addDays(addYears(window.until, -2), rng.int(8, 40));
}

/** The ARS-characterised crisis of the year: the heat wave of late July. */
export function heatWave(window: ActivityWindow): { declaredOn: DateString; endedOn?: DateString } {
  const declaredOn = window.dateOf(7, 18);
  const endedOn = addDays(declaredOn, 9);
  return endedOn <= window.until ? { declaredOn, endedOn } : { declaredOn };
}

export function planCpts(rng: Random, ctx: DemoContext): { firstEventId: string } {
  const { window, signedOn } = ctx;
  const task = ctx.phases.cpts.task();
  const firstEventId = task.registerCpts({
    name: DEMO_CPTS_NAME,
    population: POPULATION,
    communes: COMMUNES.map((commune) => commune.insee),
  });
  task.signContract({ signedOn, missions: MISSION_STARTS.map(([mission]) => mission) });
  for (const [mission, after] of MISSION_STARTS) {
    task.startMission({ mission, startedOn: addDays(signedOn, after) });
  }
  const drafted = addDays(signedOn, 150);
  task.crisisPlan({ kind: 'drafted', on: drafted });

  // The rest in the order it happened: the review of year 1, the plan's yearly update, the heat wave.
  const review = addDays(addYears(signedOn, 1), rng.int(20, 45));
  const update = maxDate(addDays(window.from, rng.int(60, 150)), addDays(drafted, 1));
  const crisis = heatWave(window);
  const later: Array<{ on: DateString; record: () => void }> = [
    {
      on: review,
      record: () => {
        // Variable parts only: crises-sanitaires is paid on declared crises, not on a rate.
        for (const mission of ['acces-soins', 'parcours', 'prevention', 'qualite-pertinence'] as const) {
          task.recordAchievement({ contractYear: 1, mission, rate: rng.int(60, 100) / 100 });
        }
      },
    },
    { on: update, record: () => task.crisisPlan({ kind: 'updated', on: update }) },
    { on: crisis.declaredOn, record: () => task.declareCrisis({ kind: 'canicule', ...crisis }) },
  ];
  for (const step of later.sort((a, b) => a.on.localeCompare(b.on))) step.record();
  return { firstEventId };
}
