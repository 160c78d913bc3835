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
  Query,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import { ConsistentReadQueryDto } from '../shared/http/read-queries.dto';
import { readProtocolCatalogue } from './protocol-catalogue/protocol-catalogue.projection';
import { invalidInput } from '@parcours/platform';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { protocolEvolver, type ProtocolState, versionInForce } from './protocol.decider';
import { PROTOCOL_CODE_MAX_LENGTH, PROTOCOL_CODE_PATTERN, type ProtocolPublished } from './protocol.events';
import { ProtocolCommandMessage, protocolNotFound } from './protocols.handler';
import { PublishProtocolDto, RegisterAdherentDto, RetireProtocolDto } from './protocols.dto';

/** `:code` must be a protocol code (a slug): anything else is a 400 naming the parameter. */
@Injectable()
export class ProtocolCodeParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (value.length <= PROTOCOL_CODE_MAX_LENGTH && PROTOCOL_CODE_PATTERN.test(value)) return value;
    const path = metadata.data ?? 'code';
    throw invalidInput(path, {
      fr: `${path} doit être un code de protocole (en minuscules, avec des tirets)`,
      en: `${path} must be a protocol code (a lower-case slug)`,
    });
  }
}

/** A protocol as the API shows it: its stream's state, the version in force today, its revision. */
function protocolView(state: Extract<ProtocolState, { exists: true }>, revision: number, now: Date) {
  const { exists: _exists, ...protocol } = state;
  return { ...protocol, inForce: versionInForce(state, now.toISOString()), revision };
}

/** The request body as the command's data: plain objects, optional fields only when given. */
function toPublished(body: PublishProtocolDto): ProtocolPublished {
  const { sex, minAgeMonths, maxAgeMonths, exclusions } = body.eligibility;
  return {
    code: body.code,
    version: body.version,
    title: body.title,
    kind: body.kind,
    eligibility: {
      ...(sex === undefined ? {} : { sex }),
      ...(minAgeMonths === undefined ? {} : { minAgeMonths }),
      ...(maxAgeMonths === undefined ? {} : { maxAgeMonths }),
      exclusions: exclusions.map(({ code, label }) => ({ code, label })),
    },
    tests: [...body.tests],
    professions: [...body.professions],
    requiresMtInformation: body.requiresMtInformation,
    effectiveFrom: body.effectiveFrom,
  };
}

/** Routes of the protocols capability: the commands on a protocol's stream, the protocol, the catalogue. */
@ApiTags('protocols')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/protocols')
export class ProtocolsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The protocol catalogue, by code, with each version’s usage' })
  @ApiOkResponse({
    description:
      '`{ items: [{ code, title, kind, versions, inForce, retiredOn?, adherents, usage: [{ version, applications, byOutcome }], revision }] }`',
  })
  catalogue(@Param('cptsId') cptsId: string, @Query() _query: ConsistentReadQueryDto) {
    return readProtocolCatalogue(this.readStore, cptsId, new Date());
  }

  @Post()
  @ApiOperation({ summary: 'Publishes a protocol, or a new version of one (ProtocolPublished)' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolPublished; `id` is the code' })
  publish(@Meta() meta: CommandMeta, @Body() body: PublishProtocolDto): Promise<CommandOutcome> {
    const published = toPublished(body);
    return this.commands.execute(
      new ProtocolCommandMessage(meta, published.code, { type: 'PublishProtocol', data: published }),
    );
  }

  @Post(':code/adherents')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolAdherentRegistered' })
  adherent(
    @Meta() meta: CommandMeta,
    @Param('code', ProtocolCodeParam) code: string,
    @Body() body: RegisterAdherentDto,
  ): Promise<CommandOutcome> {
    const { memberId, delegatingDoctorMemberId, trainedOn, signedOn } = body;
    return this.commands.execute(
      new ProtocolCommandMessage(meta, code, {
        type: 'RegisterProtocolAdherent',
        data: {
          memberId: memberId.toLowerCase(),
          delegatingDoctorMemberId: delegatingDoctorMemberId.toLowerCase(),
          trainedOn,
          signedOn,
        },
      }),
    );
  }

  @Post(':code/retirement')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolRetired' })
  retire(
    @Meta() meta: CommandMeta,
    @Param('code', ProtocolCodeParam) code: string,
    @Body() body: RetireProtocolDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(
      new ProtocolCommandMessage(meta, code, {
        type: 'RetireProtocol',
        data: { effectiveTo: body.effectiveTo },
      }),
    );
  }

  @Get(':code')
  @ApiOkResponse({ description: 'One protocol: its versions, adherents, retirement and revision' })
  async get(@Param('cptsId') cptsId: string, @Param('code', ProtocolCodeParam) code: string) {
    const { state, revision } = await load(this.store, streamId('protocol', cptsId, code), protocolEvolver);
    if (!state.exists || revision === 'no_stream') throw protocolNotFound();
    return protocolView(state, revision, new Date());
  }
}
