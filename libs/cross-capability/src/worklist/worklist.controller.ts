import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { IdentityVault } from '@parcours/crypto';
import {
  AccessLog,
  type CommandMeta,
  type CommandOutcome,
  CommandResponseDto,
  CorrectionDto,
  load,
  Meta,
  UuidParam,
  VoidDto,
  parsePurpose,
  patientEvolver,
  readIdentity,
  restrictedMember,
} from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { AssignWorkItemDto } from './assignments/assignment.dto';
import type { AssignmentStreamCommand } from './assignments/assignment.events';
import { AssignmentCommandMessage } from './assignments/assignment.handler';
import { WORKLIST_DEFAULT_LIMIT, WorklistQueryDto } from './worklist.dto';
import { readWorklist, type WorklistQuery, worklistPatients } from './worklist.queries';

/** What the worklist shows of an identity: the names only (the birth date stays on the patient's page). */
interface PatientName {
  familyName: string;
  givenName: string;
}

/** The roles that read identities, in the order a principal holding several reads as. */
const IDENTITY_READERS = ['coordinator', 'auditor', 'professional'] as const;

/**
 * The worklist is operational: coordinators run it, professionals act on it (the discharge's pharmacist,
 * the doctor asked for a review…) and auditors may read everything. A professional does not see the items
 * of patients who blocked them, as they cannot open those patients' pathways either. Analysts never.
 */
@ApiTags('worklist')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/worklist')
export class WorklistController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly accessLog: AccessLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'What is due or overdue, by priority or oldest first (indicators.md §Worklist)' })
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description:
      'With names=true: why the names are read (default "liste-de-travail"); kept in the access log',
  })
  @ApiOkResponse({
    description:
      '`{ items: [{ kind, dueAt, overdue, streamId, pathwayId?, patientId?, patient?: { id, sex, birthYear, erased, identity?: { familyName, givenName } }, summary, openedBy }], count, total, offset, at }`',
  })
  async list(
    @Param('cptsId') cptsId: string,
    @Query() query: WorklistQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-purpose') purposeHeader: string | undefined,
    @Req() request: Request & { id?: unknown },
  ) {
    const member = restrictedMember(principal);
    const names = query.names === 'true';
    const purpose = names ? parsePurpose(purposeHeader, 'liste-de-travail') : undefined;
    const page = readWorklist(
      this.readStore,
      cptsId,
      {
        ...(query.kind === undefined ? {} : { kinds: query.kind }),
        ...(query.overdue === undefined ? {} : { overdue: query.overdue === 'true' }),
        ...(query.pathwayId === undefined ? {} : { pathwayId: query.pathwayId }),
        ...(query.patientId === undefined ? {} : { patientId: query.patientId }),
        ...(query.pathwayKind === undefined ? {} : { pathwayKinds: query.pathwayKind }),
        sort: query.sort ?? 'priority',
        offset: query.offset ?? 0,
        limit: query.limit ?? WORKLIST_DEFAULT_LIMIT,
        ...(member === undefined ? {} : { hideBlockedFor: member }),
        ...(query.assigned === undefined ? {} : { assigned: this.assigned(query.assigned, principal) }),
      },
      new Date(),
    );
    const ids = [...new Set(page.items.flatMap((item) => (item.patientId ? [item.patientId] : [])))];
    const patients = worklistPatients(this.readStore, cptsId, ids);
    const identities = names
      ? await this.names(cptsId, ids, principal, purpose!, request)
      : new Map<string, PatientName>();
    return {
      ...page,
      items: page.items.map((item) => {
        const patient = item.patientId === undefined ? undefined : patients.get(item.patientId);
        if (!patient) return item;
        const name = identities.get(patient.id);
        return { ...item, patient: name ? { ...patient, identity: name } : patient };
      }),
    };
  }

  /** `me` is the caller: a professional by their member id, anyone else by their user id. */
  private assigned(value: string, principal: Principal): NonNullable<WorklistQuery['assigned']> {
    if (value === 'none') return 'none';
    if (value !== 'me') return { memberId: value };
    return principal.roles.includes('professional')
      ? { memberId: principal.sub }
      : { coordinatorId: principal.sub };
  }

  private send(meta: CommandMeta, itemId: string | null, command: AssignmentStreamCommand) {
    return this.commands.execute<AssignmentCommandMessage, CommandOutcome>(
      new AssignmentCommandMessage(meta, itemId, command),
    );
  }

  /**
   * Assigns an item to a member or a coordinator, or gives it back (`assignee: null`): `WorkItemAssigned`
   * on the item's own stream (`worklist-<cptsId>.<itemId>`, the id derived from the item), so that it is
   * audited, counted and corrected like any entry.
   */
  @Post('assignments')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'WorkItemAssigned; `id` is the item’s stream id',
  })
  assign(@Meta() meta: CommandMeta, @Body() body: AssignWorkItemDto): Promise<CommandOutcome> {
    const { kind, openedBy, assignee, assignedAt } = body;
    return this.send(meta, null, {
      type: 'AssignWorkItem',
      data: {
        kind,
        openedBy,
        assignee:
          assignee === null
            ? null
            : assignee.coordinatorId !== undefined
              ? { coordinatorId: assignee.coordinatorId }
              : { memberId: assignee.memberId! },
        assignedAt,
      },
    });
  }

  @Post('items/:itemId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryCorrected: an assignment decided again',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('itemId', UuidParam) itemId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, itemId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post('items/:itemId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryVoided: a later assignment undone (the item goes back to the one before)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('itemId', UuidParam) itemId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, itemId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }

  /**
   * The names of the page's patients, read once for the page: each patient whose identity is handed out
   * is written to the access log (one request id for the page) before the answer leaves.
   */
  private async names(
    cptsId: string,
    ids: string[],
    principal: Principal,
    purpose: string,
    request: Request & { id?: unknown },
  ): Promise<Map<string, PatientName>> {
    const role = IDENTITY_READERS.find((candidate) => principal.roles.includes(candidate));
    const found = new Map<string, PatientName>();
    if (role === undefined) return found;
    const requestId = typeof request.id === 'string' ? request.id : randomUUID();
    for (const id of ids) {
      const { state } = await load(this.store, `patient-${cptsId}.${id}`, patientEvolver);
      if (!state.exists || (role === 'professional' && state.blockedMemberIds.includes(principal.sub)))
        continue;
      const identity = readIdentity(this.vault, cptsId, id, state);
      if (identity === null) continue;
      const { familyName, givenName } = identity;
      this.accessLog.record({ cptsId, patientId: id, actorId: principal.sub, role, purpose, requestId });
      found.set(id, { familyName, givenName });
    }
    return found;
  }
}
