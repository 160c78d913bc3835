import { Controller, Get, Header, Headers, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { invalidInput } from '@parcours/platform';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { AccessLog } from '../../patients/access-log.port';
import { parsePurpose } from '../../patients/patients.controller';
import { NotFoundError, PatientAccessBlockedError } from '../../shared/errors';
import { CareAccess } from '../../patients/care-access';
import { UuidParam } from '../../shared/http/params';
import { importContext, rawBody } from '../shared/http';
import { FhirBundle, FHIR_MAX_BYTES, type Json } from './fhir-bundle';
import { FHIR_BASE } from './fhir-codes';
import { FhirExport } from './fhir-export';
import { FhirImport, type FhirImportResult } from './fhir-import';
import { FHIR_CONTENT_TYPE, OperationOutcomeFilter } from './operation-outcome';

/** Roles that may read an identity, in the order a principal holding several reads as (as `GET …/patients/{id}`). */
const IDENTITY_READERS = ['coordinator', 'auditor', 'professional'] as const;

/** What an import did, as an OperationOutcome of information issues: each record, each resource left aside. */
function importOutcome(result: FhirImportResult): Json {
  return {
    resourceType: 'OperationOutcome',
    ...(result.position === undefined
      ? {}
      : {
          extension: [{ url: `${FHIR_BASE}/StructureDefinition/log-position`, valueString: result.position }],
        }),
    issue: [
      ...result.records.map((record) => ({
        severity: 'information',
        code: 'informational',
        details: {
          coding: [{ system: `${FHIR_BASE}/CodeSystem/event-type`, code: record.event }],
          text: record.streamId,
        },
        diagnostics: `${record.event} ${record.streamId}${record.replayed ? ' (recorded before: nothing appended)' : ''}`,
        expression: [record.at],
      })),
      ...result.ignored.map((ignored) => ({
        severity: 'information',
        code: 'informational',
        diagnostics: `${ignored.resourceType}: not read by Parcours`,
        expression: [ignored.at],
      })),
      ...(result.records.length + result.ignored.length === 0
        ? [{ severity: 'information', code: 'informational', diagnostics: 'nothing new' }]
        : []),
    ],
  };
}

/**
 * FHIR R4 in and out: `POST …/fhir` imports a Bundle (coordinators), `GET …/pathways/{id}/fhir` exports a
 * pathway (coordinators, professionals, auditors). `application/fhir+json` both ways; every error is an
 * OperationOutcome.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@UseFilters(OperationOutcomeFilter)
@Controller('api/v1/cpts/:cptsId')
export class FhirController {
  constructor(
    private readonly importer: FhirImport,
    private readonly exporter: FhirExport,
    private readonly accessLog: AccessLog,
    private readonly access: CareAccess,
  ) {}

  @Post('fhir')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  @ApiOperation({
    summary:
      'Import a FHIR R4 Bundle: a hospital discharge (Encounter), a referral (ServiceRequest, Task) or a pathway (CarePlan); all or nothing, re-sending it appends nothing',
  })
  @ApiConsumes('application/fhir+json')
  @ApiBody({ description: 'A FHIR R4 Bundle (docs/fhir.md)', schema: { type: 'object' } })
  @ApiProduces('application/fhir+json')
  @ApiOkResponse({
    description:
      '201 (something recorded) or 200 (all there already): an OperationOutcome listing what was recorded; 400 (invalid FHIR) or 422 (a rule of Parcours) an OperationOutcome naming each problem',
  })
  async import(
    @Param('cptsId') cptsId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Json> {
    // Read here, not by the API's JSON parser: its problems are answered as an OperationOutcome too.
    const bundle = FhirBundle.parse(await rawBody(request, FHIR_MAX_BYTES));
    const result = await this.importer.import(importContext(request, principal, cptsId, 'fhir'), bundle);
    response.status(result.replayed ? 200 : 201);
    return importOutcome(result);
  }

  @Get('pathways/:pathwayId/fhir')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The pathway as a FHIR R4 Bundle (CarePlan, CareTeam, Patient, Encounter, ServiceRequest, Task, Provenance), from the event store',
  })
  @ApiProduces('application/fhir+json')
  @ApiQuery({
    name: 'identity',
    required: false,
    enum: ['true', 'false'],
    description: 'false: the Patient without its identity (no name, birth year only, no INS); default true',
  })
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description: 'Why the identity is read (kebab-case, default "export-fhir"); kept in the access log',
  })
  @ApiOkResponse({ description: 'A Bundle (collection) that validates against the FHIR R4 schema' })
  async export(
    @Param('cptsId') cptsId: string,
    @Param('pathwayId', UuidParam) pathwayId: string,
    @CurrentPrincipal() principal: Principal,
    @Query('identity') identityParam: string | undefined,
    @Headers('x-purpose') purposeHeader: string | undefined,
    @Req() request: Request & { id?: unknown },
  ): Promise<Json> {
    if (identityParam !== undefined && identityParam !== 'true' && identityParam !== 'false') {
      throw invalidInput('identity', {
        fr: 'identity doit valoir true ou false',
        en: 'identity must be true or false',
      });
    }
    const purpose = purposeHeader === undefined ? 'export-fhir' : parsePurpose(purposeHeader);
    const role = IDENTITY_READERS.find((r) => principal.roles.includes(r));
    const { patientId, patient } = await this.exporter.patientOf(cptsId, pathwayId);
    if (role === 'professional' && patient.blockedMemberIds.includes(principal.sub)) {
      throw new PatientAccessBlockedError();
    }
    if (!this.access.pathway(principal, cptsId, pathwayId, patientId)) {
      throw new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });
    }
    const result = await this.exporter.export(cptsId, pathwayId, {
      identity: role !== undefined && identityParam !== 'false',
    });
    if (result.identity && role !== undefined) {
      // Written before the identity is sent; if it cannot be written, nothing is sent.
      this.accessLog.record({
        cptsId,
        patientId,
        actorId: principal.sub,
        role,
        purpose,
        requestId: typeof request.id === 'string' ? request.id : randomUUID(),
      });
    }
    return result.bundle;
  }
}
