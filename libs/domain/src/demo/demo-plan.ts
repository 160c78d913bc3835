import { planPreventionActions, planTrainings } from './actions';
import type { DateString } from './calendar';
import { planChronicPathways } from './chronic';
import { planDischarges } from './discharges';
import { draftMembers, planJoins, planMemberLives } from './members';
import { planPatients } from './patients';
import { DemoPlan } from './plan';
import { planAdherents, planProtocolApplications } from './protocols';
import { Random } from './random';
import { planRcps } from './rcp';
import { contractSignature, planCpts } from './territory';
import { planUnscheduledCare } from './unscheduled-care';
import { ActivityWindow, type DemoContext, Members } from './world';

export interface DemoPlanOptions {
  cptsId: string;
  seed: number;
  /** The last day of the year of activity (a Paris date, already over). */
  until: DateString;
}

export interface BuiltDemoPlan {
  plan: DemoPlan;
  window: ActivityWindow;
  signedOn: DateString;
  /** The id of the `CptsRegistered` event: tells whether a store already holds this demo. */
  firstEventId: string;
}

/**
 * The whole demo CPTS as a plan of commands, from `seed` and `until` only. Each part of the data draws
 * from its own random sequence (`fork`), so the parts can be read, and changed, one at a time.
 *
 * Phases: the CPTS and its contract → the members join → what happens on their streams, the protocol
 * delegations, the patients and their own events → the year of activity (pathways, unscheduled care,
 * prevention, trainings) → the RCPs, which discuss pathways that must exist by then.
 */
export function buildDemoPlan({ cptsId, seed, until }: DemoPlanOptions): BuiltDemoPlan {
  const random = new Random(seed);
  const plan = new DemoPlan(cptsId, seed);
  const window = new ActivityWindow(until);
  const signedOn = contractSignature(random.fork('contract'), window);
  const ctx: DemoContext = {
    plan,
    phases: {
      cpts: plan.phase('cpts'),
      members: plan.phase('members'),
      setup: plan.phase('setup'),
      activity: plan.phase('activity'),
      rcp: plan.phase('rcp'),
    },
    window,
    signedOn,
    members: new Members([]),
    patients: [],
    pathways: [],
  };

  const { firstEventId } = planCpts(random.fork('cpts'), ctx);
  ctx.members = planJoins(ctx, draftMembers(random.fork('members'), window, signedOn));
  planMemberLives(random.fork('member-lives'), ctx);
  const { adherents, trainees } = planAdherents(random.fork('adherents'), ctx);
  ctx.patients = planPatients(random.fork('patients'), ctx);

  planDischarges(random.fork('discharges'), ctx);
  planChronicPathways(random.fork('chronic-pathways'), ctx);
  planProtocolApplications(random.fork('protocol-applications'), ctx, adherents);
  planUnscheduledCare(random.fork('unscheduled-care'), ctx);
  planPreventionActions(random.fork('prevention'), ctx);
  planTrainings(random.fork('trainings'), ctx, trainees);
  planRcps(random.fork('rcps'), ctx);

  return { plan, window, signedOn, firstEventId };
}
