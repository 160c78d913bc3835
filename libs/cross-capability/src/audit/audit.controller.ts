import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';

import {
  ACCESS_LOG_DEFAULT_LIMIT,
  AccessLog,
  type AccessLogEntry,
  AccessLogQueryDto,
  type AccessLogVerification,
  checkedAccessLogWindow,
  NotFoundError,
  parseStreamId,
} from '@parcours/domain';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@parcours/event-store';
import { invalidInput } from '@parcours/platform';
import { type AuditBreak, auditStream, streamOwner, type VerifyReport, verifyCpts } from './chain-audit';

export interface AuditedEvent {
  revision: number;
  /** Global position, a decimal string. */
  position: string;
  type: string;
  /** As stored: personal data stays in its encrypted form. */
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface AuditedStream {
  streamId: string;
  cptsId: string;
  category: string;
  events: AuditedEvent[];
  /** The first break found in the stream (hash chain, revisions, order of positions), or null. */
  verified: AuditBreak | null;
}

const streamNotFound = (streamId: string) =>
  new NotFoundError({
    fr: `Le flux ${streamId} n’existe pas dans cette CPTS.`,
    en: `Stream ${streamId} does not exist in this CPTS.`,
  });

/**
 * `GET …/audit/streams/{streamId}` and `GET …/audit/verify` (api.md): the stored log itself, read from
 * the event store by design (not a read model), for auditors and coordinators; and `GET …/audit/access-log`,
 * who read which patient's identity (auditors).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('access-log')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description: 'Entries newest first: id, at, cptsId, patientId, actorId, role, purpose, requestId',
  })
  accessLogEntries(
    @Param('cptsId') cptsId: string,
    @Query() query: AccessLogQueryDto,
  ): { entries: AccessLogEntry[]; truncated: boolean } {
    const window = checkedAccessLogWindow(query.from, query.to);
    const limit = query.limit ?? ACCESS_LOG_DEFAULT_LIMIT;
    const entries = this.accessLog.list({ cptsId, ...window, patientId: query.patientId, limit: limit + 1 });
    return { entries: entries.slice(0, limit), truncated: entries.length > limit };
  }

  @Get('streams/:streamId')
  @Header('Cache-Control', 'no-store')
  @ApiParam({
    name: 'streamId',
    example: 'pathway-cpts-demo.0193a0b4-…',
    description: 'A stream of this CPTS',
  })
  @ApiOkResponse({
    description:
      '{ streamId, cptsId, category, events: [{ revision, position, type, data, metadata (with prevHash, hash) }], verified: ChainBreak | null }',
  })
  @ApiNotFoundResponse({ description: 'no such stream in this CPTS (another CPTS’s stream included)' })
  async stream(@Param('cptsId') cptsId: string, @Param('streamId') streamId: string): Promise<AuditedStream> {
    const owner = streamOwner(streamId);
    if (owner === null) {
      throw invalidInput('streamId', {
        fr: 'streamId doit être cpts-<cptsId> ou <catégorie>-<cptsId>.<id> (un nom de flux du catalogue des événements)',
        en: 'streamId must be cpts-<cptsId> or <category>-<cptsId>.<id> (a stream name of events.md)',
      });
    }
    if (owner !== cptsId) throw streamNotFound(streamId);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw streamNotFound(streamId);
    return {
      streamId,
      cptsId,
      category: parseStreamId(streamId)!.category,
      events: events.map((event) => ({
        revision: event.revision,
        position: event.position.toString(),
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
      verified: auditStream(streamId, events)[0] ?? null,
    };
  }

  @Get('verify')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '{ ok, streams, events, broken: [{ streamId, revision, position, eventId, problem, detail }] }; ' +
      'problem is revision-gap, prev-hash-mismatch, hash-mismatch or out-of-order; accessLog: the same ' +
      'check of the read-access log’s chain, { ok, entries, broken: [{ id, seq, problem }] }',
  })
  async verify(
    @Param('cptsId') cptsId: string,
  ): Promise<VerifyReport & { cptsId: string; accessLog: AccessLogVerification }> {
    const streams = await verifyCpts(this.store, cptsId);
    const accessLog = this.accessLog.verify(cptsId);
    return { cptsId, ...streams, ok: streams.ok && accessLog.ok, accessLog };
  }
}
