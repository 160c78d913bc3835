import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { memberEvolver } from './member.decider';
import { HostIntern, JoinMember, LeaveCpts, memberNotFound, RecordParticipation } from './members.commands';
import { InternDto, JoinMemberDto, LeaveDto, ParticipationDto } from './members.dto';

@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/members')
export class MembersController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MemberJoined' })
  join(@Meta() meta: CommandMeta, @Body() body: JoinMemberDto): Promise<CommandOutcome> {
    return this.commands.execute(new JoinMember(meta, { ...body }));
  }

  @Post(':memberId/departure')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MemberLeft' })
  leave(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: LeaveDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new LeaveCpts(meta, memberId, { ...body }));
  }

  @Post(':memberId/participations')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ParticipationRecorded' })
  participation(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: ParticipationDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RecordParticipation(meta, memberId, { ...body }));
  }

  @Post(':memberId/interns')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'InternHosted' })
  intern(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: InternDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new HostIntern(meta, memberId, { ...body }));
  }

  /** The member's stream state, so a client can check what it wrote (the directory is a projection). */
  @Get(':memberId')
  @ApiOkResponse({ description: 'The member as folded from its stream, with its current revision' })
  async get(@Param('cptsId') cptsId: string, @Param('memberId', UuidParam) memberId: string) {
    const { state, revision } = await load(this.store, streamId('member', cptsId, memberId), memberEvolver);
    if (!state.exists) throw memberNotFound();
    const { exists: _exists, ...member } = state;
    return { id: memberId, revision, ...member };
  }
}
