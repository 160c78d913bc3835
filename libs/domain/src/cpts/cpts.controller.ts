import {
  type ArgumentMetadata,
  BadRequestException,
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
import { problem } from '@parcours/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta, parseIdempotencyKey } from '../shared/http/command-meta.decorator';
import { CommandResponseDto } from '../shared/http/params';
import { IdSource, streamId } from '../shared/ids';
import {
  DeclareCrisis,
  RecordAchievement,
  RecordCrisisPlanStep,
  RegisterCpts,
  SignAciContract,
  StartMission,
  UpdatePopulation,
} from './cpts.commands';
import { cptsEvolver, cptsNotFound, sizeClassOf } from './cpts.decider';
import {
  AchievementDto,
  CrisisDto,
  CrisisPlanDto,
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
    const message = `${path} must be one of: ${MISSIONS.join(', ')}`;
    throw new BadRequestException(problem(400, 'invalid-input', message, { errors: [{ path, message }] }));
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

@ApiTags('cpts')
@ApiBearerAuth()
@Controller('api/v1/cpts')
export class CptsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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
    const { id, name, population, communes, finess } = body;
    return this.commands.execute(
      new RegisterCpts(meta, {
        id,
        name,
        population,
        communes: communes ?? [],
        ...(finess === undefined ? {} : { finess }),
      }),
    );
  }

  @Get(':cptsId')
  @ApiOkResponse({ description: 'The CPTS as folded from its stream: size class, contract, missions…' })
  async get(@Param('cptsId') cptsId: string) {
    const { state, revision } = await load(this.store, streamId('cpts', cptsId), cptsEvolver);
    if (!state.exists) throw cptsNotFound(cptsId);
    const { exists: _exists, registeredPopulation: _registered, ...cpts } = state;
    return { id: cptsId, ...cpts, sizeClass: sizeClassOf(state.population), revision };
  }

  @Post(':cptsId/population')
  @ApiOperation({ summary: 'CptsPopulationUpdated (in the event catalogue; not in api.md’s table)' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CptsPopulationUpdated' })
  population(@Meta() meta: CommandMeta, @Body() body: UpdatePopulationDto): Promise<CommandOutcome> {
    return this.commands.execute(new UpdatePopulation(meta, { ...body }));
  }

  @Post(':cptsId/contract')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'AciContractSigned' })
  contract(@Meta() meta: CommandMeta, @Body() body: SignContractDto): Promise<CommandOutcome> {
    return this.commands.execute(new SignAciContract(meta, { ...body, missions: [...body.missions] }));
  }

  @Post(':cptsId/missions/:mission/start')
  @ApiParam({ name: 'mission', enum: MISSIONS })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MissionStarted' })
  startMission(
    @Meta() meta: CommandMeta,
    @Param('mission', MissionParam) mission: Mission,
    @Body() body: StartMissionDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new StartMission(meta, { mission, startedOn: body.startedOn }));
  }

  @Post(':cptsId/achievements')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'AchievementRecorded' })
  achievement(@Meta() meta: CommandMeta, @Body() body: AchievementDto): Promise<CommandOutcome> {
    return this.commands.execute(new RecordAchievement(meta, { ...body }));
  }

  @Post(':cptsId/crises')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CrisisDeclared' })
  crisis(@Meta() meta: CommandMeta, @Body() body: CrisisDto): Promise<CommandOutcome> {
    return this.commands.execute(new DeclareCrisis(meta, { ...body }));
  }

  @Post(':cptsId/crisis-plan')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CrisisPlanDrafted or CrisisPlanUpdated' })
  crisisPlan(@Meta() meta: CommandMeta, @Body() body: CrisisPlanDto): Promise<CommandOutcome> {
    return this.commands.execute(new RecordCrisisPlanStep(meta, { ...body }));
  }
}
