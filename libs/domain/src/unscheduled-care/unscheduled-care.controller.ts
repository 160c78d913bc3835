import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import {
  CloseUnscheduledCare,
  OrientUnscheduledCare,
  RequestUnscheduledCare,
  requestNotFound,
} from './unscheduled-care.commands';
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
  ) {}

  @Post()
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'UnscheduledCareRequested; `id` is the request’s',
  })
  request(@Meta() meta: CommandMeta, @Body() body: RequestUnscheduledCareDto): Promise<CommandOutcome> {
    return this.commands.execute(new RequestUnscheduledCare(meta, { ...body }));
  }

  @Post(':requestId/orientation')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'UnscheduledCareOriented' })
  orient(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: OrientUnscheduledCareDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new OrientUnscheduledCare(meta, requestId, { ...body }));
  }

  @Post(':requestId/closure')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'UnscheduledCareClosed (no appointment)' })
  close(
    @Meta() meta: CommandMeta,
    @Param('requestId', UuidParam) requestId: string,
    @Body() body: CloseUnscheduledCareDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new CloseUnscheduledCare(meta, requestId, { ...body }));
  }

  @Get(':requestId')
  @ApiOkResponse({
    description: 'The request as folded from its stream: status, orientation or closure, revision',
  })
  async get(@Param('cptsId') cptsId: string, @Param('requestId', UuidParam) requestId: string) {
    const { state, revision } = await load(
      this.store,
      streamId('snp', cptsId, requestId),
      unscheduledCareEvolver,
    );
    if (!state.exists) throw requestNotFound();
    const { exists: _exists, ...request } = state;
    return { id: requestId, revision, ...request };
  }
}
