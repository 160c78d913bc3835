import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { actionEvolver } from './action.decider';
import { actionNotFound, HoldPreventionAction, HoldTraining } from './actions.commands';
import { HoldPreventionActionDto, HoldTrainingDto } from './actions.dto';

/** Prevention actions and trainings: both are `action-<cptsId>.<actionId>` streams, read at `…/actions/{id}`. */
@ApiTags('actions')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId')
export class ActionsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('prevention-actions')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'PreventionActionHeld; `id` is the new action’s',
  })
  prevention(@Meta() meta: CommandMeta, @Body() body: HoldPreventionActionDto): Promise<CommandOutcome> {
    return this.commands.execute(new HoldPreventionAction(meta, { ...body, memberIds: [...body.memberIds] }));
  }

  @Post('trainings')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'TrainingHeld; `id` is the new action’s' })
  training(@Meta() meta: CommandMeta, @Body() body: HoldTrainingDto): Promise<CommandOutcome> {
    return this.commands.execute(
      new HoldTraining(meta, { ...body, attendeeMemberIds: [...body.attendeeMemberIds] }),
    );
  }

  @Get('actions/:actionId')
  @ApiOkResponse({ description: 'The action (`kind`: prevention-action or training) with its revision' })
  async get(@Param('cptsId') cptsId: string, @Param('actionId', UuidParam) actionId: string) {
    const { state, revision } = await load(this.store, streamId('action', cptsId, actionId), actionEvolver);
    if (!state.exists) throw actionNotFound();
    const { exists: _exists, ...action } = state;
    return { id: actionId, revision, ...action };
  }
}
