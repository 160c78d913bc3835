import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NOTIFICATIONS, NotificationOutbox, notificationIdOf, sourceIdOf } from '@parcours/domain';
import type { AppConfig } from '@parcours/platform';
import { ReadStore } from '@parcours/projections';
import { WORKLIST_ASSIGNMENTS } from './assignments/assignments.projection';
import { readWorklist } from './worklist.queries';

const PAGE = 200;

interface Assignee {
  cpts_id: string;
  member_id: string | null;
  coordinator_id: string | null;
}

/**
 * Tells each assignee of the worklist's items that fell due: every few minutes (`NOTIFY_OVERDUE_EVERY_SECONDS`)
 * it reads the overdue items assigned to someone, as that person's own worklist shows them (a member sees
 * only the patients they may read), and records an `overdue-step` notification for each — once per item,
 * due date and assignee: the notification's id is derived from them, so a later sweep, a restart or a second
 * instance records nothing more, and an item given to someone else tells the new assignee.
 */
@Injectable()
export class OverdueNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OverdueNotifier');
  private enabled = false;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly readStore: ReadStore,
    private readonly outbox: NotificationOutbox,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Only the API sweeps (not the CLI nor the projector). */
  enable(): void {
    this.enabled = true;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const every = this.config.get('NOTIFY_OVERDUE_EVERY_SECONDS', { infer: true }) * 1000;
    const tick = () => {
      this.sweeping = this.sweep().catch((error: unknown) => {
        // The next sweep tries again: nothing is lost, the items stay overdue.
        this.logger.warn(`sweep failed (${error instanceof Error ? error.name : 'error'})`);
        return 0;
      });
      void this.sweeping.then(() => {
        if (this.enabled) this.timer = setTimeout(tick, every).unref();
      });
    };
    this.timer = setTimeout(tick, Math.min(every, 5_000)).unref();
  }

  async stop(): Promise<void> {
    this.enabled = false;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One sweep at `now`: how many notifications it recorded (one per channel). */
  async sweep(now = new Date()): Promise<number> {
    const assignments = this.readStore.tables(WORKLIST_ASSIGNMENTS)('assignments');
    const notifications = this.readStore.tables(NOTIFICATIONS)('notifications');
    const assignees = this.readStore
      .prepare<[], Assignee>(
        `SELECT DISTINCT cpts_id, member_id, coordinator_id FROM "${assignments}"
          WHERE member_id IS NOT NULL OR coordinator_id IS NOT NULL`,
      )
      .all();
    const known = this.readStore.prepare<[string, string], { n: number }>(
      `SELECT 1 AS n FROM "${notifications}" WHERE cpts_id = ? AND notification_id = ?`,
    );
    let recorded = 0;
    for (const assignee of assignees) {
      const recipientId = assignee.member_id ?? assignee.coordinator_id!;
      const assigned =
        assignee.member_id !== null
          ? { memberId: assignee.member_id }
          : { coordinatorId: assignee.coordinator_id! };
      for (let offset = 0; ; offset += PAGE) {
        const page = readWorklist(
          this.readStore,
          assignee.cpts_id,
          {
            assigned,
            overdue: true,
            sort: 'oldest',
            offset,
            limit: PAGE,
            ...(assignee.member_id === null ? {} : { hideBlockedFor: assignee.member_id }),
          },
          now,
        );
        for (const item of page.items) {
          const source = sourceIdOf(
            `overdue|${assignee.cpts_id}|${item.kind}|${item.openedBy}|${item.dueAt}`,
          );
          if (known.get(assignee.cpts_id, notificationIdOf(source, recipientId, 'inbox'))) continue;
          const done = await this.outbox.notify({
            cptsId: assignee.cpts_id,
            recipientId,
            kind: 'overdue-step',
            sourceEventId: source,
            sourceType: item.kind,
            correlationId: item.openedBy,
            ...(item.pathwayId === undefined ? {} : { pathwayId: item.pathwayId }),
            ...(item.patientId === undefined ? {} : { patientId: item.patientId }),
          });
          recorded += done.requested;
        }
        if (offset + PAGE >= page.total) break;
      }
    }
    return recorded;
  }
}
