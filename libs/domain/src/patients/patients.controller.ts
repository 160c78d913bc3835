import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Headers,
  Inject,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { problem } from '@parcours/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { type CommandMeta, type CommandOutcome, load } from '../shared/command-runner';
import type { Language, ProblemShape } from '../shared/errors';
import { Meta } from '../shared/http/command-meta.decorator';
import { CommandResponseDto, UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { PatientAccessLog } from './access-log';
import { patientEvolver } from './patient.decider';
import { readIdentity } from './patient-facts';
import {
  AssignMedecinTraitant,
  BlockProfessional,
  DesignatePharmacienCorrespondant,
  ErasePatientIdentity,
  patientNotFound,
  RecordConsent,
  RegisterMedecinTraitantSearch,
  RegisterPatientCommand,
  UnblockProfessional,
} from './patients.commands';
import {
  AssignMedecinTraitantDto,
  ConsentDto,
  ErasureDto,
  MedecinTraitantSearchDto,
  MemberOnDto,
  RegisterPatientDto,
} from './patients.dto';

/** Roles that may read identities (`quality.md`), in the order a principal holding several reads as. */
const IDENTITY_READERS = ['coordinator', 'auditor', 'professional'] as const;

/** `X-Purpose`: a short kebab-case reason (`consultation`, `coordination-sortie`…), never free text. */
const PURPOSE_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const DEFAULT_PURPOSE = 'consultation';

export function parsePurpose(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return DEFAULT_PURPOSE;
  const purpose = value.trim().toLowerCase();
  if (!PURPOSE_PATTERN.test(purpose)) {
    const message = 'X-Purpose must be 1 to 64 characters of a-z, 0-9 and -, e.g. consultation';
    throw new BadRequestException(
      problem(400, 'invalid-header', message, { errors: [{ path: 'X-Purpose', message }] }),
    );
  }
  return purpose;
}

/** A professional this patient blocked asks for the patient's record. */
export class PatientAccessBlockedError extends Error {
  constructor() {
    super('this patient has blocked this professional');
    this.name = 'PatientAccessBlockedError';
  }

  toProblem(language: Language): ProblemShape {
    return {
      type: 'https://parcours.example/problems/patient-blocked-professional',
      title: 'Forbidden',
      status: 403,
      detail:
        language === 'fr'
          ? 'Ce patient a refusé que vous accédiez à son dossier.'
          : 'This patient has refused you access to their record.',
    };
  }
}

@ApiTags('patients')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/patients')
export class PatientsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly accessLog: PatientAccessLog,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PatientRegistered (identity sealed)' })
  register(@Meta() meta: CommandMeta, @Body() body: RegisterPatientDto): Promise<CommandOutcome> {
    return this.commands.execute(
      new RegisterPatientCommand(meta, { ...body, identity: { ...body.identity } }),
    );
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
    const { exists: _exists, sealedIdentity: _sealed, ...patient } = state;
    return { id: patientId, revision, ...patient, identity };
  }

  @Post(':patientId/medecin-traitant-search')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedecinTraitantSearchRegistered' })
  search(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MedecinTraitantSearchDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RegisterMedecinTraitantSearch(meta, patientId, { ...body }));
  }

  @Post(':patientId/medecin-traitant')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'MedecinTraitantAssigned' })
  assign(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: AssignMedecinTraitantDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new AssignMedecinTraitant(meta, patientId, { ...body }));
  }

  @Post(':patientId/consents')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ConsentRecorded' })
  consent(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: ConsentDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new RecordConsent(meta, patientId, { ...body }));
  }

  @Post(':patientId/blocks')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProfessionalAccessBlocked' })
  block(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new BlockProfessional(meta, patientId, { ...body }));
  }

  @Post(':patientId/unblocks')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'ProfessionalAccessUnblocked' })
  unblock(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new UnblockProfessional(meta, patientId, { ...body }));
  }

  @Post(':patientId/pharmacien-correspondant')
  @ApiCreatedResponse({ type: CommandResponseDto, description: 'PharmacienCorrespondantDesignated' })
  pharmacien(
    @Meta() meta: CommandMeta,
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: MemberOnDto,
  ): Promise<CommandOutcome> {
    return this.commands.execute(new DesignatePharmacienCorrespondant(meta, patientId, { ...body }));
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
    return this.commands.execute(new ErasePatientIdentity(meta, patientId, { ...body }));
  }
}
