import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';

import { type CommandMeta, type CommandOutcome } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { OpenPathwayCommand, RecordPathwayEvent } from './pathways.commands';
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
@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/pathways')
export class PathwaysController {
  constructor(private readonly commands: CommandBus) {}

  private record(
    meta: CommandMeta,
    pathwayId: string,
    event: RecordPathwayEvent['event'],
    answerId = pathwayId,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RecordPathwayEvent(meta, pathwayId, event, answerId));
  }

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayOpened; `id` is the new pathway' })
  open(@Meta() meta: CommandMeta, @Body() body: OpenPathwayDto): Promise<CommandOutcome> {
    return this.commands.execute(new OpenPathwayCommand(meta, { ...body }));
  }

  @Post(':pathwayId/referrals')
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
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedicationReconciliationSent' })
  reconcile(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: MedicationReconciliationDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'MedicationReconciliationSent', data: { ...body } });
  }

  @Post(':pathwayId/follow-ups')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'FollowUpCompleted' })
  followUp(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: FollowUpDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'FollowUpCompleted', data: { ...body } });
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
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayClosed' })
  close(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ClosePathwayDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'PathwayClosed', data: { ...body } });
  }

  @Post(':pathwayId/reopening')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PathwayReopened' })
  reopen(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: ReopenPathwayDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'PathwayReopened', data: { ...body } });
  }

  @Post(':pathwayId/corrections')
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
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'EntryVoided' })
  void(
    @Meta() meta: CommandMeta,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    return this.record(meta, pathwayId, { type: 'EntryVoided', data: { ...body } });
  }

  // GET …/pathways and …/pathways/{id} are served by the read side (`@parcours/read-models`, views).
}
