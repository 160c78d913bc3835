import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import { PeriodQueryDto } from '../shared/http/read-queries.dto';
import { readRcpRegister } from './rcp-register/rcp-register.projection';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { restrictedMember } from '../shared/http/readers';
import { CareAccess } from '../patients/care-access';
import { PathwayViewQueries } from '../pathways/pathway-view/pathway-view.queries';
import { effectiveEvents } from '../shared/corrections';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import type { RcpStreamCommand } from './rcp.commands';
import { RcpCommandMessage, rcpNotFound } from './rcp.handler';
import { rcpEvolver } from './rcp.decider';
import { HoldRcpDto } from './rcp.dto';
import type { RcpHeld, RcpParticipant } from './rcp.events';

/** The body as the command's data: plain objects, only the fields given (a participant is one form or the other). */
function toRcpHeld(body: HoldRcpDto): RcpHeld {
  return {
    convenedBy: body.convenedBy,
    heldAt: body.heldAt,
    durationMinutes: body.durationMinutes,
    complex: body.complex,
    format: body.format,
    participants: body.participants.map((participant): RcpParticipant =>
      participant.memberId !== undefined
        ? { memberId: participant.memberId }
        : { name: participant.name!, profession: participant.profession! },
    ),
    patientPresent: body.patientPresent,
    familyPresent: body.familyPresent,
    cases: body.cases.map((rcpCase) => ({
      pathwayId: rcpCase.pathwayId,
      decisions: [...rcpCase.decisions],
      ...(rcpCase.reviewOn === undefined ? {} : { reviewOn: rcpCase.reviewOn }),
    })),
  };
}

/** Routes of the RCP capability: an RCP held, corrected or voided; the RCP; the register. */
@ApiTags('rcp')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/rcps')
export class RcpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly pathways: PathwayViewQueries,
    private readonly access: CareAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The RCP register, newest first' })
  @ApiOkResponse({
    description:
      '`{ items: [{ id, heldAt, convenedBy, format, complex, durationMinutes, participantCount, professions, cases: [{ pathwayId, reviewOn? }] }], count }`',
  })
  register(@Param('cptsId') cptsId: string, @Query() query: PeriodQueryDto) {
    return readRcpRegister(this.readStore, cptsId, {
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    });
  }

  private send(meta: CommandMeta, rcpId: string | null, command: RcpStreamCommand) {
    return this.commands.execute<RcpCommandMessage, CommandOutcome>(
      new RcpCommandMessage(meta, rcpId, command),
    );
  }

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'RcpHeld; `id` is the new RCP’s' })
  hold(@Meta() meta: CommandMeta, @Body() body: HoldRcpDto): Promise<CommandOutcome> {
    return this.send(meta, null, { type: 'HoldRcp', data: toRcpHeld(body) });
  }

  @Post(':rcpId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: the RCP with its correction decided again as if it were new',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('rcpId', UuidParam) rcpId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, rcpId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':rcpId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description:
      'EntryVoided: the RCP did not take place (it leaves the register, the worklist and the figures)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('rcpId', UuidParam) rcpId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, rcpId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  @Get(':rcpId')
  @ApiOkResponse({ description: 'The RCP as folded from its stream, with its current revision' })
  async get(
    @Param('cptsId') cptsId: string,
    @Param('rcpId', UuidParam) rcpId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { state, revision, history } = await load(this.store, streamId('rcp', cptsId, rcpId), rcpEvolver);
    if (!state.exists) throw rcpNotFound();
    const { exists: _exists, ...rcp } = state;
    const [held] = effectiveEvents(history);
    const member = restrictedMember(principal);
    const present =
      member === undefined ||
      rcp.convenedBy === member ||
      rcp.participants.some((participant) => 'memberId' in participant && participant.memberId === member);
    if (present) return { id: rcpId, revision, eventId: held.context.eventId, ...rcp };
    // A professional who was not there reads the cases of the pathways they may read (their decisions are
    // health data), and is told nothing exists when there is none.
    const cases = rcp.cases.filter((rcpCase) => {
      const patientId = this.pathways.patientOf(cptsId, rcpCase.pathwayId);
      return patientId !== null && this.access.pathway(principal, cptsId, rcpCase.pathwayId, patientId);
    });
    if (cases.length === 0) throw rcpNotFound();
    return { id: rcpId, revision, eventId: held.context.eventId, ...rcp, cases };
  }
}
