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

const LINES_PER_PIECE = 64;

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
    // A page goes out in pieces of a few lines: strings past ~128 KB would be allocated straight into the
    // old generation of the heap, and a long export would pile them up there until a full collection.
    const nextChunks = async (): Promise<string[] | FeedEnd> => {
      const step = await feed.next();
      if (step.done) return step.value;
      const pieces: string[] = [];
      const { lines } = step.value;
      for (let start = 0; start < lines.length; start += LINES_PER_PIECE) {
        pieces.push(
          `${lines
            .slice(start, start + LINES_PER_PIECE)
            .map((line) => JSON.stringify(line))
            .join('\n')}\n`,
        );
      }
      return pieces;
    };

    // The first page is read before anything is sent: a store that cannot serve is still a problem+json.
    let next = await nextChunks();
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader(FEED_SCHEMA_HEADER, String(FEED_SCHEMA_VERSION));
    response.setHeader('Trailer', NEXT_POSITION_TRAILER);
    try {
      while (Array.isArray(next)) {
        response.cork();
        let room = true;
        for (const piece of next) room = response.write(piece);
        response.uncork();
        if (!room) await drained(response);
        if (gone) {
          await feed.return({ next: 0n, limited: false, lines: 0 });
          return;
        }
        next = await nextChunks();
      }
    } catch (error) {
      // Part of the body is out: the response can only be cut short, without its trailer.
      response.destroy(error as Error);
      return;
    }
    response.addTrailers({ [NEXT_POSITION_TRAILER]: next.next.toString() });
    response.end();
  }
}
