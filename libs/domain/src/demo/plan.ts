import type { ICommand } from '@nestjs/cqrs';
import { ActionCommandMessage } from '../actions/actions.handler';
import type { PreventionActionHeld, TrainingHeld } from '../actions/action.events';
import type { RecordCrisisPlan, SignContract } from '../cpts/cpts.commands';
import type {
  AchievementRecorded,
  CptsRegistered,
  CrisisDeclared,
  MissionStarted,
} from '../cpts/cpts.events';
import { CptsCommandMessage } from '../cpts/cpts.handler';
import type { InternHosted, MemberJoined, ParticipationRecorded } from '../members/member.events';
import { MemberCommandMessage } from '../members/members.handler';
import type { PathwayStreamCommand } from '../pathways/pathway.commands';
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
import { PathwayCommandMessage } from '../pathways/pathways.handler';
import type { RegisterPatient } from '../patients/patient.commands';
import type { ConsentRecorded, MedecinTraitantSearchRegistered } from '../patients/patient.events';
import { PatientCommandMessage } from '../patients/patients.handler';
import type { ProtocolAdherentRegistered } from '../protocols/protocol.events';
import { ProtocolCommandMessage } from '../protocols/protocols.handler';
import type { RcpHeld } from '../rcp/rcp.events';
import { RcpCommandMessage } from '../rcp/rcp.handler';
import type { CommandMeta } from '../shared/command-runner';
import { IdSource } from '../shared/ids';
import type { UnscheduledCareRequested } from '../unscheduled-care/unscheduled-care.events';
import { UnscheduledCareCommandMessage } from '../unscheduled-care/unscheduled-care.handler';

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
    const event = this.add(
      'CptsRegistered',
      (meta) => new CptsCommandMessage(meta, { type: 'RegisterCpts', data }),
    );
    return event.eventId(0);
  }
  signContract(data: SignContract['data']): void {
    this.add('AciContractSigned', (meta) => new CptsCommandMessage(meta, { type: 'SignContract', data }));
  }
  startMission(data: MissionStarted): void {
    this.add('MissionStarted', (meta) => new CptsCommandMessage(meta, { type: 'StartMission', data }));
  }
  recordAchievement(data: AchievementRecorded): void {
    this.add(
      'AchievementRecorded',
      (meta) => new CptsCommandMessage(meta, { type: 'RecordAchievement', data }),
    );
  }
  crisisPlan(data: RecordCrisisPlan['data']): void {
    const label = data.kind === 'drafted' ? 'CrisisPlanDrafted' : 'CrisisPlanUpdated';
    this.add(label, (meta) => new CptsCommandMessage(meta, { type: 'RecordCrisisPlan', data }));
  }
  declareCrisis(data: CrisisDeclared): void {
    this.add('CrisisDeclared', (meta) => new CptsCommandMessage(meta, { type: 'DeclareCrisis', data }));
  }

  // ---- members ------------------------------------------------------------------------------------

  joinMember(data: MemberJoined): string {
    return this.add(
      'MemberJoined',
      (meta) => new MemberCommandMessage(meta, null, { type: 'JoinMember', data }),
    ).newId('member');
  }
  recordParticipation(memberId: string, data: ParticipationRecorded): void {
    this.add(
      'ParticipationRecorded',
      (meta) => new MemberCommandMessage(meta, memberId, { type: 'RecordParticipation', data }),
    );
  }
  hostIntern(memberId: string, data: InternHosted): void {
    this.add(
      'InternHosted',
      (meta) => new MemberCommandMessage(meta, memberId, { type: 'HostIntern', data }),
    );
  }
  leave(memberId: string, leftOn: string): void {
    this.add(
      'MemberLeft',
      (meta) => new MemberCommandMessage(meta, memberId, { type: 'LeaveCpts', data: { leftOn } }),
    );
  }
  registerAdherent(code: string, data: ProtocolAdherentRegistered): void {
    this.add(
      'ProtocolAdherentRegistered',
      (meta) => new ProtocolCommandMessage(meta, code, { type: 'RegisterProtocolAdherent', data }),
    );
  }

  // ---- patients -----------------------------------------------------------------------------------

  /** The identity travels in clear, as in the API's body: the patients capability seals it. */
  registerPatient(data: RegisterPatient['data']): string {
    return this.add(
      'PatientRegistered',
      (meta) => new PatientCommandMessage(meta, null, { type: 'RegisterPatient', data }),
    ).newId('patient');
  }
  recordConsent(patientId: string, data: ConsentRecorded): void {
    this.add(
      'ConsentRecorded',
      (meta) => new PatientCommandMessage(meta, patientId, { type: 'RecordConsent', data }),
    );
  }
  blockProfessional(patientId: string, memberId: string, on: string): void {
    this.add(
      'ProfessionalAccessBlocked',
      (meta) =>
        new PatientCommandMessage(meta, patientId, { type: 'BlockProfessional', data: { memberId, on } }),
    );
  }
  designatePharmacien(patientId: string, memberId: string, on: string): void {
    this.add(
      'PharmacienCorrespondantDesignated',
      (meta) =>
        new PatientCommandMessage(meta, patientId, {
          type: 'DesignatePharmacienCorrespondant',
          data: { memberId, on },
        }),
    );
  }
  searchMedecinTraitant(patientId: string, data: MedecinTraitantSearchRegistered): void {
    this.add(
      'MedecinTraitantSearchRegistered',
      (meta) => new PatientCommandMessage(meta, patientId, { type: 'RegisterMedecinTraitantSearch', data }),
    );
  }
  assignMedecinTraitant(patientId: string, memberId: string, assignedOn: string): void {
    this.add(
      'MedecinTraitantAssigned',
      (meta) =>
        new PatientCommandMessage(meta, patientId, {
          type: 'AssignMedecinTraitant',
          data: { memberId, assignedOn },
        }),
    );
  }

  // ---- pathways (the routes of pathways.controller.ts) ---------------------------------------------

  openPathway(data: PathwayOpened): string {
    return this.add(
      'PathwayOpened',
      (meta) => new PathwayCommandMessage(meta, null, { type: 'OpenPathway', data }),
    ).newId('pathway');
  }

  /** A command on a pathway; returns the ids of command `n`: its event's id is what a correction targets. */
  private record(pathwayId: string, label: string, command: PathwayStreamCommand): IdSource {
    return this.add(label, (meta) => new PathwayCommandMessage(meta, pathwayId, command));
  }

  refer(pathwayId: string, data: Omit<PatientReferred, 'referralId'>): string {
    return this.record(pathwayId, 'PatientReferred', { type: 'ReferPatient', data }).newId('referral');
  }
  acceptReferral(pathwayId: string, data: ReferralAccepted): void {
    this.record(pathwayId, 'ReferralAccepted', { type: 'AcceptReferral', data });
  }
  declineReferral(pathwayId: string, referralId: string, declinedAt: string, reason: string): void {
    this.record(pathwayId, 'ReferralDeclined', {
      type: 'DeclineReferral',
      data: { referralId, declinedAt, reason },
    });
  }
  completeReferral(pathwayId: string, referralId: string, completedAt: string): void {
    this.record(pathwayId, 'ReferralCompleted', {
      type: 'CompleteReferral',
      data: { referralId, completedAt },
    });
  }
  notifyDischarge(
    pathwayId: string,
    data: Omit<DischargeNotified, 'dischargeId'>,
  ): { dischargeId: string; eventId: string } {
    const ids = this.record(pathwayId, 'DischargeNotified', { type: 'NotifyDischarge', data });
    return { dischargeId: ids.newId('discharge'), eventId: ids.eventId(0) };
  }
  sendReconciliation(pathwayId: string, data: MedicationReconciliationSent): string {
    return this.record(pathwayId, 'MedicationReconciliationSent', {
      type: 'SendMedicationReconciliation',
      data,
    }).eventId(0);
  }
  completeFollowUp(pathwayId: string, data: FollowUpCompleted): void {
    this.record(pathwayId, 'FollowUpCompleted', { type: 'CompleteFollowUp', data });
  }
  applyProtocol(pathwayId: string, data: Omit<ProtocolApplied, 'applicationId'>): void {
    this.record(pathwayId, 'ProtocolApplied', { type: 'ApplyProtocol', data });
  }
  closePathway(pathwayId: string, data: PathwayClosed): void {
    this.record(pathwayId, 'PathwayClosed', { type: 'ClosePathway', data });
  }
  reopenPathway(pathwayId: string, reopenedAt: string, reason: string): void {
    this.record(pathwayId, 'PathwayReopened', { type: 'ReopenPathway', data: { reopenedAt, reason } });
  }
  correctEntry(pathwayId: string, targetEventId: string, reason: string, correction: object): void {
    this.record(pathwayId, 'EntryCorrected', {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }
  voidEntry(pathwayId: string, targetEventId: string, reason: string): void {
    this.record(pathwayId, 'EntryVoided', { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  // ---- RCPs, unscheduled care, actions ----------------------------------------------------------------

  holdRcp(data: RcpHeld): void {
    this.add('RcpHeld', (meta) => new RcpCommandMessage(meta, null, { type: 'HoldRcp', data }));
  }

  /** `POST …/unscheduled-care`; returns the request's id for its orientation or closure. */
  requestUnscheduledCare(data: UnscheduledCareRequested): string {
    return this.add(
      'UnscheduledCareRequested',
      (meta) => new UnscheduledCareCommandMessage(meta, null, { type: 'RequestUnscheduledCare', data }),
    ).newId('snp');
  }
  orientUnscheduledCare(requestId: string, toMemberId: string, appointmentAt: string): void {
    this.add(
      'UnscheduledCareOriented',
      (meta) =>
        new UnscheduledCareCommandMessage(meta, requestId, {
          type: 'OrientUnscheduledCare',
          data: { toMemberId, appointmentAt },
        }),
    );
  }
  closeUnscheduledCare(requestId: string, closedAt: string, reason: string): void {
    this.add(
      'UnscheduledCareClosed',
      (meta) =>
        new UnscheduledCareCommandMessage(meta, requestId, {
          type: 'CloseUnscheduledCare',
          data: { closedAt, reason },
        }),
    );
  }
  holdPreventionAction(data: PreventionActionHeld): void {
    this.add(
      'PreventionActionHeld',
      (meta) => new ActionCommandMessage(meta, null, { type: 'HoldPreventionAction', data }),
    );
  }
  holdTraining(data: TrainingHeld): void {
    this.add('TrainingHeld', (meta) => new ActionCommandMessage(meta, null, { type: 'HoldTraining', data }));
  }
}
