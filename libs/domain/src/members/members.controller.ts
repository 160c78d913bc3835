import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { effectiveEvents } from '../shared/corrections';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import type { MemberStreamCommand } from './member.commands';
import { memberEvolver } from './member.decider';
import { MemberCommandMessage, memberNotFound } from './members.handler';
import {
  InternDto,
  JoinMemberDto,
  LeaveDto,
  MemberEmailDto,
  NotificationPreferencesDto,
  ParticipationDto,
} from './members.dto';
import { MemberDirectoryQueryDto } from './member-directory/member-directory.dto';
import { MemberDirectoryQueries } from './member-directory/member-directory.queries';

/** The command a preferences body asks for, whoever sends it (the member, or a coordinator). */
export function preferencesCommand(body: NotificationPreferencesDto): MemberStreamCommand {
  const { email, webhook, quietHours } = body;
  return {
    type: 'SetNotificationPreferences',
    data: {
      email,
      webhook,
      ...(quietHours === undefined ? {} : { quietHours: { from: quietHours.from, to: quietHours.to } }),
    },
  };
}

/** Routes of the members capability: each command route builds its command from the body and sends it. */
@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/members')
export class MembersController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: MemberDirectoryQueries,
  ) {}

  /** The member directory, with each member's activity of the last 12 months (a read model). */
  @Get()
  @ApiOkResponse({
    description:
      '`{ items: [{ id, displayName, profession, structure?, mode, joinedOn, leftOn?, sasParticipant, activity: { last12Months, lastAt? } }] }` by display name',
  })
  list(@Param('cptsId') cptsId: string, @Query() query: MemberDirectoryQueryDto) {
    const active = query.active === undefined ? undefined : query.active === 'true';
    return { items: this.directory.list(cptsId, { active, profession: query.profession }, new Date()) };
  }

  private send(meta: CommandMeta, memberId: string | null, command: MemberStreamCommand) {
    return this.commands.execute<MemberCommandMessage, CommandOutcome>(
      new MemberCommandMessage(meta, memberId, command),
    );
  }

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MemberJoined; `id` is the new member' })
  join(@Meta() meta: CommandMeta, @Body() body: JoinMemberDto): Promise<CommandOutcome> {
    const { displayName, profession, rpps, structure, mode, joinedOn, sasParticipant } = body;
    return this.send(meta, null, {
      type: 'JoinMember',
      data: {
        displayName,
        profession,
        ...(rpps === undefined ? {} : { rpps }),
        ...(structure === undefined ? {} : { structure: { ...structure } }),
        mode,
        joinedOn,
        sasParticipant,
      },
    });
  }

  @Post(':memberId/departure')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MemberLeft' })
  leave(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: LeaveDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, memberId, { type: 'LeaveCpts', data: { leftOn: body.leftOn } });
  }

  @Post(':memberId/participations')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ParticipationRecorded' })
  participation(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: ParticipationDto,
  ): Promise<CommandOutcome> {
    const { activity, on, hours } = body;
    return this.send(meta, memberId, { type: 'RecordParticipation', data: { activity, on, hours } });
  }

  @Post(':memberId/interns')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'InternHosted' })
  intern(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: InternDto,
  ): Promise<CommandOutcome> {
    const { profession, from, to } = body;
    return this.send(meta, memberId, { type: 'HostIntern', data: { profession, from, to } });
  }

  @Post(':memberId/email')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MemberEmailRecorded' })
  email(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: MemberEmailDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, memberId, { type: 'RecordMemberEmail', data: { email: body.email.trim() } });
  }

  @Post(':memberId/notification-preferences')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'NotificationPreferencesSet, for the member' })
  preferences(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: NotificationPreferencesDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, memberId, preferencesCommand(body));
  }

  @Post(':memberId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: a participation, an internship or the departure, decided again',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, memberId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':memberId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryVoided: a participation, an internship or the departure',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('memberId', UuidParam) memberId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, memberId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  /**
   * The member's stream state, so a client can check what it wrote (the directory is a projection): the
   * entries a correction can target come with their `eventId`.
   */
  @Get(':memberId')
  @ApiOkResponse({ description: 'The member as folded from its stream, with its current revision' })
  async get(@Param('cptsId') cptsId: string, @Param('memberId', UuidParam) memberId: string) {
    const { state, revision, history } = await load(
      this.store,
      streamId('member', cptsId, memberId),
      memberEvolver,
    );
    if (!state.exists) throw memberNotFound();
    const { exists: _exists, participations, interns, ...member } = state;
    const departure = effectiveEvents(history).find((event) => event.type === 'MemberLeft');
    const email = effectiveEvents(history).findLast((event) => event.type === 'MemberEmailRecorded');
    return {
      id: memberId,
      revision,
      ...member,
      ...(member.leftOn === undefined || !departure ? {} : { departureEventId: departure.context.eventId }),
      ...(email ? { emailEventId: email.context.eventId } : {}),
      participations: Object.keys(participations).length,
      hoursOfParticipation: Object.values(participations).reduce((sum, p) => sum + p.hours, 0),
      interns: Object.keys(interns).length,
      entries: {
        participations: Object.entries(participations).map(([eventId, p]) => ({ eventId, ...p })),
        interns: Object.entries(interns).map(([eventId, i]) => ({ eventId, ...i })),
      },
    };
  }
}
