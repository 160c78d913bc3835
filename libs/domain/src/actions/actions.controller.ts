import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import type { ActionStreamCommand } from './action.commands';
import { actionEvolver } from './action.decider';
import { ActionCommandMessage, actionNotFound } from './actions.handler';
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

  private send(meta: CommandMeta, actionId: string | null, command: ActionStreamCommand) {
    return this.commands.execute<ActionCommandMessage, CommandOutcome>(
      new ActionCommandMessage(meta, actionId, command),
    );
  }

  @Post('prevention-actions')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'PreventionActionHeld; `id` is the new action’s',
  })
  prevention(@Meta() meta: CommandMeta, @Body() body: HoldPreventionActionDto): Promise<CommandOutcome> {
    const { theme, heldOn, participants, memberIds } = body;
    return this.send(meta, null, {
      type: 'HoldPreventionAction',
      data: { theme, heldOn, participants, memberIds: [...memberIds] },
    });
  }

  @Post('trainings')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'TrainingHeld; `id` is the new action’s' })
  training(@Meta() meta: CommandMeta, @Body() body: HoldTrainingDto): Promise<CommandOutcome> {
    const { theme, heldOn, attendeeMemberIds } = body;
    return this.send(meta, null, {
      type: 'HoldTraining',
      data: { theme, heldOn, attendeeMemberIds: [...attendeeMemberIds] },
    });
  }

  @Post('actions/:actionId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: the action (or training) decided again as if it were new',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('actionId', UuidParam) actionId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, actionId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post('actions/:actionId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryVoided: the action did not take place (it leaves every figure)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('actionId', UuidParam) actionId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, actionId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  @Get('actions/:actionId')
  @ApiOkResponse({
    description:
      'The action (`kind`: prevention-action or training) with its revision and the `eventId` a correction targets',
  })
  async get(@Param('cptsId') cptsId: string, @Param('actionId', UuidParam) actionId: string) {
    const { state, revision, history } = await load(
      this.store,
      streamId('action', cptsId, actionId),
      actionEvolver,
    );
    if (!state.exists) throw actionNotFound();
    const { exists: _exists, ...action } = state;
    return { id: actionId, revision, eventId: history[0].context.eventId, ...action };
  }
}
