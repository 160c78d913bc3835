import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EVENT_STORE,
  type EventStore,
  type EventSubscription,
  type RecordedEvent,
} from '@parcours/event-store';
import { v5 as uuidv5 } from 'uuid';
import { pathwayEvolver } from '../pathways/pathway.decider';
import { careCircle, patientEvolver } from '../patients/patient.decider';
import { load } from '../shared/command-runner';
import { parseStreamId, streamId } from '../shared/ids';
import { RecipientChannels } from './delivery/recipient-channels';
import type { NotificationChannel, NotificationEvent } from './notification.events';
import { type NotificationContext, notificationsFor, NOTIFYING_EVENT_TYPES } from './notification-policy';

const NAMESPACE = '0f7a5c7e-3b7d-4f3e-9b8e-9d2f1c6a4b21';
/** Where the reactor keeps how far it has read the log (the metadata of a stream of its own). */
export const NOTIFIER_CHECKPOINT = 'notifier-checkpoint';
const ACTOR = { id: 'system:notifier', role: 'system' as const };

/**
 * The notification's id: the event that called for it, its recipient and its channel (and, for a webhook,
 * the subscription).
 */
export function notificationIdOf(
  sourceEventId: string,
  recipientId: string,
  channel: NotificationChannel,
  subscriptionId?: string,
): string {
  const target = subscriptionId === undefined ? '' : `|${subscriptionId}`;
  return uuidv5(`${sourceEventId}|${recipientId}|${channel}${target}`, NAMESPACE);
}
const eventIdOf = (what: string, notificationId: string) => uuidv5(`${what}|${notificationId}`, NAMESPACE);

export interface NotifierStatus {
  name: 'notifier';
  state: 'starting' | 'running' | 'stalled' | 'stopped';
  position: string;
  /** Notifications recorded since the start. */
  requested: number;
  delivered: number;
  error?: string;
}

/**
 * The process manager that tells people what happened: it follows the log from its own checkpoint (the
 * events that may call for a notification), decides with `notificationsFor` who is told and with the
 * recipient's channels (`RecipientChannels`) how, records each notification as `NotificationRequested` on a
 * stream of its own, then delivers the inbox's and records `NotificationDelivered` (e-mails and webhooks are
 * the dispatcher's). Every id is derived from the source event, so a restart or a crash between two
 * steps replays them without recording or delivering anything twice; the checkpoint moves only once
 * everything an event called for is recorded. A log that exists before the reactor first runs is not
 * notified: it starts at the head then.
 */
@Injectable()
export class NotificationReactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NotificationReactor');
  private subscription: EventSubscription | undefined;
  private running: Promise<void> | undefined;
  private readonly current: NotifierStatus = {
    name: 'notifier',
    state: 'starting',
    position: '0',
    requested: 0,
    delivered: 0,
  };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly channels: RecipientChannels,
  ) {}

  status(): NotifierStatus {
    return { ...this.current };
  }

  private enabled = false;

  /** Only the API runs the reactor (not the CLI nor the projector): it starts with the application then. */
  enable(): void {
    this.enabled = true;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.current.state = 'stopped';
      return;
    }
    this.running = this.follow();
  }

  /** Stops following the log once the event in hand is recorded. Idempotent. */
  async stop(): Promise<void> {
    this.current.state = 'stopped';
    await this.subscription?.close();
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async checkpoint(): Promise<bigint> {
    const stored = await this.store.getStreamMetadata(NOTIFIER_CHECKPOINT);
    const position = stored?.metadata.position;
    if (typeof position === 'string') return BigInt(position);
    // First run: from the head on, written at once so that a crash now does not skip what follows.
    const head = await this.store.headPosition();
    await this.store.setStreamMetadata(NOTIFIER_CHECKPOINT, { position: head.toString() });
    return head;
  }

  /** Follows the log; when the store fails, waits (1 s, doubling to 30 s) and resumes from the checkpoint. */
  private async follow(): Promise<void> {
    let delay = 1000;
    while (this.current.state !== 'stopped') {
      try {
        await this.run();
        return;
      } catch (error: unknown) {
        if ((this.current.state as NotifierStatus['state']) === 'stopped') return;
        this.current.state = 'stalled';
        this.current.error = error instanceof Error ? error.name : 'error';
        this.logger.warn(`stalled (${this.current.error}); resuming in ${delay} ms`);
        await this.subscription?.close().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private async run(): Promise<void> {
    let position = await this.checkpoint();
    this.current.position = position.toString();
    this.subscription = this.store.subscribeToAll({
      after: position,
      filter: { eventTypes: [...NOTIFYING_EVENT_TYPES] },
    });
    this.current.state = 'running';
    delete this.current.error;
    for await (const message of this.subscription) {
      if ((this.current.state as NotifierStatus['state']) === 'stopped') break;
      const next = message.kind === 'event' ? message.event.position : message.position;
      if (message.kind === 'event') await this.handle(message.event);
      if (next > position) {
        position = next;
        await this.store.setStreamMetadata(NOTIFIER_CHECKPOINT, { position: position.toString() });
        this.current.position = position.toString();
      }
    }
  }

  private async context(event: RecordedEvent): Promise<NotificationContext | null> {
    const stream = parseStreamId(event.streamId);
    if (stream?.category !== 'pathway' || !stream.id) return null;
    const pathway = (await load(this.store, event.streamId, pathwayEvolver)).state;
    if (!pathway.exists) return null;
    const patient = (
      await load(this.store, streamId('patient', stream.cptsId, pathway.patientId), patientEvolver)
    ).state;
    return {
      pathwayId: stream.id,
      patientId: pathway.patientId,
      circle: careCircle(patient).map((member) => member.memberId),
      blocked: patient.exists ? patient.blockedMemberIds : [],
      referrals: Object.fromEntries(
        Object.entries(pathway.referrals).map(([id, referral]) => [
          id,
          {
            fromMemberId: referral.fromMemberId,
            ...(referral.to.memberId === undefined ? {} : { toMemberId: referral.to.memberId }),
          },
        ]),
      ),
    };
  }

  /** Records and delivers what one event calls for; throws (and the checkpoint stays) if the store fails. */
  private async handle(event: RecordedEvent): Promise<void> {
    // The demo CPTS's history is written, not lived: nobody is told of it.
    if (event.metadata.source === 'demo') return;
    const context = await this.context(event);
    if (context === null) return;
    const intents = notificationsFor(
      {
        type: event.type,
        data: event.data,
        eventId: event.metadata.eventId,
        actorId: event.metadata.actor.id,
      },
      context,
    );
    const { cptsId } = event.metadata;
    const metadata = {
      cptsId,
      actor: ACTOR,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.eventId,
      source: 'api' as const,
    };
    for (const intent of intents) {
      // One notification per channel the recipient is told on; the inbox is delivered at once, the
      // others wait in the outbox for the dispatcher.
      for (const decided of await this.channels.of(cptsId, intent.recipientId, new Date())) {
        const { channel, subscriptionId, notBefore } = decided;
        const notificationId = notificationIdOf(
          event.metadata.eventId,
          intent.recipientId,
          channel,
          subscriptionId,
        );
        const stream = streamId('notification', cptsId, notificationId);
        const requested: NotificationEvent = {
          type: 'NotificationRequested',
          data: {
            notificationId,
            recipientId: intent.recipientId,
            channel,
            kind: intent.kind,
            sourceEventId: event.metadata.eventId,
            sourceType: event.type,
            ...(context.pathwayId === undefined ? {} : { pathwayId: context.pathwayId }),
            ...(context.patientId === undefined ? {} : { patientId: context.patientId }),
            ...(subscriptionId === undefined ? {} : { subscriptionId }),
            ...(notBefore === undefined ? {} : { notBefore }),
          },
        };
        const recorded = await this.store.append(stream, [
          { eventId: eventIdOf('requested', notificationId), ...requested, metadata } as never,
        ]);
        if (!recorded.replayed) this.current.requested += 1;
        if (channel !== 'inbox') continue;
        // The inbox is the log itself: recording the delivery is delivering.
        const delivered: NotificationEvent = {
          type: 'NotificationDelivered',
          data: { notificationId, attempt: 1 },
        };
        const done = await this.store.append(stream, [
          { eventId: eventIdOf('delivered', notificationId), ...delivered, metadata } as never,
        ]);
        if (!done.replayed) this.current.delivered += 1;
      }
    }
  }
}
