import { Body, Controller, ForbiddenException, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { Response } from 'express';
import { PatientFacts } from '../patients';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { pathwayEvolver } from './pathway.decider';
import { BUSINESS_TIME_FIELD } from './pathway.events';
import { OpenPathwayCommand, pathwayNotFound, RecordPathwayEvent } from './pathways.commands';
import {
  AcceptReferralDto,
  ClosePathwayDto,
  CompleteReferralDto,
  CorrectionDto,
  DeclineReferralDto,
  DischargeDto,
  FollowUpDto,
  MedicationReconciliationDto,
  OpenPathwayDto,
  ProtocolApplicationDto,
  ReferPatientDto,
  ReopenPathwayDto,
  VoidDto,
} from './pathways.dto';

/** Coordinators and professionals record pathway events (api.md, roles). */
const WRITERS = ['coordinator', 'professional'] as const;

@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/pathways')
export class PathwaysController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly patients: PatientFacts,
  ) {}

  private record(
    meta: CommandMeta,
    pathwayId: string,
    event: RecordPathwayEvent['event'],
    answerId = pathwayId,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RecordPathwayEvent(meta, pathwayId, event, answerId));
  }

  @Post()
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayOpened; `id` is the new pathway' })
  open(@Meta() meta: CommandMeta, @Body() body: OpenPathwayDto): Promise<CommandOutcome> {
    return this.commands.execute(new OpenPathwayCommand(meta, { ...body }));
  }

  @Post(':pathwayId/referrals')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PatientReferred; `id` is the new referral' })
  refer(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ReferPatientDto,
  ): Promise<CommandOutcome> {
    const referralId = meta.ids.newId('referral');
    return this.record(
      meta,
      pathwayId,
      { type: 'PatientReferred', data: { referralId, ...body, to: { ...body.to } } },
      referralId,
    );
  }

  @Post(':pathwayId/referrals/:referralId/acceptance')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralAccepted' })
  accept(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: AcceptReferralDto,
  ): Promise<CommandOutcome> {
    return this.record(
      meta,
      pathwayId,
      { type: 'ReferralAccepted', data: { referralId, ...body } },
      referralId,
    );
  }

  @Post(':pathwayId/referrals/:referralId/decline')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralDeclined' })
  decline(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: DeclineReferralDto,
  ): Promise<CommandOutcome> {
    return this.record(
      meta,
      pathwayId,
      { type: 'ReferralDeclined', data: { referralId, ...body } },
      referralId,
    );
  }

  @Post(':pathwayId/referrals/:referralId/completion')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ReferralCompleted' })
  complete(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Param('referralId', UuidParam) referralId: string,
    @Body() body: CompleteReferralDto,
  ): Promise<CommandOutcome> {
    return this.record(
      meta,
      pathwayId,
      { type: 'ReferralCompleted', data: { referralId, ...body } },
      referralId,
    );
  }

  @Post(':pathwayId/discharges')
  @Roles(...WRITERS)
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'DischargeNotified; `id` is the new discharge',
  })
  discharge(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: DischargeDto,
  ): Promise<CommandOutcome> {
    const dischargeId = meta.ids.newId('discharge');
    const data = { dischargeId, ...body, hospital: { ...body.hospital }, needs: [...body.needs] };
    return this.record(meta, pathwayId, { type: 'DischargeNotified', data }, dischargeId);
  }

  @Post(':pathwayId/medication-reconciliations')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedicationReconciliationSent' })
  reconcile(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: MedicationReconciliationDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'MedicationReconciliationSent', data: { ...body } });
  }

  @Post(':pathwayId/follow-ups')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'FollowUpCompleted' })
  followUp(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: FollowUpDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'FollowUpCompleted', data: { ...body } });
  }

  @Post(':pathwayId/protocol-applications')
  @Roles(...WRITERS)
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'ProtocolApplied; `id` is the new application',
  })
  applyProtocol(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ProtocolApplicationDto,
  ): Promise<CommandOutcome> {
    const applicationId = meta.ids.newId('application');
    const data = {
      applicationId,
      ...body,
      eligibility: { eligible: body.eligibility.eligible, answers: { ...body.eligibility.answers } },
      ...(body.test ? { test: { ...body.test } } : {}),
    };
    return this.record(meta, pathwayId, { type: 'ProtocolApplied', data }, applicationId);
  }

  @Post(':pathwayId/closure')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayClosed' })
  close(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ClosePathwayDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'PathwayClosed', data: { ...body } });
  }

  @Post(':pathwayId/reopening')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayReopened' })
  reopen(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ReopenPathwayDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'PathwayReopened', data: { ...body } });
  }

  @Post(':pathwayId/corrections')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'EntryCorrected' })
  correct(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, {
      type: 'EntryCorrected',
      data: { ...body, correction: { ...body.correction } },
    });
  }

  @Post(':pathwayId/voidings')
  @Roles(...WRITERS)
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'EntryVoided' })
  void(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'EntryVoided', data: { ...body } });
  }

  /**
   * The pathway's stream state with its timeline in business-time order (the richer view with pending
   * steps is built by the projections). `ETag` is the revision, for `If-Match`.
   */
  @Get(':pathwayId')
  @Roles('coordinator', 'professional', 'auditor')
  @ApiOkResponse({ description: 'status, revision and the timeline of the pathway' })
  async get(
    @Param('cptsId') cptsId: string,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { state, revision, events } = await load(
      this.store,
      streamId('pathway', cptsId, pathwayId),
      pathwayEvolver,
    );
    if (!state.exists) throw pathwayNotFound();
    if (principal.roles.includes('professional') && !principal.roles.includes('coordinator')) {
      const patient = await this.patients.load(cptsId, state.patientId);
      if (patient.exists && patient.state.blockedMemberIds.includes(principal.sub)) {
        throw new ForbiddenException('Le patient s’est opposé à votre accès à son parcours.');
      }
    }
    response.setHeader('ETag', `"${String(revision)}"`);
    const actors = new Map(events.map((e) => [e.metadata.eventId, e.metadata.actor]));
    const timeline = state.entries
      .map((entry) => {
        const field = BUSINESS_TIME_FIELD[entry.type];
        const at = (field ? (entry.data[field] as string | undefined) : undefined) ?? entry.recordedAt;
        return {
          eventId: entry.eventId,
          type: entry.type,
          at,
          recordedAt: entry.recordedAt,
          actor: actors.get(entry.eventId),
          data: entry.data,
          voided: entry.voided,
          corrected: entry.corrected,
        };
      })
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.recordedAt.localeCompare(b.recordedAt));
    return {
      id: pathwayId,
      patientId: state.patientId,
      kind: state.kind,
      status: state.status,
      openedAt: state.openedAt,
      ...(state.closedAt ? { closedAt: state.closedAt } : {}),
      revision,
      timeline,
    };
  }
}
