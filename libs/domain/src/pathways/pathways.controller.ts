import { Body, Controller, Get, Header, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { LocalizedProblemError } from '@parcours/platform';
import type { Response } from 'express';
import { CareAccess } from '../patients/care-access';
import { PatientSummaryQueries } from '../patients/patient-summary/patient-summary.queries';
import { NotFoundError, PatientAccessBlockedError } from '../shared/errors';
import { restrictedMember } from '../shared/http/readers';
import { presentPathwayView } from './pathway-view/pathway-view';
import { PathwayListQueryDto, PathwayViewQueryDto } from './pathway-view/pathway-view.dto';
import { PathwayViewQueries } from './pathway-view/pathway-view.queries';

import { type CommandMeta, type CommandOutcome } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import type { PathwayStreamCommand } from './pathway.commands';
import { PathwayCommandMessage } from './pathways.handler';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import {
  AcceptReferralDto,
  ClosePathwayDto,
  CompleteReferralDto,
  DeclineReferralDto,
  DischargeDto,
  FollowUpDto,
  MedicationReconciliationDto,
  OpenPathwayDto,
  ProtocolApplicationDto,
  ReferPatientDto,
  ReopenPathwayDto,
} from './pathways.dto';

const pathwayNotFound = () =>
  new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });

/**
 * The routes of the pathways capability: coordinators and professionals record pathway events (each route
 * builds its command from the body and sends it), and read the pathway view and list (api.md, roles).
 */
@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/pathways')
export class PathwaysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly views: PathwayViewQueries,
    private readonly patients: PatientSummaryQueries,
    private readonly access: CareAccess,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ items: [{ id, patientId, kind, status, openedAt, closedAt?, revision, pendingCount, nextDueAt? }], nextAfter }`, newest first',
  })
  @ApiServiceUnavailableResponse({ description: 'The read model is being built' })
  list(
    @Param('cptsId') cptsId: string,
    @Query() query: PathwayListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.views.list(cptsId, {
      status: query.status,
      kind: query.kind,
      patientId: query.patientId,
      limit: query.limit,
      after: query.after,
      hiddenFrom: restrictedMember(principal),
    });
  }

  /**
   * The pathway view: status, revision (also the `ETag`, for `If-Match`), pending steps with their due
   * dates (overdue against the server clock), and the timeline in business-time order. With `asOf`, the
   * pathway as known then, replayed from the event store (coordinators and auditors).
   */
  @Get(':pathwayId')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ id, patientId, kind, status, openedAt, closedAt?, revision, pending: [{ kind, dueAt, overdue, summary, … }], timeline: [{ eventId, type, at, recordedAt, actor, data, voided, corrected }] }`',
  })
  @ApiForbiddenResponse({
    description: 'Analysts; professionals the patient blocked; asOf for professionals',
  })
  async view(
    @Param('cptsId') cptsId: string,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Query() query: PathwayViewQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    const now = new Date();
    if (query.asOf !== undefined) {
      if (!principal.roles.some((role) => role === 'coordinator' || role === 'auditor')) {
        throw new LocalizedProblemError(403, 'forbidden', {
          fr: 'Seuls les coordinateurs et les auditeurs peuvent revoir un parcours tel qu’il était à une date.',
          en: 'Only coordinators and auditors may replay a pathway as of a time.',
        });
      }
      const view = await this.views.asOf(this.store, cptsId, pathwayId, Date.parse(query.asOf));
      if (!view) throw pathwayNotFound();
      return presentPathwayView(view, now);
    }
    const view = await this.views.view(this.store, cptsId, pathwayId);
    if (!view) throw pathwayNotFound();
    const member = restrictedMember(principal);
    if (member !== undefined && this.patients.isBlocked(cptsId, view.patientId, member)) {
      throw new PatientAccessBlockedError();
    }
    // Outside the patient's care circle and the pathway, a professional is told nothing exists here.
    if (!this.access.pathway(principal, cptsId, pathwayId, view.patientId)) throw pathwayNotFound();
    response.setHeader('ETag', `"${view.revision}"`);
    return presentPathwayView(view, now);
  }

  private send(meta: CommandMeta, pathwayId: string | null, command: PathwayStreamCommand) {
    return this.commands.execute<PathwayCommandMessage, CommandOutcome>(
      new PathwayCommandMessage(meta, pathwayId, command),
    );
  }

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayOpened; `id` is the new pathway' })
  open(@Meta() meta: CommandMeta, @Body() body: OpenPathwayDto): Promise<CommandOutcome> {
    const { patientId, kind, openedAt, reason } = body;
    return this.send(meta, null, {
      type: 'OpenPathway',
      data: { patientId, kind, openedAt, ...(reason === undefined ? {} : { reason }) },
    });
  }

  @Post(':pathwayId/referrals')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PatientReferred; `id` is the new referral' })
  refer(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ReferPatientDto,
  ): Promise<CommandOutcome> {
    const { fromMemberId, to, reason, urgency, referredAt, channel } = body;
    return this.send(meta, pathwayId, {
      type: 'ReferPatient',
      data: {
        fromMemberId,
        to: {
          ...(to.memberId === undefined ? {} : { memberId: to.memberId }),
          ...(to.profession === undefined ? {} : { profession: to.profession }),
          ...(to.structure === undefined ? {} : { structure: to.structure }),
        },
        reason,
        urgency,
        referredAt,
        ...(channel === undefined ? {} : { channel }),
      },
    });
  }

  @Post(':pathwayId/referrals/:referralId/acceptance')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralAccepted' })
  accept(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: AcceptReferralDto,
  ): Promise<CommandOutcome> {
    const { acceptedAt, appointmentAt } = body;
    return this.send(meta, pathwayId, {
      type: 'AcceptReferral',
      data: { referralId, acceptedAt, ...(appointmentAt === undefined ? {} : { appointmentAt }) },
    });
  }

  @Post(':pathwayId/referrals/:referralId/decline')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralDeclined' })
  decline(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: DeclineReferralDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, pathwayId, {
      type: 'DeclineReferral',
      data: { referralId, declinedAt: body.declinedAt, reason: body.reason },
    });
  }

  @Post(':pathwayId/referrals/:referralId/completion')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralCompleted' })
  complete(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: CompleteReferralDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, pathwayId, {
      type: 'CompleteReferral',
      data: { referralId, completedAt: body.completedAt },
    });
  }

  @Post(':pathwayId/discharges')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'DischargeNotified; `id` is the new discharge',
  })
  discharge(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: DischargeDto,
  ): Promise<CommandOutcome> {
    const { hospital, ward, admittedAt, dischargeAt, notifiedAt, treatmentChanged, complex, needs } = body;
    const { pharmacistMemberId, gpMemberId } = body;
    return this.send(meta, pathwayId, {
      type: 'NotifyDischarge',
      data: {
        hospital: {
          name: hospital.name,
          ...(hospital.finess === undefined ? {} : { finess: hospital.finess }),
        },
        ...(ward === undefined ? {} : { ward }),
        ...(admittedAt === undefined ? {} : { admittedAt }),
        dischargeAt,
        notifiedAt,
        treatmentChanged,
        complex,
        needs: [...needs],
        ...(pharmacistMemberId === undefined ? {} : { pharmacistMemberId }),
        ...(gpMemberId === undefined ? {} : { gpMemberId }),
      },
    });
  }

  @Post(':pathwayId/medication-reconciliations')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedicationReconciliationSent' })
  reconcile(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: MedicationReconciliationDto,
  ): Promise<CommandOutcome> {
    const { dischargeId, toMemberId, sentAt } = body;
    return this.send(meta, pathwayId, {
      type: 'SendMedicationReconciliation',
      data: { dischargeId, toMemberId, sentAt },
    });
  }

  @Post(':pathwayId/follow-ups')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'FollowUpCompleted' })
  followUp(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: FollowUpDto,
  ): Promise<CommandOutcome> {
    const { dischargeId, byMemberId, at, kind } = body;
    return this.send(meta, pathwayId, {
      type: 'CompleteFollowUp',
      data: { ...(dischargeId === undefined ? {} : { dischargeId }), byMemberId, at, kind },
    });
  }

  @Post(':pathwayId/protocol-applications')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'ProtocolApplied; `id` is the new application',
  })
  applyProtocol(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ProtocolApplicationDto,
  ): Promise<CommandOutcome> {
    const { protocolCode, protocolVersion, byMemberId, appliedAt, eligibility, test, outcome, mtInformedAt } =
      body;
    return this.send(meta, pathwayId, {
      type: 'ApplyProtocol',
      data: {
        protocolCode,
        protocolVersion,
        byMemberId,
        appliedAt,
        eligibility: { eligible: eligibility.eligible, answers: { ...eligibility.answers } },
        ...(test === undefined ? {} : { test: { kind: test.kind, result: test.result } }),
        outcome,
        ...(mtInformedAt === undefined ? {} : { mtInformedAt }),
      },
    });
  }

  @Post(':pathwayId/closure')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayClosed' })
  close(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ClosePathwayDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, pathwayId, {
      type: 'ClosePathway',
      data: { closedAt: body.closedAt, outcome: body.outcome },
    });
  }

  @Post(':pathwayId/reopening')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayReopened' })
  reopen(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ReopenPathwayDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, pathwayId, {
      type: 'ReopenPathway',
      data: { reopenedAt: body.reopenedAt, reason: body.reason },
    });
  }

  @Post(':pathwayId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: the entry with its correction decided again as if it were new',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, pathwayId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':pathwayId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryVoided (refused where a later entry relies on it)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, pathwayId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  // GET …/pathways and …/pathways/{id} are served by the read side (`@parcours/cross-capability`, views).
}
