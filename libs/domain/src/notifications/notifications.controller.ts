import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { v5 as uuidv5 } from 'uuid';
import { memberEvolver } from '../members/member.decider';
import { preferencesCommand } from '../members/members.controller';
import { NotificationPreferencesDto } from '../members/members.dto';
import { MemberCommandMessage, memberNotFound } from '../members/members.handler';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { Meta } from '../shared/http/command-meta.decorator';
import { UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { InboxQueryDto } from './inbox/inbox.dto';
import { validate as isUuid } from 'uuid';
import { DEFAULT_PREFERENCES } from './delivery/channel-policy';
import { RecipientChannels } from './delivery/recipient-channels';
import { InboxQueries } from './inbox/inbox.queries';
import { COORDINATORS } from './outbox';

const READ_NAMESPACE = 'c3e1b2a4-8f6d-4b1a-a7e2-5d9c0f3b6e18';
const notificationNotFound = () =>
  new NotFoundError({ fr: 'Cette notification n’existe pas.', en: 'This notification does not exist.' });

/** Whom the principal reads for: themselves, and the coordinators' team when they are one. */
const recipientsOf = (principal: Principal): string[] =>
  principal.roles.includes('coordinator') ? [principal.sub, COORDINATORS] : [principal.sub];

/** The signed-in member's own inbox: what they were told, newest first, and how many they have not read. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/inbox')
export class NotificationsController {
  constructor(
    private readonly inbox: InboxQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
    private readonly channels: RecipientChannels,
  ) {}

  /**
   * How the signed-in member is told: their preferences (the defaults until they set some), whether they
   * have an e-mail address (not the address), and the channels this deployment has.
   */
  @Get('preferences')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description: '`{ email, webhook, quietHours?, hasEmail, channels: { email, webhook } }`',
  })
  async preferences(@Param('cptsId') cptsId: string, @CurrentPrincipal() principal: Principal) {
    if (!isUuid(principal.sub)) throw memberNotFound();
    const { state } = await load(this.store, streamId('member', cptsId, principal.sub), memberEvolver);
    if (!state.exists) throw memberNotFound();
    const { config } = this.channels;
    return {
      ...(state.preferences ?? DEFAULT_PREFERENCES),
      hasEmail: state.email !== undefined,
      channels: { email: config.smtp !== undefined, webhook: config.webhooks },
    };
  }

  @Post('preferences')
  @ApiCreatedResponse({ description: 'NotificationPreferencesSet on the signed-in member' })
  setPreferences(
    @Meta() meta: CommandMeta,
    @Body() body: NotificationPreferencesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CommandOutcome> {
    if (!isUuid(principal.sub)) throw memberNotFound();
    return this.commands.execute<MemberCommandMessage, CommandOutcome>(
      new MemberCommandMessage(meta, principal.sub.toLowerCase(), preferencesCommand(body)),
    );
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description: '`{ unread, items: [{ id, kind, pathwayId, patientId, at, read, readAt }] }`',
  })
  list(
    @Param('cptsId') cptsId: string,
    @Query() query: InboxQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.inbox.inbox(cptsId, recipientsOf(principal), { limit: query.limit ?? 100 });
  }

  /** Marks one of the member's notifications read (again: nothing more is recorded). */
  @Post(':notificationId/read')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{ id, read: true, position }`' })
  async markRead(
    @Param('cptsId') cptsId: string,
    @Param('notificationId', UuidParam) notificationId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const found = this.inbox.notification(cptsId, notificationId);
    // Someone else's notification is not there, for this member.
    if (!found || found.channel !== 'inbox' || !recipientsOf(principal).includes(found.recipient_id))
      throw notificationNotFound();
    const result = await this.store.append(
      streamId('notification', cptsId, notificationId),
      [
        {
          eventId: uuidv5(`read|${notificationId}`, READ_NAMESPACE),
          type: 'NotificationRead',
          data: { notificationId, at: new Date().toISOString() },
          metadata: {
            cptsId,
            actor: {
              id: principal.sub,
              role: principal.roles.includes('coordinator') ? 'coordinator' : 'professional',
            },
            correlationId: notificationId,
            causationId: notificationId,
            source: 'api',
          },
        },
      ],
      { expectedRevision: 'stream_exists' },
    );
    return { id: notificationId, read: true, position: result.position.toString() };
  }
}
