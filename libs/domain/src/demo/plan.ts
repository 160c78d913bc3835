import type { ICommand } from '@nestjs/cqrs';
import {
  DeclareCrisis,
  RecordAchievement,
  RecordCrisisPlanStep,
  RegisterCpts,
  SignAciContract,
  StartMission,
} from '../cpts/cpts.commands';
import type {
  AchievementRecorded,
  CptsRegistered,
  CrisisDeclared,
  MissionStarted,
} from '../cpts/cpts.events';
import type { RecordCrisisPlan, SignContract } from '../cpts/cpts.decider';
import { HoldPreventionAction, HoldTraining } from '../actions/actions.commands';
import type { PreventionActionHeld, TrainingHeld } from '../actions/action.events';
import { HostIntern, JoinMember, LeaveCpts, RecordParticipation } from '../members/members.commands';
import type { InternHosted, MemberJoined, ParticipationRecorded } from '../members/member.events';
import { OpenPathwayCommand, RecordPathwayEvent } from '../pathways/pathways.commands';
import type {
  DischargeNotified,
  FollowUpCompleted,
  MedicationReconciliationSent,
  PathwayClosed,
  PathwayOpened,
  PatientReferred,
  ProtocolApplied,
  ReferralAccepted,
} from '../pathways/pathway.events';
import {
  AssignMedecinTraitant,
  BlockProfessional,
  DesignatePharmacienCorrespondant,
  RecordConsent,
  RegisterMedecinTraitantSearch,
  RegisterPatientCommand,
} from '../patients/patients.commands';
import type {
  ConsentRecorded,
  MedecinTraitantSearchRegistered,
  RegisterPatient,
} from '../patients/patient.events';
import { RegisterProtocolAdherent } from '../protocols/protocols.commands';
import type { ProtocolAdherentRegistered } from '../protocols/protocol.events';
import { HoldRcp } from '../rcp/rcp.commands';
import type { RcpHeld } from '../rcp/rcp.events';
import type { CommandMeta } from '../shared/command-runner';
import { IdSource } from '../shared/ids';
import {
  CloseUnscheduledCare,
  OrientUnscheduledCare,
  RequestUnscheduledCare,
} from '../unscheduled-care/unscheduled-care.commands';
import type { UnscheduledCareRequested } from '../unscheduled-care/unscheduled-care.events';

/**
 * The demo as a plan: every command it will send, built in advance from the seed, before anything runs.
 *
 * Command number `n` (its place in the plan) is its idempotency key, `demo-<seed>-<n>`: from it come the
 * ids the command creates (a member, a pathway, a discharge…) and its event ids, exactly as the API
 * derives them from an Idempotency-Key. So the plan knows every id before the commands run (a follow-up
 * can name the discharge it follows), two runs produce the same events, and running the plan again on a
 * store that has it replays every command instead of appending.
 *
 * The plan is cut into phases (what a phase references exists once the previous phases are done) and each
 * phase into tasks: the commands of one task run in order, tasks run side by side. Within a phase, all
 * the commands on a stream belong to one task, so each stream's events come out in the same order on
 * every run (the global log's interleaving of streams may differ; no rule depends on it).
 */

export interface DemoStep {
  /** Place in the plan, hence the idempotency key `demo-<seed>-<n>`. */
  n: number;
  /** The event the command records, for progress and error messages. */
  label: string;
  command: (meta: CommandMeta) => ICommand;
}

export interface DemoPhase {
  name: string;
  tasks: DemoStep[][];
}

export class DemoPlan {
  readonly phases: DemoPhase[] = [];
  private counter = 0;

  constructor(
    readonly cptsId: string,
    readonly seed: number,
  ) {}

  /** The key of command `n`: the demo's Idempotency-Key. */
  key(n: number): string {
    return `demo-${this.seed}-${n}`;
  }

  /** The ids command `n` creates and appends with (the same the handler derives from its meta). */
  ids(n: number): IdSource {
    return new IdSource(this.cptsId, this.key(n));
  }

  phase(name: string): PhaseBuilder {
    const phase: DemoPhase = { name, tasks: [] };
    this.phases.push(phase);
    return new PhaseBuilder(this, phase);
  }

  /** Hands out the next command number. */
  reserve(): number {
    const n = this.counter;
    this.counter += 1;
    return n;
  }

  get commands(): number {
    return this.phases.reduce((sum, phase) => sum + phase.tasks.reduce((s, task) => s + task.length, 0), 0);
  }
}

export class PhaseBuilder {
  constructor(
    private readonly plan: DemoPlan,
    private readonly phase: DemoPhase,
  ) {}

  /** A new sequence of commands that run in order (one stream's, typically). */
  task(): TaskBuilder {
    const steps: DemoStep[] = [];
    this.phase.tasks.push(steps);
    return new TaskBuilder(this.plan, steps);
  }
}

/** A pathway event as `RecordPathwayEvent` carries it. */
type PathwayEntry = RecordPathwayEvent['event'];

/**
 * Appends commands to one task. Each method mirrors one API route: it sends the command the controller
 * would send, and returns the ids the route would answer (computed now, from the command's number).
 */
export class TaskBuilder {
  constructor(
    private readonly plan: DemoPlan,
    private readonly steps: DemoStep[],
  ) {}

  private add(label: string, command: (meta: CommandMeta) => ICommand): IdSource {
    const n = this.plan.reserve();
    this.steps.push({ n, label, command });
    return this.plan.ids(n);
  }

  // ---- the CPTS and its contract ------------------------------------------------------------------

  /** `POST /cpts`: the CPTS, and with it the national protocols. */
  registerCpts(data: CptsRegistered): string {
    const event = this.add('CptsRegistered', (meta) => new RegisterCpts(meta, { ...data, id: meta.cptsId }));
    return event.eventId(0);
  }
  signContract(data: SignContract): void {
    this.add('AciContractSigned', (meta) => new SignAciContract(meta, data));
  }
  startMission(data: MissionStarted): void {
    this.add('MissionStarted', (meta) => new StartMission(meta, data));
  }
  recordAchievement(data: AchievementRecorded): void {
    this.add('AchievementRecorded', (meta) => new RecordAchievement(meta, data));
  }
  crisisPlan(data: RecordCrisisPlan): void {
    const label = data.kind === 'drafted' ? 'CrisisPlanDrafted' : 'CrisisPlanUpdated';
    this.add(label, (meta) => new RecordCrisisPlanStep(meta, data));
  }
  declareCrisis(data: CrisisDeclared): void {
    this.add('CrisisDeclared', (meta) => new DeclareCrisis(meta, data));
  }

  // ---- members ------------------------------------------------------------------------------------

  joinMember(data: MemberJoined): string {
    return this.add('MemberJoined', (meta) => new JoinMember(meta, data)).newId('member');
  }
  recordParticipation(memberId: string, data: ParticipationRecorded): void {
    this.add('ParticipationRecorded', (meta) => new RecordParticipation(meta, memberId, data));
  }
  hostIntern(memberId: string, data: InternHosted): void {
    this.add('InternHosted', (meta) => new HostIntern(meta, memberId, data));
  }
  leave(memberId: string, leftOn: string): void {
    this.add('MemberLeft', (meta) => new LeaveCpts(meta, memberId, { leftOn }));
  }
  registerAdherent(code: string, data: ProtocolAdherentRegistered): void {
    this.add('ProtocolAdherentRegistered', (meta) => new RegisterProtocolAdherent(meta, code, data));
  }

  // ---- patients -----------------------------------------------------------------------------------

  /** The identity travels in clear, as in the API's body: the patients capability seals it. */
  registerPatient(data: RegisterPatient): string {
    return this.add('PatientRegistered', (meta) => new RegisterPatientCommand(meta, data)).newId('patient');
  }
  recordConsent(patientId: string, data: ConsentRecorded): void {
    this.add('ConsentRecorded', (meta) => new RecordConsent(meta, patientId, data));
  }
  blockProfessional(patientId: string, memberId: string, on: string): void {
    this.add('ProfessionalAccessBlocked', (meta) => new BlockProfessional(meta, patientId, { memberId, on }));
  }
  designatePharmacien(patientId: string, memberId: string, on: string): void {
    this.add(
      'PharmacienCorrespondantDesignated',
      (meta) => new DesignatePharmacienCorrespondant(meta, patientId, { memberId, on }),
    );
  }
  searchMedecinTraitant(patientId: string, data: MedecinTraitantSearchRegistered): void {
    this.add(
      'MedecinTraitantSearchRegistered',
      (meta) => new RegisterMedecinTraitantSearch(meta, patientId, data),
    );
  }
  assignMedecinTraitant(patientId: string, memberId: string, assignedOn: string): void {
    this.add(
      'MedecinTraitantAssigned',
      (meta) => new AssignMedecinTraitant(meta, patientId, { memberId, assignedOn }),
    );
  }

  // ---- pathways (the routes of pathways.controller.ts) ---------------------------------------------

  openPathway(data: PathwayOpened): string {
    return this.add('PathwayOpened', (meta) => new OpenPathwayCommand(meta, data)).newId('pathway');
  }

  /** An event on a pathway; returns its event id (what a correction or a voiding targets). */
  private record(pathwayId: string, event: PathwayEntry): string {
    return this.add(event.type, (meta) => new RecordPathwayEvent(meta, pathwayId, event, pathwayId)).eventId(
      0,
    );
  }

  /**
   * An event whose route creates an id with `meta.ids.newId(purpose)` (the referral's, the discharge's,
   * the application's) and puts it in the data: derived here first, from the command's number.
   */
  private recordCreating(
    pathwayId: string,
    purpose: 'referral' | 'discharge' | 'application',
    event: (id: string) => PathwayEntry,
  ): { id: string; eventId: string } {
    const n = this.plan.reserve();
    const ids = this.plan.ids(n);
    const id = ids.newId(purpose);
    const entry = event(id);
    this.steps.push({
      n,
      label: entry.type,
      command: (meta) => new RecordPathwayEvent(meta, pathwayId, entry, id),
    });
    return { id, eventId: ids.eventId(0) };
  }

  refer(pathwayId: string, data: Omit<PatientReferred, 'referralId'>): string {
    return this.recordCreating(pathwayId, 'referral', (referralId) => ({
      type: 'PatientReferred',
      data: { referralId, ...data },
    })).id;
  }
  acceptReferral(pathwayId: string, data: ReferralAccepted): void {
    this.record(pathwayId, { type: 'ReferralAccepted', data });
  }
  declineReferral(pathwayId: string, referralId: string, declinedAt: string, reason: string): void {
    this.record(pathwayId, { type: 'ReferralDeclined', data: { referralId, declinedAt, reason } });
  }
  completeReferral(pathwayId: string, referralId: string, completedAt: string): void {
    this.record(pathwayId, { type: 'ReferralCompleted', data: { referralId, completedAt } });
  }
  notifyDischarge(
    pathwayId: string,
    data: Omit<DischargeNotified, 'dischargeId'>,
  ): { dischargeId: string; eventId: string } {
    const { id, eventId } = this.recordCreating(pathwayId, 'discharge', (dischargeId) => ({
      type: 'DischargeNotified',
      data: { dischargeId, ...data },
    }));
    return { dischargeId: id, eventId };
  }
  sendReconciliation(pathwayId: string, data: MedicationReconciliationSent): string {
    return this.record(pathwayId, { type: 'MedicationReconciliationSent', data });
  }
  completeFollowUp(pathwayId: string, data: FollowUpCompleted): void {
    this.record(pathwayId, { type: 'FollowUpCompleted', data });
  }
  applyProtocol(pathwayId: string, data: Omit<ProtocolApplied, 'applicationId'>): void {
    this.recordCreating(pathwayId, 'application', (applicationId) => ({
      type: 'ProtocolApplied',
      data: { applicationId, ...data },
    }));
  }
  closePathway(pathwayId: string, data: PathwayClosed): void {
    this.record(pathwayId, { type: 'PathwayClosed', data });
  }
  reopenPathway(pathwayId: string, reopenedAt: string, reason: string): void {
    this.record(pathwayId, { type: 'PathwayReopened', data: { reopenedAt, reason } });
  }
  correctEntry(pathwayId: string, targetEventId: string, reason: string, correction: object): void {
    this.record(pathwayId, {
      type: 'EntryCorrected',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }
  voidEntry(pathwayId: string, targetEventId: string, reason: string): void {
    this.record(pathwayId, { type: 'EntryVoided', data: { targetEventId, reason } });
  }

  // ---- RCPs, unscheduled care, actions ----------------------------------------------------------------

  holdRcp(data: RcpHeld): void {
    this.add('RcpHeld', (meta) => new HoldRcp(meta, data));
  }

  /** `POST …/unscheduled-care`; returns the request's id for its orientation or closure. */
  requestUnscheduledCare(data: UnscheduledCareRequested): string {
    return this.add('UnscheduledCareRequested', (meta) => new RequestUnscheduledCare(meta, data)).newId(
      'snp',
    );
  }
  orientUnscheduledCare(requestId: string, toMemberId: string, appointmentAt: string): void {
    this.add(
      'UnscheduledCareOriented',
      (meta) => new OrientUnscheduledCare(meta, requestId, { toMemberId, appointmentAt }),
    );
  }
  closeUnscheduledCare(requestId: string, closedAt: string, reason: string): void {
    this.add(
      'UnscheduledCareClosed',
      (meta) => new CloseUnscheduledCare(meta, requestId, { closedAt, reason }),
    );
  }
  holdPreventionAction(data: PreventionActionHeld): void {
    this.add('PreventionActionHeld', (meta) => new HoldPreventionAction(meta, data));
  }
  holdTraining(data: TrainingHeld): void {
    this.add('TrainingHeld', (meta) => new HoldTraining(meta, data));
  }
}
