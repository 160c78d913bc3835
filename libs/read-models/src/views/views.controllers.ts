import { Controller, ForbiddenException, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { NotFoundError, PatientAccessBlockedError, UuidParam } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { Response } from 'express';
import { pathwayAsOf } from './pathway-as-of';
import { presentPathwayView } from './pathway-view';
import {
  ConsistentReadQueryDto,
  MemberDirectoryQueryDto,
  PathwayListQueryDto,
  PathwayViewQueryDto,
  PatientListQueryDto,
} from './views.dto';
import { ViewsQueries } from './views.queries';

/** api.md, roles: who reads pathways, patients' summaries and the directory. */
/**
 * A principal who reads as a professional only: the patients who blocked them are out of their reach.
 * Coordinators and auditors read everything in their CPTS, whatever other role they also hold.
 */
function restrictedMember(principal: Principal): string | undefined {
  const privileged = principal.roles.includes('coordinator') || principal.roles.includes('auditor');
  return principal.roles.includes('professional') && !privileged ? principal.sub : undefined;
}

const pathwayNotFound = () =>
  new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });
const patientNotFound = () =>
  new NotFoundError({ fr: 'Ce patient n’existe pas.', en: 'This patient does not exist.' });

@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/pathways')
export class PathwayViewsController {
  constructor(
    private readonly queries: ViewsQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ items: [{ id, patientId, kind, status, openedAt, closedAt?, revision, pendingCount, nextDueAt? }], nextAfter }`, newest first',
  })
  @ApiServiceUnavailableResponse({ description: 'The read model is being built' })
  list(
    @Param('cptsId') cptsId: string,
    @Query() query: PathwayListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.queries.listPathways(cptsId, {
      status: query.status,
      kind: query.kind,
      patientId: query.patientId,
      limit: query.limit,
      after: query.after,
      hiddenFrom: restrictedMember(principal),
    });
  }

  /**
   * The pathway view: status, revision (also the `ETag`, for `If-Match`), pending steps with their due
   * dates (overdue against the server clock), and the timeline in business-time order. With `asOf`, the
   * pathway as known then, replayed from the event store (coordinators and auditors).
   */
  @Get(':pathwayId')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ id, patientId, kind, status, openedAt, closedAt?, revision, pending: [{ kind, dueAt, overdue, summary, … }], timeline: [{ eventId, type, at, recordedAt, actor, data, voided, corrected }] }`',
  })
  @ApiForbiddenResponse({
    description: 'Analysts; professionals the patient blocked; asOf for professionals',
  })
  async view(
    @Param('cptsId') cptsId: string,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @Query() query: PathwayViewQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    const now = new Date();
    if (query.asOf !== undefined) {
      if (!principal.roles.some((role) => role === 'coordinator' || role === 'auditor')) {
        throw new ForbiddenException('Only coordinators and auditors may replay a pathway as of a time');
      }
      const rcpStreams = this.queries.rcpStreamsOf(cptsId, pathwayId);
      const view = await pathwayAsOf(this.store, cptsId, pathwayId, Date.parse(query.asOf), rcpStreams);
      if (!view) throw pathwayNotFound();
      return presentPathwayView(view, now);
    }
    const view = this.queries.pathwayView(cptsId, pathwayId);
    if (!view) throw pathwayNotFound();
    const member = restrictedMember(principal);
    if (member !== undefined && this.queries.isBlocked(cptsId, view.patientId, member)) {
      throw new PatientAccessBlockedError();
    }
    response.setHeader('ETag', `"${view.revision}"`);
    return presentPathwayView(view, now);
  }
}

@ApiTags('patients')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/patients')
export class PatientSummaryController {
  constructor(private readonly queries: ViewsQueries) {}

  /**
   * The patients of the CPTS, pseudonymous: ids and what the summary shows, never a name nor a birth
   * date (so nothing here goes to the access log). Coordinators and auditors only: a professional reaches
   * a patient through a pathway, never by browsing the population.
   */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ items: [{ id, revision, sex, birthYear, ald, precarious, hasMedecinTraitant, medecinTraitant, medecinTraitantSearch, erased, pathwayCount, openPathwayCount }], nextAfter }`, by patient id',
  })
  @ApiForbiddenResponse({ description: 'Professionals and analysts' })
  @ApiServiceUnavailableResponse({ description: 'The read model is being built' })
  list(@Param('cptsId') cptsId: string, @Query() query: PatientListQueryDto) {
    return this.queries.listPatients(cptsId, {
      limit: query.limit,
      after: query.after,
      ...(query.hasMedecinTraitant === undefined
        ? {}
        : { hasMedecinTraitant: query.hasMedecinTraitant === 'true' }),
      birthYear: query.birthYear,
    });
  }

  /**
   * What the CPTS knows of a patient without their identity (names and birth date stay behind
   * `GET …/patients/{id}`, which logs every access): nothing here is personal data in clear.
   */
  @Get(':patientId/summary')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ id, revision, sex, birthYear, ald, precarious, statusUpdates, hasMedecinTraitant, medecinTraitant, medecinTraitantSearch?, consents, blockedMemberIds, pharmacienCorrespondant?, erased, erasedOn?, pathways }`',
  })
  @ApiForbiddenResponse({ description: 'Analysts, and professionals the patient blocked' })
  summary(
    @Param('cptsId') cptsId: string,
    @Param('patientId', UuidParam) patientId: string,
    @Query() _query: ConsistentReadQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const found = this.queries.patient(cptsId, patientId);
    if (!found) throw patientNotFound();
    const { state, revision } = found;
    const member = restrictedMember(principal);
    if (member !== undefined && state.blockedMemberIds.includes(member))
      throw new PatientAccessBlockedError();
    const mt = state.medecinTraitantMemberId;
    const pharmacien = state.pharmacienCorrespondantMemberId;
    const names = this.queries.memberNames(
      cptsId,
      [mt, pharmacien].filter((id): id is string => !!id),
    );
    const named = (memberId: string) => ({ memberId, displayName: names.get(memberId) ?? null });
    // The latest decision per scope, with its date and the event a correction would target.
    const latest: Record<string, { decision: string; on: string; eventId: string }> = {};
    for (const [eventId, { scope, decision, on }] of Object.entries(state.consentHistory)) {
      if (latest[scope] === undefined || on >= latest[scope].on) latest[scope] = { decision, on, eventId };
    }
    const consents = Object.fromEntries(Object.entries(latest));
    return {
      id: patientId,
      revision,
      sex: state.sex,
      birthYear: state.birthYear,
      ald: state.ald,
      precarious: state.precarious,
      statusUpdates: Object.entries(state.statusUpdates).map(([eventId, update]) => ({ eventId, ...update })),
      hasMedecinTraitant: state.hasMedecinTraitant,
      medecinTraitant: mt === undefined ? null : named(mt),
      ...(state.medecinTraitantSearch === undefined
        ? {}
        : { medecinTraitantSearch: state.medecinTraitantSearch }),
      consents,
      blockedMemberIds: state.blockedMemberIds,
      ...(pharmacien === undefined ? {} : { pharmacienCorrespondant: named(pharmacien) }),
      erased: state.erased,
      ...(state.erasedOn === undefined ? {} : { erasedOn: state.erasedOn }),
      pathways: this.queries.pathwaysOfPatient(cptsId, patientId),
    };
  }
}

@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/members')
export class MemberDirectoryController {
  constructor(private readonly queries: ViewsQueries) {}

  @Get()
  @ApiOkResponse({
    description:
      '`{ items: [{ id, displayName, profession, structure?, mode, joinedOn, leftOn?, sasParticipant, activity: { last12Months, lastAt? } }] }` by display name',
  })
  list(@Param('cptsId') cptsId: string, @Query() query: MemberDirectoryQueryDto) {
    const active = query.active === undefined ? undefined : query.active === 'true';
    return { items: this.queries.members(cptsId, { active, profession: query.profession }, new Date()) };
  }
}
