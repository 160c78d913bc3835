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
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@parcours/auth';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@parcours/event-store';
import { problem } from '@parcours/platform';
import { fold } from '../shared/decider';
import { type CommandMeta, type CommandOutcome, load, toStored } from '../shared/command-runner';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import { protocolEvolver, type ProtocolState, versionInForce } from './protocol.decider';
import {
  PROTOCOL_CODE_MAX_LENGTH,
  PROTOCOL_CODE_PATTERN,
  type ProtocolEvent,
  type ProtocolPublished,
} from './protocol.events';
import {
  protocolNotFound,
  PublishProtocol,
  RegisterProtocolAdherent,
  RetireProtocol,
} from './protocols.commands';
import { PublishProtocolDto, RegisterAdherentDto, RetireProtocolDto } from './protocols.dto';

/** `:code` must be a protocol code (a slug): anything else is a 400 naming the parameter. */
@Injectable()
export class ProtocolCodeParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (value.length <= PROTOCOL_CODE_MAX_LENGTH && PROTOCOL_CODE_PATTERN.test(value)) return value;
    const path = metadata.data ?? 'code';
    const message = `${path} must be a protocol code (a lower-case slug)`;
    throw new BadRequestException(problem(400, 'invalid-input', message, { errors: [{ path, message }] }));
  }
}

/** One page of the global log while listing the catalogue. */
const PAGE = 1000;

/** A protocol as the API shows it: its stream's state, the version in force today, its revision. */
function protocolView(state: Extract<ProtocolState, { exists: true }>, revision: number, now: Date) {
  const { exists: _exists, ...protocol } = state;
  return { ...protocol, inForce: versionInForce(state, now.toISOString()), revision };
}

/** The request body as the event's data: plain objects, optional fields only when given. */
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

@ApiTags('protocols')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/protocols')
export class ProtocolsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @Roles('coordinator')
  @ApiOperation({ summary: 'Publishes a protocol, or a new version of one (ProtocolPublished)' })
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolPublished; `id` is the code' })
  publish(@Meta() meta: CommandMeta, @Body() body: PublishProtocolDto): Promise<CommandOutcome> {
    return this.commands.execute(new PublishProtocol(meta, toPublished(body)));
  }

  @Post(':code/adherents')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolAdherentRegistered' })
  adherent(
    @Meta() meta: CommandMeta,
    @Param('code', ProtocolCodeParam) code: string,
    @Body() body: RegisterAdherentDto,
  ): Promise<CommandOutcome> {
    const { memberId, delegatingDoctorMemberId, trainedOn, signedOn } = body;
    return this.commands.execute(
      new RegisterProtocolAdherent(meta, code, {
        memberId: memberId.toLowerCase(),
        delegatingDoctorMemberId: delegatingDoctorMemberId.toLowerCase(),
        trainedOn,
        signedOn,
      }),
    );
  }

  @Post(':code/retirement')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProtocolRetired' })
  retire(
    @Meta() meta: CommandMeta,
    @Param('code', ProtocolCodeParam) code: string,
    @Body() body: RetireProtocolDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RetireProtocol(meta, code, { effectiveTo: body.effectiveTo }));
  }

  /**
   * The catalogue. There is no read model yet: this lists the CPTS's protocol streams by reading the
   * global log filtered on the `protocol-<cptsId>.` prefix, page by page, and folds each stream. The
   * projections issue replaces this scan with a catalogue read model.
   */
  @Get()
  @Roles('coordinator', 'professional', 'auditor')
  @ApiOkResponse({ description: '`{ items }`: every protocol of the CPTS, by code, with its versions' })
  async list(@Param('cptsId') cptsId: string) {
    await requireCpts(this.store, cptsId);
    const prefix = `${streamId('protocol', cptsId)}.`;
    const byStream = new Map<string, RecordedEvent[]>();
    let after: bigint | undefined;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: PAGE, filter: { streamPrefixes: [prefix] } });
      for (const event of page) {
        const events = byStream.get(event.streamId) ?? [];
        events.push(event);
        byStream.set(event.streamId, events);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].position;
    }
    const now = new Date();
    const items = [];
    for (const events of byStream.values()) {
      events.sort((a, b) => a.revision - b.revision);
      const state = fold(
        protocolEvolver,
        events.map((event) => toStored<ProtocolEvent>(event)),
      );
      if (state.exists) items.push(protocolView(state, events[events.length - 1].revision, now));
    }
    items.sort((a, b) => a.code.localeCompare(b.code));
    return { items };
  }

  @Get(':code')
  @Roles('coordinator', 'professional', 'auditor')
  @ApiOkResponse({ description: 'One protocol: its versions, adherents, retirement and revision' })
  async get(@Param('cptsId') cptsId: string, @Param('code', ProtocolCodeParam) code: string) {
    const { state, revision } = await load(this.store, streamId('protocol', cptsId, code), protocolEvolver);
    if (!state.exists || revision === 'no_stream') throw protocolNotFound();
    return protocolView(state, revision, new Date());
  }
}
