import {
  type ArgumentMetadata,
  Body,
  Controller,
  Get,
  Inject,
  Injectable,
  Param,
  type PipeTransform,
  Post,
  Req,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { invalidInput } from '@parcours/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta, parseIdempotencyKey } from '../shared/http/command-meta.decorator';
import { CommandResponseDto } from '../shared/http/params';
import { IdSource, streamId } from '../shared/ids';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import type { CptsStreamCommand } from './cpts.commands';
import { cptsEvolver, cptsNotFound, type RegisteredCpts, sizeClassOf } from './cpts.decider';
import { CptsCommandMessage } from './cpts.handler';
import {
  AchievementDto,
  CrisisDto,
  CrisisPlanDto,
  ExternalIndicatorDto,
  RegisterCptsDto,
  SignContractDto,
  StartMissionDto,
  UpdatePopulationDto,
} from './cpts.dto';
import { isMission, MISSIONS, type Mission } from './cpts.events';

/** `:mission` must be one of the ACI missions: anything else is a 400 naming the parameter. */
@Injectable()
export class MissionParam implements PipeTransform<string, Mission> {
  transform(value: string, metadata: ArgumentMetadata): Mission {
    if (isMission(value)) return value;
    const path = metadata.data ?? 'mission';
    throw invalidInput(path, {
      fr: `${path} doit être l’une des valeurs : ${MISSIONS.join(', ')}`,
      en: `${path} must be one of: ${MISSIONS.join(', ')}`,
    });
  }
}

/**
 * The registration's metadata. `@Meta()` takes the tenant from the path or the token, and a platform
 * admin has neither: the tenant being created is the body's `id`, which also scopes the Idempotency-Key's
 * derived ids (so a retry with the same key derives the same event ids).
 */
function registrationMeta(
  request: Request & { id?: unknown },
  principal: Principal,
  cptsId: string,
): CommandMeta {
  return {
    cptsId,
    actor: actorOf(principal),
    correlationId: typeof request.id === 'string' ? request.id : randomUUID(),
    commandId: uuidv7(),
    source: request.header('x-parcours-client') === 'ui' ? 'ui' : 'api',
    ids: new IdSource(cptsId, parseIdempotencyKey(request.header('idempotency-key'))),
    now: new Date(),
  };
}

/** The CPTS as `GET` shows it: its stream's state, every entry a correction can target with its `eventId`. */
function cptsView(cptsId: string, state: RegisteredCpts, revision: number) {
  const { crisisPlan } = state;
  return {
    id: cptsId,
    name: state.name,
    population: state.population,
    sizeClass: sizeClassOf(state.population),
    communes: state.communes,
    ...(state.finess === undefined ? {} : { finess: state.finess }),
    contract: state.contract,
    missions: MISSIONS.flatMap((mission) => {
      const started = state.missions[mission];
      return started ? [{ mission, startedOn: started.startedOn, eventId: started.eventId }] : [];
    }),
    achievements: Object.entries(state.achievements).map(([eventId, a]) => ({ eventId, ...a })),
    crises: Object.entries(state.crises).map(([eventId, c]) => ({ eventId, ...c })),
    crisisPlan: {
      ...(crisisPlan.drafted === undefined
        ? {}
        : { draftedOn: crisisPlan.drafted.on, draftEventId: crisisPlan.drafted.eventId }),
      updates: Object.entries(crisisPlan.updates).map(([eventId, on]) => ({ eventId, on })),
    },
    populationUpdates: Object.entries(state.populationUpdates).map(([eventId, u]) => ({ eventId, ...u })),
    externalIndicators: Object.entries(state.externalIndicators).map(([eventId, e]) => ({ eventId, ...e })),
    revision,
  };
}

@ApiTags('cpts')
@ApiBearerAuth()
@Controller('api/v1/cpts')
export class CptsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  private send(meta: CommandMeta, command: CptsStreamCommand): Promise<CommandOutcome> {
    return this.commands.execute<CptsCommandMessage, CommandOutcome>(new CptsCommandMessage(meta, command));
  }

  @Post()
  @ApiOperation({
    summary: 'Registers a CPTS (CptsRegistered) and publishes the national cooperation protocols in it',
    description:
      'Several streams are written, not atomically: after a failure, retry with the same Idempotency-Key ' +
      'to complete the registration (what is stored already is not written twice).',
  })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CptsRegistered (+ ProtocolPublished × 5)' })
  @ApiUnprocessableEntityResponse({ description: 'rule cpts-exists: the id is taken' })
  register(
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterCptsDto,
  ): Promise<CommandOutcome> {
    const meta = registrationMeta(request, principal, body.id);
    const { name, population, communes, finess } = body;
    return this.send(meta, {
      type: 'RegisterCpts',
      data: {
        name,
        population,
        communes: [...(communes ?? [])],
        ...(finess === undefined ? {} : { finess }),
      },
    });
  }

  @Get(':cptsId')
  @ApiOkResponse({
    description:
      'The CPTS as folded from its stream: size class, contract, missions, achievements, crises, crisis ' +
      'plan and population updates, each entry with the `eventId` a correction or a voiding targets',
  })
  async get(@Param('cptsId') cptsId: string) {
    const { state, revision } = await load(this.store, streamId('cpts', cptsId), cptsEvolver);
    if (!state.exists || revision === 'no_stream') throw cptsNotFound(cptsId);
    return cptsView(cptsId, state, revision);
  }

  @Post(':cptsId/population')
  @ApiOperation({ summary: 'CptsPopulationUpdated (in the event catalogue; not in api.md’s table)' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CptsPopulationUpdated' })
  population(@Meta() meta: CommandMeta, @Body() body: UpdatePopulationDto): Promise<CommandOutcome> {
    return this.send(meta, {
      type: 'UpdatePopulation',
      data: { population: body.population, effectiveOn: body.effectiveOn },
    });
  }

  @Post(':cptsId/contract')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'AciContractSigned' })
  contract(@Meta() meta: CommandMeta, @Body() body: SignContractDto): Promise<CommandOutcome> {
    const { signedOn, missions, joinedBefore20220930 } = body;
    return this.send(meta, {
      type: 'SignContract',
      data: {
        signedOn,
        missions: [...missions],
        ...(joinedBefore20220930 === undefined ? {} : { joinedBefore20220930 }),
      },
    });
  }

  @Post(':cptsId/missions/:mission/start')
  @ApiParam({ name: 'mission', enum: MISSIONS })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MissionStarted' })
  startMission(
    @Meta() meta: CommandMeta,
    @Param('mission', MissionParam) mission: Mission,
    @Body() body: StartMissionDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, { type: 'StartMission', data: { mission, startedOn: body.startedOn } });
  }

  @Post(':cptsId/achievements')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'AchievementRecorded' })
  achievement(@Meta() meta: CommandMeta, @Body() body: AchievementDto): Promise<CommandOutcome> {
    const { contractYear, mission, rate } = body;
    return this.send(meta, { type: 'RecordAchievement', data: { contractYear, mission, rate } });
  }

  @Post(':cptsId/crises')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CrisisDeclared' })
  crisis(@Meta() meta: CommandMeta, @Body() body: CrisisDto): Promise<CommandOutcome> {
    const { declaredOn, kind, endedOn } = body;
    return this.send(meta, {
      type: 'DeclareCrisis',
      data: { declaredOn, kind, ...(endedOn === undefined ? {} : { endedOn }) },
    });
  }

  @Post(':cptsId/crisis-plan')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CrisisPlanDrafted or CrisisPlanUpdated' })
  crisisPlan(@Meta() meta: CommandMeta, @Body() body: CrisisPlanDto): Promise<CommandOutcome> {
    return this.send(meta, { type: 'RecordCrisisPlan', data: { on: body.on, kind: body.kind } });
  }

  @Post(':cptsId/external-indicators')
  @ApiOperation({ summary: 'A yearly figure of the CPAM (accès aux soins), shown beside the indicators' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ExternalIndicatorRecorded' })
  externalIndicator(@Meta() meta: CommandMeta, @Body() body: ExternalIndicatorDto): Promise<CommandOutcome> {
    const { code, period, value, source } = body;
    return this.send(meta, { type: 'RecordExternalIndicator', data: { code, period, value, source } });
  }

  @Post(':cptsId/corrections')
  @ApiOperation({
    summary:
      'EntryCorrected on the CPTS stream: an achievement, a mission start, a crisis, the crisis plan or a ' +
      'population update, decided again as if it were new (every figure follows; asOf gives the figure before)',
  })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'EntryCorrected' })
  correct(@Meta() meta: CommandMeta, @Body() body: CorrectionDto): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':cptsId/voidings')
  @ApiOperation({ summary: 'EntryVoided on the CPTS stream (refused where a later entry relies on it)' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'EntryVoided' })
  void(@Meta() meta: CommandMeta, @Body() body: VoidDto): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, { type: 'VoidEntry', data: { targetEventId, reason } });
  }
}
