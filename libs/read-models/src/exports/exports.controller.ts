import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IdentityVault } from '@parcours/crypto';
import { requireCpts } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { Response } from 'express';
import { type FeedEnd, pseudonymKeyName, Pseudonymiser, readFeed } from './event-feed';
import { EventFeedQueryDto } from './exports.dto';
import { FEED_SCHEMA_VERSION } from './feed-classification';

/** Trailer of a complete feed response: the `after` of the next request. */
export const NEXT_POSITION_TRAILER = 'Parcours-Next-Position';
/** Header: the version of the feed's classification (docs/analytics.md). */
export const FEED_SCHEMA_HEADER = 'Parcours-Feed-Schema';

/** Resolves once the response can take more (or is gone): what keeps a slow client from filling memory. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** `GET …/exports/events.ndjson` (analysts, coordinators, auditors): the pseudonymised event feed. */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/exports')
export class ExportsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: IdentityVault,
  ) {}

  @Get('events.ndjson')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description:
      'Every event of the CPTS in log order, one JSON object per line: `{ position, eventId, type, ' +
      'category, entity, revision, recordedAt, source, schemaVersion, actorRole, data }`, patient ids ' +
      'replaced by a keyed pseudonym, identities and free text dropped (docs/analytics.md). Streamed. ' +
      `A complete response ends with the HTTP trailer \`${NEXT_POSITION_TRAILER}\`, the \`after\` of the ` +
      'next request; a response cut short has none (resume from its last complete line).',
  })
  @ApiNotFoundResponse({ description: 'the CPTS does not exist' })
  async events(
    @Param('cptsId') cptsId: string,
    @Query() query: EventFeedQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    await requireCpts(this.store, cptsId);
    const pseudonymiser = new Pseudonymiser(this.vault.serviceKey(pseudonymKeyName(cptsId)));
    const feed = readFeed(this.store, cptsId, pseudonymiser, {
      after: query.after === undefined ? undefined : BigInt(query.after),
      limit: query.limit,
    });
    let gone = false;
    response.on('close', () => (gone = true));

    // The first page is read before anything is sent: a store that cannot serve is still a problem+json.
    let step = await feed.next();
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader(FEED_SCHEMA_HEADER, String(FEED_SCHEMA_VERSION));
    response.setHeader('Trailer', NEXT_POSITION_TRAILER);
    try {
      while (!step.done) {
        const chunk = `${step.value.lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
        if (!response.write(chunk)) await drained(response);
        if (gone) {
          await feed.return({ next: 0n, limited: false, lines: 0 });
          return;
        }
        step = await feed.next();
      }
    } catch (error) {
      // Part of the body is out: the response can only be cut short, without its trailer.
      response.destroy(error as Error);
      return;
    }
    const end: FeedEnd = step.value;
    response.addTrailers({ [NEXT_POSITION_TRAILER]: end.next.toString() });
    response.end();
  }
}
