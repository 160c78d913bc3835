import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { memberEvolver } from '../../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../../shared/command-runner';
import { decideCorrectionCommand } from '../../shared/corrections';
import { Meta } from '../../shared/http/command-meta.decorator';
import { CorrectionDto } from '../../shared/http/corrections';
import { entryShape } from '../../shared/http/corrections';
import { CommandResponseDto, UuidParam } from '../../shared/http/params';
import { streamId } from '../../shared/ids';
import { requireCpts } from '../../shared/tenant';
import { webhookStream } from './webhook.events';
import {
  decideWebhook,
  webhookCorrections,
  type WebhookFacts,
  type WebhookStreamCommand,
  webhookEvolver,
  webhookNotFound,
} from './webhook.decider';
import { destroyWebhookSecret, newWebhookSecret, openWebhookSecret } from './webhook-secrets';
import { RemoveWebhookDto, SubscribeWebhookDto } from './webhooks.dto';

const corrections = { ...webhookCorrections, shape: entryShape({ WebhookSubscribed: SubscribeWebhookDto }) };

/**
 * The CPTS's webhook subscriptions (coordinators): each notification of the members a subscription carries
 * is POSTed to its URL, signed with its secret. The secret is shown once, in the answer that creates it.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/webhooks')
export class WebhooksController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: IdentityVault,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  private async facts(cptsId: string, memberIds: readonly string[]): Promise<WebhookFacts> {
    const known = new Set<string>();
    for (const id of memberIds) {
      const { state } = await load(this.store, streamId('member', cptsId, id), memberEvolver);
      if (state.exists) known.add(id);
    }
    return {
      allowHttpLoopback: this.config.get('WEBHOOKS_ALLOW_HTTP_LOOPBACK', { infer: true }),
      knownMembers: known,
    };
  }

  private run(meta: CommandMeta, id: string, command: WebhookStreamCommand): Promise<CommandOutcome> {
    return runCommand(this.store, meta, {
      ...webhookEvolver,
      streamId: webhookStream(meta.cptsId),
      id,
      decide: async ({ state, history }, decision) => {
        if (command.type === 'CorrectEntry') {
          // The corrected entry is decided again: the members it names, as recorded or as corrected.
          const corrected = command.data.correction.memberIds;
          const named = Object.values(state.subscriptions).flatMap((s) => s.memberIds ?? []);
          const facts = await this.facts(meta.cptsId, [
            ...named,
            ...(Array.isArray(corrected) ? corrected.filter((m): m is string => typeof m === 'string') : []),
          ]);
          return decideCorrectionCommand(command, history, corrections, facts, decision);
        }
        const facts = await this.facts(
          meta.cptsId,
          command.type === 'Subscribe' ? (command.data.memberIds ?? []) : [],
        );
        return decideWebhook(command, state, facts, decision);
      },
    });
  }

  @Post()
  @ApiCreatedResponse({
    description:
      'WebhookSubscribed: `{ id, streamId, revision, position, secret }` — the secret is shown this once',
  })
  async subscribe(@Meta() meta: CommandMeta, @Body() body: SubscribeWebhookDto) {
    await requireCpts(this.store, meta.cptsId);
    const subscriptionId = meta.ids.newId('webhook');
    const { sealed } = newWebhookSecret(this.vault, meta.cptsId, subscriptionId);
    const outcome = await this.run(meta, subscriptionId, {
      type: 'Subscribe',
      data: {
        subscriptionId,
        url: body.url,
        ...(body.memberIds === undefined ? {} : { memberIds: body.memberIds.map((id) => id.toLowerCase()) }),
        secret: sealed,
      },
    });
    // A retry (same Idempotency-Key) answers the secret recorded the first time.
    const { state } = await load(this.store, outcome.streamId, webhookEvolver);
    const recorded = state.subscriptions[subscriptionId];
    const secret = openWebhookSecret(this.vault, meta.cptsId, subscriptionId, recorded.secret);
    // Answered as it is, not as a command's outcome: the answer of a command is remembered for its
    // Idempotency-Key, and a secret is kept nowhere but sealed in the log.
    const { id, streamId: stream, revision, position } = outcome;
    return { id, streamId: stream, revision, position: position.toString(), secret };
  }

  @Get()
  @ApiOkResponse({ description: '`{ items: [{ id, url, memberIds, at, eventId }] }`, never the secrets' })
  async list(@Param('cptsId') cptsId: string) {
    const { state, revision } = await load(this.store, webhookStream(cptsId), webhookEvolver);
    return {
      revision,
      items: Object.values(state.subscriptions)
        .filter((s) => !s.removed)
        .map((s) => ({
          id: s.subscriptionId,
          url: s.url,
          memberIds: s.memberIds ?? null,
          at: s.at,
          eventId: s.eventId,
        })),
    };
  }

  @Post(':subscriptionId/removal')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'WebhookRemoved; its secret is destroyed' })
  async remove(
    @Meta() meta: CommandMeta,
    @Param('subscriptionId', UuidParam) subscriptionId: string,
    @Body() body: RemoveWebhookDto,
  ): Promise<CommandOutcome> {
    const outcome = await this.run(meta, subscriptionId, {
      type: 'Unsubscribe',
      data: { subscriptionId, reason: body.reason },
    });
    destroyWebhookSecret(this.vault, meta.cptsId, subscriptionId);
    return outcome;
  }

  @Post('corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: a subscription’s URL or members, decided again',
  })
  async correct(@Meta() meta: CommandMeta, @Body() body: CorrectionDto): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    const { state } = await load(this.store, webhookStream(meta.cptsId), webhookEvolver);
    const target = Object.values(state.subscriptions).find((s) => s.eventId === targetEventId);
    if (target?.removed) throw webhookNotFound();
    return this.run(meta, target?.subscriptionId ?? targetEventId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }
}
