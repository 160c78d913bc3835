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
import { pathwayEvolver } from '../pathways/pathway.decider';
import { careCircle, patientEvolver } from '../patients/patient.decider';
import { load } from '../shared/command-runner';
import { parseStreamId, streamId } from '../shared/ids';
import { type NotificationContext, notificationsFor, NOTIFYING_EVENT_TYPES } from './notification-policy';
import { NotificationOutbox } from './outbox';

/** Where the reactor keeps how far it has read the log (the metadata of a stream of its own). */
export const NOTIFIER_CHECKPOINT = 'notifier-checkpoint';
/**
 * The checkpoint is written at most this often (and when the reactor stops): each write is a transaction
 * of the store, and what a restart reads again is recorded under the same ids, so nothing twice.
 */
const CHECKPOINT_EVERY_MS = 250;

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
 * events that may call for a notification), decides with `notificationsFor` who is told, and records each
 * notification through the outbox (`NotificationOutbox`: once per channel the recipient is told on, the
 * inbox's delivered at once, e-mails and webhooks left to the dispatcher; the overdue sweep and the
 * emergency access record the same way). Every id is derived from the source event, so a restart or a
 * crash between two steps replays them without recording or delivering anything twice; the checkpoint
 * moves only once everything an event called for is recorded (and is written at most every 250 ms). A log
 * that exists before the reactor first runs is not notified: it starts at the head then.
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
    private readonly outbox: NotificationOutbox,
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
    // Stopped while the checkpoint was read or written: there is no subscription yet for stop() to close.
    if (this.current.state === 'stopped') return;
    this.current.position = position.toString();
    this.subscription = this.store.subscribeToAll({
      after: position,
      filter: { eventTypes: [...NOTIFYING_EVENT_TYPES] },
    });
    this.current.state = 'running';
    delete this.current.error;
    let saved = position;
    let savedAt = Date.now();
    const save = async () => {
      await this.store.setStreamMetadata(NOTIFIER_CHECKPOINT, { position: position.toString() });
      saved = position;
      savedAt = Date.now();
    };
    for await (const message of this.subscription) {
      if ((this.current.state as NotifierStatus['state']) === 'stopped') break;
      const next = message.kind === 'event' ? message.event.position : message.position;
      if (message.kind === 'event') await this.handle(message.event);
      if (next > position) {
        position = next;
        this.current.position = position.toString();
        if (Date.now() - savedAt >= CHECKPOINT_EVERY_MS) await save();
      }
    }
    if (position > saved) await save().catch(() => undefined);
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
    // Each recipient's notifications are streams of their own: recorded together, committed together.
    const recorded = await Promise.all(
      intents.map((intent) =>
        this.outbox.notify({
          cptsId: event.metadata.cptsId,
          recipientId: intent.recipientId,
          kind: intent.kind,
          sourceEventId: event.metadata.eventId,
          sourceType: event.type,
          correlationId: event.metadata.correlationId,
          ...(context.pathwayId === undefined ? {} : { pathwayId: context.pathwayId }),
          ...(context.patientId === undefined ? {} : { patientId: context.patientId }),
        }),
      ),
    );
    for (const counts of recorded) {
      this.current.requested += counts.requested;
      this.current.delivered += counts.delivered;
    }
  }
}
