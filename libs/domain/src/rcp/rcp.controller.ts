import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { HoldRcp, rcpNotFound } from './rcp.commands';
import { rcpEvolver } from './rcp.decider';
import { HoldRcpDto } from './rcp.dto';
import type { RcpHeld, RcpParticipant } from './rcp.events';

/** The body as event data: plain objects, only the fields given (a participant is one form or the other). */
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

/** The register (`GET …/rcps`) is a read model: `libs/read-models/src/worklist`. */
@ApiTags('rcp')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/rcps')
export class RcpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'RcpHeld; `id` is the new RCP’s' })
  hold(@Meta() meta: CommandMeta, @Body() body: HoldRcpDto): Promise<CommandOutcome> {
    return this.commands.execute(new HoldRcp(meta, toRcpHeld(body)));
  }

  @Get(':rcpId')
  @ApiOkResponse({ description: 'The RCP as folded from its stream, with its current revision' })
  async get(@Param('cptsId') cptsId: string, @Param('rcpId', UuidParam) rcpId: string) {
    const { state, revision } = await load(this.store, streamId('rcp', cptsId, rcpId), rcpEvolver);
    if (!state.exists) throw rcpNotFound();
    const { exists: _exists, ...rcp } = state;
    return { id: rcpId, revision, ...rcp };
  }
}
