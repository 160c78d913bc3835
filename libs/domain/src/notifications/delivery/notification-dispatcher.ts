import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '@parcours/event-store';
import { ReadModelNotReadyError } from '@parcours/projections';
import { v5 as uuidv5 } from 'uuid';
import { memberEvolver } from '../../members/member.decider';
import { load, toStored } from '../../shared/command-runner';
import { streamId } from '../../shared/ids';
import { InboxQueries } from '../inbox/inbox.queries';
import type { NotificationEvent, NotificationRequested } from '../notification.events';
import { webhookStream } from '../webhooks/webhook.events';
import { webhookEvolver } from '../webhooks/webhook.decider';
import { openWebhookSecret } from '../webhooks/webhook-secrets';
import { type DeliveryState, deliveryState, errorCode, failure, nextStep } from './delivery-state';
import { EmailSender } from './email-sender';
import { emailContent } from './messages';
import { RecipientChannels } from './recipient-channels';
import { postWebhook, WebhookError } from './webhook-sender';

const NAMESPACE = '5d0c9f5e-2a41-4b8e-8c1f-7e3b6a9d2c40';
const ACTOR = { id: 'system:notifier', role: 'system' as const };
/** How often the outbox is looked at when there is nothing to send. */
const POLL_MS = 200;
const BATCH = 32;
const CONCURRENCY = 4;

export interface DispatcherStatus {
  name: 'dispatcher';
  state: 'starting' | 'running' | 'stalled' | 'stopped';
  /** E-mails and webhooks still to send (waiting for their time included), and given up: the read model's. */
  pending: number;
  failed: number;
  /** Attempts of this process: delivered, and failed (each failure, retried or not). */
  delivered: number;
  attemptsFailed: number;
  error?: string;
}

/** A permanent reason not to send, recorded as a final failure at once. */
class Undeliverable extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * Sends what the notifier recorded for e-mail and webhooks (the outbox), at least once: it looks for due
 * notifications in the read model, decides from each one's own stream what to do (`nextStep`), makes the
 * attempt and records its outcome — `NotificationDelivered`, or `NotificationFailed` with the next try
 * (exponential backoff with jitter) or as final. Nothing is kept in memory that a restart would need: an
 * attempt cut short by a crash is made again, under the same notification id (the e-mail's Message-ID,
 * the webhook's id header), for the receiver to recognise.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger('NotificationDispatcher');
  private readonly current: DispatcherStatus = {
    name: 'dispatcher',
    state: 'starting',
    pending: 0,
    failed: 0,
    delivered: 0,
    attemptsFailed: 0,
  };
  private enabled = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly inFlight = new Set<string>();
  private email: EmailSender | undefined;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly inbox: InboxQueries,
    private readonly channels: RecipientChannels,
    private readonly vault: IdentityVault,
  ) {}

  private get config() {
    return this.channels.config;
  }

  /** Only the API sends (not the CLI nor the projector). */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    const smtp = this.config.smtp;
    if (smtp) this.email = new EmailSender(smtp, this.config.baseUrl);
    this.running = this.loop();
  }

  status(): DispatcherStatus {
    if (!this.enabled) return { ...this.current, state: 'stopped' };
    try {
      Object.assign(this.current, this.inbox.outbox());
    } catch (error) {
      if (!(error instanceof ReadModelNotReadyError)) throw error;
    }
    return { ...this.current };
  }

  /** Stops looking for work once the attempts in hand are recorded. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current.state = 'stopped';
    this.wake?.();
    await this.running;
    this.email?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let found = 0;
      try {
        found = await this.tick();
        if (this.current.state !== 'stopped') this.current.state = 'running';
        delete this.current.error;
      } catch (error) {
        if (!(error instanceof ReadModelNotReadyError)) {
          this.current.state = 'stalled';
          this.current.error = error instanceof Error ? error.name : 'error';
          this.logger.warn(`stalled (${this.current.error})`);
        }
      }
      if (this.stopped) break;
      if (found < BATCH) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, POLL_MS).unref();
        });
      }
    }
  }

  /** One look at the outbox: the due notifications, a few at a time. */
  private async tick(): Promise<number> {
    const due = this.inbox
      .due(new Date().toISOString(), BATCH + this.inFlight.size)
      .filter((item) => !this.inFlight.has(item.notificationId))
      .slice(0, BATCH);
    for (let i = 0; i < due.length && !this.stopped; i += CONCURRENCY) {
      await Promise.all(
        due.slice(i, i + CONCURRENCY).map((item) => this.deliver(item.cptsId, item.notificationId)),
      );
    }
    return due.length;
  }

  private async deliver(cptsId: string, notificationId: string): Promise<void> {
    this.inFlight.add(notificationId);
    try {
      const stream = streamId('notification', cptsId, notificationId);
      const events = await this.store.readStream(stream);
      if (events.length === 0) return;
      const state = deliveryState(events.map((event) => toStored<NotificationEvent>(event)));
      const step = nextStep(state, new Date());
      if (step.kind !== 'attempt' || !state.requested) return;
      const outcome = await this.attempt(cptsId, state, events[0].metadata.recordedAt);
      const now = new Date();
      const data =
        outcome === null
          ? { notificationId, attempt: step.attempt }
          : outcome instanceof Undeliverable
            ? { notificationId, attempt: step.attempt, error: outcome.code, final: true }
            : failure(notificationId, step.attempt, outcome, now, this.config.retry, Math.random());
      const type = outcome === null ? 'NotificationDelivered' : 'NotificationFailed';
      try {
        await this.store.append(
          stream,
          [
            {
              eventId: uuidv5(`${type}|${step.attempt}|${notificationId}`, NAMESPACE),
              type,
              data: data as unknown as Record<string, unknown>,
              metadata: {
                cptsId,
                actor: ACTOR,
                correlationId: events[0].metadata.correlationId,
                causationId: events[0].metadata.eventId,
                source: 'api',
              },
            },
          ],
          { expectedRevision: events[events.length - 1].revision },
        );
      } catch (error) {
        // Another dispatcher recorded this attempt first: its record stands.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        return;
      }
      if (outcome === null) this.current.delivered += 1;
      else this.current.attemptsFailed += 1;
    } finally {
      this.inFlight.delete(notificationId);
    }
  }

  /** null when handed over; the error code, or `Undeliverable`, otherwise. Never throws. */
  private async attempt(
    cptsId: string,
    state: DeliveryState,
    occurredAt: string,
  ): Promise<string | Undeliverable | null> {
    const notification = state.requested as NotificationRequested;
    try {
      if (notification.channel === 'email') await this.sendEmail(cptsId, notification, occurredAt);
      else await this.sendWebhook(cptsId, notification, occurredAt);
      return null;
    } catch (error) {
      if (error instanceof Undeliverable) return error;
      return error instanceof WebhookError ? error.code : errorCode(error);
    }
  }

  private async sendEmail(cptsId: string, notification: NotificationRequested, occurredAt: string) {
    if (!this.email || !this.config.smtp) throw new Undeliverable('email-not-configured');
    const member = (
      await load(this.store, streamId('member', cptsId, notification.recipientId), memberEvolver)
    ).state;
    // The address as it stands when sending: a corrected one is used, a voided one is not.
    if (!member.exists || member.email === undefined) throw new Undeliverable('no-address');
    const content = emailContent(notification, {
      baseUrl: this.config.baseUrl,
      mssante: this.config.smtp.mssante,
      occurredAt,
    });
    await this.email.send(notification.notificationId, member.email, content);
  }

  private async sendWebhook(cptsId: string, notification: NotificationRequested, occurredAt: string) {
    if (!this.config.webhooks) throw new Undeliverable('webhooks-off');
    const { state } = await load(this.store, webhookStream(cptsId), webhookEvolver);
    const subscription = state.subscriptions[notification.subscriptionId ?? ''];
    if (!subscription || subscription.removed) throw new Undeliverable('subscription-removed');
    const secret = openWebhookSecret(this.vault, cptsId, subscription.subscriptionId, subscription.secret);
    if (secret === null) throw new Undeliverable('subscription-removed');
    const now = new Date();
    await postWebhook(
      subscription.url,
      secret,
      {
        id: notification.notificationId,
        kind: notification.kind,
        cptsId,
        memberId: notification.recipientId,
        link: `${this.config.baseUrl}/#/inbox`,
        occurredAt,
        sentAt: now.toISOString(),
      },
      now,
    );
  }
}
