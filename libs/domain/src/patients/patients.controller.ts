import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { BlindIndex, IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { invalidInput } from '@parcours/platform';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import { PatientAccessBlockedError } from '../shared/errors';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { restrictedMember } from '../shared/http/readers';
import { ConsistentReadQueryDto } from '../shared/http/read-queries.dto';
import { AccessLog, type AccessLogEntry } from './access-log.port';
import { accessReportCsv, PatientAccessReportQueryDto } from './access-log.dto';
import { PatientListQueryDto } from './patient-summary/patient-summary.dto';
import { PatientSummaryQueries } from './patient-summary/patient-summary.queries';
import { inCareCircle, patientEvolver, type RegisteredPatient } from './patient.decider';
import { readIdentity } from './patient-facts';
import { CorrectionDto, VoidDto } from '../shared/http/corrections';
import type { PatientStreamCommand } from './patient.commands';
import { PatientCommandMessage, patientNotFound } from './patients.handler';
import { BREAK_GLASS_DURATION_MS, BREAK_GLASS_PREFIX, CareAccess } from './care-access';
import { CareTeamQueries } from './care-team/care-team.queries';
import { COORDINATORS, NotificationOutbox } from '../notifications/outbox';
import {
  AssignMedecinTraitantDto,
  BreakGlassDto,
  BreakGlassReportQueryDto,
  CareTeamMemberDto,
  CareTeamRemovalDto,
  ConsentDto,
  ErasureDto,
  IdentityCorrectionDto,
  MedecinTraitantSearchClosureDto,
  MedecinTraitantSearchDto,
  MemberOnDto,
  PatientIdentityDto,
  PatientSearchDto,
  PatientStatusDto,
  RegisterPatientDto,
} from './patients.dto';
import type { PatientIdentity } from './patient.events';

/** The identity of a request body as a plain object, the INS only when given. */
const identityOf = ({ familyName, givenName, birthDate, ins }: PatientIdentityDto): PatientIdentity => ({
  familyName,
  givenName,
  birthDate,
  ...(ins === undefined ? {} : { ins }),
});

/** Roles that may read identities (`quality.md`), in the order a principal holding several reads as. */
const IDENTITY_READERS = ['coordinator', 'auditor', 'professional'] as const;

/** `X-Purpose`: a short kebab-case reason (`consultation`, `coordination-sortie`…), never free text. */
const PURPOSE_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const DEFAULT_PURPOSE = 'consultation';

/** At most this many patients answer one search: a search finds a person, it does not list the population. */
export const SEARCH_LIMIT = 20;

export function parsePurpose(value: string | undefined, fallback = DEFAULT_PURPOSE): string {
  if (value === undefined || value.trim() === '') return fallback;
  const purpose = value.trim().toLowerCase();
  if (!PURPOSE_PATTERN.test(purpose)) {
    throw invalidInput(
      'X-Purpose',
      {
        fr: 'X-Purpose doit compter 1 à 64 caractères parmi a-z, 0-9 et -, par exemple consultation',
        en: 'X-Purpose must be 1 to 64 characters of a-z, 0-9 and -, e.g. consultation',
      },
      'invalid-header',
    );
  }
  return purpose;
}

/**
 * The patient as `GET` shows it: its stream's state without the sealed identity nor the dated histories
 * the rules keep, but with the entries a correction targets (the open search, the status updates).
 */
function patientView(state: RegisteredPatient) {
  const consentDates: Partial<Record<string, string>> = {};
  for (const { scope, on } of Object.values(state.consentHistory)) {
    if ((consentDates[scope] ?? '') <= on) consentDates[scope] = on;
  }
  return {
    sex: state.sex,
    birthYear: state.birthYear,
    ...(state.commune === undefined ? {} : { commune: state.commune }),
    ald: state.ald,
    precarious: state.precarious,
    ...(Object.keys(state.statusUpdates).length === 0
      ? {}
      : {
          statusUpdates: Object.entries(state.statusUpdates).map(([eventId, update]) => ({
            eventId,
            ...update,
          })),
        }),
    hasMedecinTraitant: state.hasMedecinTraitant,
    ...(state.medecinTraitantMemberId === undefined
      ? {}
      : { medecinTraitantMemberId: state.medecinTraitantMemberId }),
    ...(state.medecinTraitantSearch === undefined
      ? {}
      : { medecinTraitantSearch: state.medecinTraitantSearch }),
    consents: state.consents,
    consentDates,
    blockedMemberIds: state.blockedMemberIds,
    ...(state.pharmacienCorrespondantMemberId === undefined
      ? {}
      : { pharmacienCorrespondantMemberId: state.pharmacienCorrespondantMemberId }),
    erased: state.erased,
    ...(state.erasedOn === undefined ? {} : { erasedOn: state.erasedOn }),
  };
}

@ApiTags('patients')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/patients')
export class PatientsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly accessLog: AccessLog,
    private readonly summaries: PatientSummaryQueries,
    @Inject(BlindIndex) private readonly index: BlindIndex,
    private readonly careTeams: CareTeamQueries,
    private readonly access: CareAccess,
    private readonly outbox: NotificationOutbox,
  ) {}

  private send(
    meta: CommandMeta,
    patientId: string | null,
    command: PatientStreamCommand,
    options: PatientCommandMessage['options'] = {},
  ) {
    return this.commands.execute<PatientCommandMessage, CommandOutcome>(
      new PatientCommandMessage(meta, patientId, command, options),
    );
  }

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PatientRegistered (identity sealed)' })
  register(@Meta() meta: CommandMeta, @Body() body: RegisterPatientDto): Promise<CommandOutcome> {
    const { sex, birthYear, commune, ald, precarious, hasMedecinTraitant } = body;
    return this.send(
      meta,
      null,
      {
        type: 'RegisterPatient',
        data: {
          identity: identityOf(body.identity),
          sex,
          birthYear,
          ...(commune === undefined ? {} : { commune }),
          ald,
          precarious,
          hasMedecinTraitant,
        },
      },
      body.notDuplicateOf === undefined ? {} : { notDuplicateOf: body.notDuplicateOf },
    );
  }

  /**
   * Finds patients by name, birth date or INS through the blind index (no clear identity is stored to
   * search in): every given criterion must match; names by whole words, without regard to accents, case
   * or hyphens. A POST so that what is searched stays out of URLs (logs, proxies, history). Each patient
   * answered comes with its identity, and each is first written to the access log with the purpose.
   */
  @Post('search')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description: 'Why the search is made (kebab-case, default "recherche-patient"); kept in the access log',
  })
  @ApiOkResponse({
    description: `\`{ items: [{ id, identity, sex, birthYear, erased }], truncated }\`: at most ${SEARCH_LIMIT}, by family name`,
  })
  @ApiForbiddenResponse({ description: 'Analysts' })
  async searchPatients(
    @Param('cptsId') cptsId: string,
    @Body() body: PatientSearchDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-purpose') purposeHeader: string | undefined,
    @Req() request: Request & { id?: unknown },
  ) {
    const purpose = parsePurpose(purposeHeader, 'recherche-patient');
    if (body.name === undefined && body.birthDate === undefined && body.ins === undefined) {
      throw invalidInput(
        'name',
        {
          fr: 'indiquez au moins l’un de name, birthDate, ins',
          en: 'give at least one of name, birthDate, ins',
        },
        'search-empty',
      );
    }
    const role = IDENTITY_READERS.find((r) => principal.roles.includes(r));
    if (role === undefined) throw new ForbiddenException(); // unreachable behind the policy, kept fail-closed
    const found: Array<{ id: string; state: RegisteredPatient; identity: PatientIdentity }> = [];
    for (const id of this.index.find(cptsId, body)) {
      const { state } = await load(this.store, streamId('patient', cptsId, id), patientEvolver);
      if (!state.exists) continue;
      if (role === 'professional' && state.blockedMemberIds.includes(principal.sub)) continue;
      // A professional finds only the patients they may read: their care circle, their pathways, an
      // emergency access — a search must not reveal who else the CPTS follows.
      if (!this.access.patient(principal, cptsId, id)) continue;
      const identity = readIdentity(this.vault, cptsId, id, state);
      if (identity !== null) found.push({ id, state, identity });
    }
    const collator = new Intl.Collator('fr', { sensitivity: 'base' });
    found.sort(
      (a, b) =>
        collator.compare(a.identity.familyName, b.identity.familyName) ||
        collator.compare(a.identity.givenName, b.identity.givenName) ||
        a.identity.birthDate.localeCompare(b.identity.birthDate),
    );
    const answered = found.slice(0, SEARCH_LIMIT);
    const requestId = typeof request.id === 'string' ? request.id : randomUUID();
    for (const { id } of answered) {
      this.accessLog.record({ cptsId, patientId: id, actorId: principal.sub, role, purpose, requestId });
    }
    return {
      items: answered.map(({ id, state, identity }) => ({
        id,
        identity,
        sex: state.sex,
        birthYear: state.birthYear,
        erased: state.erased,
      })),
      truncated: found.length > SEARCH_LIMIT,
    };
  }

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
    return this.summaries.list(cptsId, {
      limit: query.limit,
      after: query.after,
      ...(query.hasMedecinTraitant === undefined
        ? {}
        : { hasMedecinTraitant: query.hasMedecinTraitant === 'true' }),
      birthYear: query.birthYear,
    });
  }

  /**
   * Every emergency access of the CPTS, newest first: who, which patient (by id), when, why, until when.
   * For the coordinators to review each one.
   */
  @Get('break-glass')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: '`{ items: [{ id, at, until, patientId, actorId, purpose, active }] }`' })
  breakGlassReport(@Param('cptsId') cptsId: string, @Query() query: BreakGlassReportQueryDto) {
    const now = Date.now();
    const entries = this.accessLog.list({
      cptsId,
      purposePrefix: BREAK_GLASS_PREFIX,
      ...(query.from === undefined ? {} : { from: new Date(`${query.from}T00:00:00Z`).toISOString() }),
      limit: query.limit ?? 200,
    });
    return {
      items: entries.map((entry) => {
        const until = Date.parse(entry.at) + BREAK_GLASS_DURATION_MS;
        return {
          id: entry.id,
          at: entry.at,
          until: new Date(until).toISOString(),
          patientId: entry.patientId,
          actorId: entry.actorId,
          purpose: entry.purpose.slice(BREAK_GLASS_PREFIX.length),
          active: until > now,
        };
      }),
    };
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
    const found = this.summaries.patient(cptsId, patientId);
    if (!found) throw patientNotFound();
    const { state, revision } = found;
    const member = restrictedMember(principal);
    if (member !== undefined && state.blockedMemberIds.includes(member))
      throw new PatientAccessBlockedError();
    if (!this.access.patient(principal, cptsId, patientId)) throw patientNotFound();
    const mt = state.medecinTraitantMemberId;
    const pharmacien = state.pharmacienCorrespondantMemberId;
    const names = this.summaries.memberNames(
      cptsId,
      [mt, pharmacien].filter((id): id is string => !!id),
    );
    const named = (memberId: string) => ({ memberId, displayName: names.get(memberId) ?? null });
    // The latest decision per scope, with its date and the event a correction would target.
    const latest: Record<string, { decision: string; on: string; eventId: string }> = {};
    for (const [eventId, { scope, decision, on }] of Object.entries(state.consentHistory)) {
      if (latest[scope] === undefined || on >= latest[scope].on) latest[scope] = { decision, on, eventId };
    }
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
      consents: latest,
      blockedMemberIds: state.blockedMemberIds,
      ...(pharmacien === undefined ? {} : { pharmacienCorrespondant: named(pharmacien) }),
      erased: state.erased,
      ...(state.erasedOn === undefined ? {} : { erasedOn: state.erasedOn }),
      pathways: this.summaries.pathwaysOf(cptsId, patientId),
    };
  }

  /**
   * The care circle: the members in it today and why (added, médecin traitant, pharmacien correspondant),
   * the stays that ended, and who is involved in the patient's open pathways. Names of professionals, no
   * identity of the patient.
   */
  @Get(':patientId/care-team')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '`{ patientId, members: [{ memberId, displayName, basis, role, from, eventId }], past: [{ memberId, displayName, role, from, to, blocked, eventId }], involved: [{ memberId, displayName, pathwayId, reason, since }] }`',
  })
  @ApiForbiddenResponse({ description: 'Analysts, and professionals the patient blocked' })
  @ApiServiceUnavailableResponse({ description: 'The read model is being built' })
  careTeam(
    @Param('cptsId') cptsId: string,
    @Param('patientId', UuidParam) patientId: string,
    @Query() _query: ConsistentReadQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const found = this.summaries.patient(cptsId, patientId);
    if (!found) throw patientNotFound();
    const member = restrictedMember(principal);
    if (member !== undefined && found.state.blockedMemberIds.includes(member))
      throw new PatientAccessBlockedError();
    if (!this.access.patient(principal, cptsId, patientId)) throw patientNotFound();
    return this.careTeams.circle(cptsId, patientId);
  }

  /**
   * Emergency access ("bris de glace"): a professional outside the patient's care circle opens the record
   * for a few hours, for a purpose they must give. The coordinators are notified in their inbox, it is
   * written to the access log before anything opens, and they read every such access
   * (`GET …/patients/break-glass`).
   */
  @Post(':patientId/break-glass')
  @ApiCreatedResponse({
    description:
      '`{ patientId, purpose, at, until }`: the record is readable by this professional until then',
  })
  async breakGlass(
    @Param('cptsId') cptsId: string,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: BreakGlassDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request & { id?: unknown },
  ) {
    const { state } = await load(this.store, streamId('patient', cptsId, patientId), patientEvolver);
    if (!state.exists) throw patientNotFound();
    // The patient's own block is not overridden: the emergency goes through the coordinators or the SAMU.
    if (state.blockedMemberIds.includes(principal.sub)) throw new PatientAccessBlockedError();
    const requestId = typeof request.id === 'string' ? request.id : randomUUID();
    // The coordinators are told before the record opens: an emergency access never goes unreported (a
    // failure between the two leaves a report of an access that did not open, never the other way).
    await this.outbox.notify({
      cptsId,
      recipientId: COORDINATORS,
      kind: 'break-glass',
      sourceEventId: randomUUID(),
      sourceType: 'BreakGlass',
      correlationId: requestId,
      patientId,
    });
    const entry = this.accessLog.record({
      cptsId,
      patientId,
      actorId: principal.sub,
      role: 'professional',
      purpose: `${BREAK_GLASS_PREFIX}${body.purpose}`,
      requestId,
    });
    const until = new Date(Date.parse(entry.at) + BREAK_GLASS_DURATION_MS).toISOString();
    return { patientId, purpose: body.purpose, at: entry.at, until };
  }

  @Post(':patientId/care-team')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CareTeamMemberAdded' })
  addToCareTeam(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: CareTeamMemberDto,
  ): Promise<CommandOutcome> {
    const { memberId, role, from } = body;
    return this.send(meta, patientId, { type: 'AddCareTeamMember', data: { memberId, role, from } });
  }

  @Post(':patientId/care-team/removals')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'CareTeamMemberRemoved' })
  removeFromCareTeam(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: CareTeamRemovalDto,
  ): Promise<CommandOutcome> {
    const { memberId, to, reason } = body;
    return this.send(meta, patientId, { type: 'RemoveCareTeamMember', data: { memberId, to, reason } });
  }

  /**
   * "Who read my record" (GDPR art. 15, right of access): every read of one patient's identity, oldest
   * first, for the coordinator to hand to the patient — as JSON, or as a CSV that French spreadsheet
   * software opens as is (`;`, UTF-8 with a byte-order mark, Paris times).
   */
  @Get(':patientId/access-log')
  @ApiOkResponse({
    description: 'Every read of the patient’s identity: at, actorId, role, purpose, requestId',
  })
  async accessReport(
    @Param('cptsId') cptsId: string,
    @Param('patientId', UuidParam) patientId: string,
    @Query() query: PatientAccessReportQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ patientId: string; entries: AccessLogEntry[] } | string> {
    const [registered] = await this.store.readStream(streamId('patient', cptsId, patientId), { maxCount: 1 });
    if (registered === undefined) throw patientNotFound();
    const entries = this.accessLog.list({ cptsId, patientId, limit: Number.MAX_SAFE_INTEGER }).reverse();
    if (query.format !== 'csv') return { patientId, entries };
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="acces-dossier-${patientId}.csv"`);
    return accessReportCsv(entries);
  }

  /**
   * The patient as folded from its stream, with the identity for the roles that may read it. Every answer
   * carrying an identity is first written to the access log; if that write fails, nothing is answered.
   */
  @Get(':patientId')
  @Header('Cache-Control', 'no-store')
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description: 'Why the identity is read (kebab-case, default "consultation"); kept in the access log',
  })
  @ApiOkResponse({ description: 'The patient, its identity (null once erased) and revision' })
  @ApiForbiddenResponse({ description: 'Analysts, and professionals the patient blocked' })
  async get(
    @Param('cptsId') cptsId: string,
    @Param('patientId', UuidParam) patientId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-purpose') purposeHeader: string | undefined,
    @Req() request: Request & { id?: unknown },
  ) {
    const purpose = parsePurpose(purposeHeader);
    const { state, revision } = await load(
      this.store,
      streamId('patient', cptsId, patientId),
      patientEvolver,
    );
    if (!state.exists) throw patientNotFound();
    const role = IDENTITY_READERS.find((r) => principal.roles.includes(r));
    if (role === undefined) throw new ForbiddenException(); // unreachable behind @Roles, kept fail-closed
    if (role === 'professional' && state.blockedMemberIds.includes(principal.sub)) {
      throw new PatientAccessBlockedError();
    }
    if (!this.access.patient(principal, cptsId, patientId, inCareCircle(state, principal.sub))) {
      throw patientNotFound();
    }
    const identity = readIdentity(this.vault, cptsId, patientId, state);
    if (identity !== null) {
      this.accessLog.record({
        cptsId,
        patientId,
        actorId: principal.sub,
        role,
        purpose,
        requestId: typeof request.id === 'string' ? request.id : randomUUID(),
      });
    }
    return { id: patientId, revision, ...patientView(state), identity };
  }

  @Post(':patientId/medecin-traitant-search')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedecinTraitantSearchRegistered' })
  search(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MedecinTraitantSearchDto,
  ): Promise<CommandOutcome> {
    const { registeredOn, requestedBy, priority } = body;
    return this.send(meta, patientId, {
      type: 'RegisterMedecinTraitantSearch',
      data: { registeredOn, requestedBy, priority },
    });
  }

  @Post(':patientId/medecin-traitant')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedecinTraitantAssigned' })
  assign(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: AssignMedecinTraitantDto,
  ): Promise<CommandOutcome> {
    const { memberId, assignedOn } = body;
    return this.send(meta, patientId, { type: 'AssignMedecinTraitant', data: { memberId, assignedOn } });
  }

  @Post(':patientId/consents')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ConsentRecorded' })
  consent(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: ConsentDto,
  ): Promise<CommandOutcome> {
    const { scope, decision, on } = body;
    return this.send(meta, patientId, { type: 'RecordConsent', data: { scope, decision, on } });
  }

  @Post(':patientId/blocks')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProfessionalAccessBlocked' })
  block(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'BlockProfessional',
      data: { memberId: body.memberId, on: body.on },
    });
  }

  @Post(':patientId/unblocks')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProfessionalAccessUnblocked' })
  unblock(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'UnblockProfessional',
      data: { memberId: body.memberId, on: body.on },
    });
  }

  @Post(':patientId/pharmacien-correspondant')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PharmacienCorrespondantDesignated' })
  pharmacien(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'DesignatePharmacienCorrespondant',
      data: { memberId: body.memberId, on: body.on },
    });
  }

  @Post(':patientId/erasure')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'PatientIdentityErased; the patient’s key is then destroyed',
  })
  erase(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: ErasureDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'ErasePatientIdentity',
      data: { on: body.on, reason: body.reason },
    });
  }

  @Post(':patientId/medecin-traitant-search/closure')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'MedecinTraitantSearchClosed: the open search ends without an assignment',
  })
  closeSearch(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MedecinTraitantSearchClosureDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'CloseMedecinTraitantSearch',
      data: { closedOn: body.closedOn, reason: body.reason },
    });
  }

  @Post(':patientId/status')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'PatientStatusUpdated: an ALD recognised or ended, CSS/AME gained or lost, from effectiveOn',
  })
  status(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: PatientStatusDto,
  ): Promise<CommandOutcome> {
    const { effectiveOn, ald, precarious } = body;
    return this.send(meta, patientId, {
      type: 'UpdatePatientStatus',
      data: {
        effectiveOn,
        ...(ald === undefined ? {} : { ald }),
        ...(precarious === undefined ? {} : { precarious }),
      },
    });
  }

  @Post(':patientId/identity-correction')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description:
      'PatientIdentityCorrected: the identity replaced, sealed with the patient’s key like the original',
  })
  correctIdentity(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: IdentityCorrectionDto,
  ): Promise<CommandOutcome> {
    return this.send(meta, patientId, {
      type: 'CorrectPatientIdentity',
      data: { identity: identityOf(body.identity), reason: body.reason },
    });
  }

  @Post(':patientId/corrections')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description:
      'EntryCorrected: the médecin-traitant search, its assignment or closure, a consent, a status update, ' +
      'an addition to or a removal from the care circle, ' +
      'decided again as if it were new',
  })
  correct(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: CorrectionDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason, correction } = body;
    return this.send(meta, patientId, {
      type: 'CorrectEntry',
      data: { targetEventId, reason, correction: { ...correction } },
    });
  }

  @Post(':patientId/voidings')
  @ApiCreatedResponse({
    type: CommandResponseDto,
    description: 'EntryVoided (refused where a later entry relies on it)',
  })
  void(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: VoidDto,
  ): Promise<CommandOutcome> {
    const { targetEventId, reason } = body;
    return this.send(meta, patientId, { type: 'VoidEntry', data: { targetEventId, reason } });
  }
}
