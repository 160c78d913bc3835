import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import { UnscheduledCareLogQueryDto } from './unscheduled-care-log/unscheduled-care-log.dto';
import { readUnscheduledCareLog } from './unscheduled-care-log/unscheduled-care-log.projection';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { restrictedMember } from '../shared/http/readers';
import { CareAccess } from '../patients/care-access';
import { effectiveEvents } from '../shared/corrections';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import type { UnscheduledCareStreamCommand } from './unscheduled-care.commands';
import { UnscheduledCareCommandMessage, requestNotFound } from './unscheduled-care.handler';
import { unscheduledCareEvolver } from './unscheduled-care.decider';
import {
  CloseUnscheduledCareDto,
  OrientUnscheduledCareDto,
  RequestUnscheduledCareDto,
} from './unscheduled-care.dto';

@ApiTags('unscheduled-care')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/unscheduled-care')
export class UnscheduledCareController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly access: CareAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The unscheduled-care requests (soins non programmés), newest first' })
  @ApiOkResponse({
    description:
      '`{ items: [{ id, receivedAt, channel, viaSas, motive, patientId?, status, orientedTo?, appointmentAt?, closedAt? }], count }`',
  })
  log(
    @Param('cptsId') cptsId: string,
    @Query() query: UnscheduledCareLogQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const member = restrictedMember(principal);
    return readUnscheduledCareLog(this.readStore, cptsId, {
      ...(member === undefined ? {} : { visibleTo: member }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.status === undefined ? {} : { status: query.status }),
    });
  }

  private send(meta: CommandMeta, requestId: string | null, command: UnscheduledCareStreamCommand) {
    return this.commands.execute<UnscheduledCareCommandMessage, CommandOutcome>(
      new UnscheduledCareCommandMessage(meta, requestId, command),
    );
  }

  @Post()
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'UnscheduledCareRequested; `id` is the request’s',
  })
  request(@Meta() meta: CommandMeta, @Body() body: RequestUnscheduledCareDto): Promise<CommandOutcome> {
    const { receivedAt, channel, motive, patientId, viaSas } = body;
    return this.send(meta, null, {
      type: 'RequestUnscheduledCare',
      data: { receivedAt, channel, motive, ...(patientId === undefined ? {} : { patientId }), viaSas },
    });
  }

  @Post(':requestId/orientation')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'UnscheduledCareOriented' })
  orient(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: OrientUnscheduledCareDto,
  ): Promise<CommandOutcome> {
    const { toMemberId, appointmentAt } = body;
    return this.send(meta, requestId, { type: 'OrientUnscheduledCare', data: { toMemberId, appointmentAt } });
  }

  @Post(':requestId/closure')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'UnscheduledCareClosed (no appointment)' })
  close(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: CloseUnscheduledCareDto,
  ): Promise<CommandOutcome> {
    const { closedAt, reason } = body;
    return this.send(meta, requestId, { type: 'CloseUnscheduledCare', data: { closedAt, reason } });
  }

  @Post(':requestId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description:
      'EntryCorrected: the request, its orientation or its closure, decided again as if it were new',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, requestId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':requestId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description:
      'EntryVoided: an orientation or a closure (the request is to answer again), or the request itself (the whole record)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, requestId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  @Get(':requestId')
  @ApiOkResponse({
    description: 'The request as folded from its stream: status, orientation or closure, revision',
  })
  async get(
    @Param('cptsId') cptsId: string,
    @Param('requestId', UuidParam) requestId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { state, revision, history } = await load(
      this.store,
      streamId('snp', cptsId, requestId),
      unscheduledCareEvolver,
    );
    if (!state.exists) throw requestNotFound();
    // About a patient: a professional reads it when it was oriented to them, or as they read the patient.
    const member = restrictedMember(principal);
    if (
      member !== undefined &&
      state.patientId !== undefined &&
      state.orientation?.toMemberId !== member &&
      !this.access.patient(principal, cptsId, state.patientId)
    )
      throw requestNotFound();
    const { exists: _exists, ...request } = state;
    // The entries a correction or a voiding targets, by type, as they now stand.
    const entries = effectiveEvents(history).map((event) => ({
      eventId: event.context.eventId,
      type: event.type,
    }));
    return { id: requestId, revision, ...request, entries };
  }
}
