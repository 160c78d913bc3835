import { BadRequestException, Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';

import { problem } from '@parcours/platform';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateBy } from 'class-validator';
import { UuidParam } from '../shared/http/params';
import { streamId } from '../shared/ids';
import { parisClock, parisDate } from '../shared/paris-time';
import { patientNotFound } from './patients.handler';
import { type AccessLogEntry, PatientAccessLog } from './access-log';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 5000;

function realDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function IsDateOrTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateOrTimestamp',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        (DATE.test(value) || TIMESTAMP.test(value)) &&
        realDate(value) &&
        !Number.isNaN(Date.parse(value)),
      defaultMessage: (args) =>
        `${args?.property} must be a date YYYY-MM-DD or a timestamp with an offset (2026-03-06T17:30:00+01:00)`,
    },
  });
}

export class AccessLogQueryDto {
  @ApiPropertyOptional({ description: 'Inclusive: a date (from its start, Paris time) or a timestamp' })
  @IsOptional()
  @IsDateOrTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'Inclusive: a date (to its end, Paris time) or a timestamp' })
  @IsOptional()
  @IsDateOrTimestamp()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: '$property must be a UUID' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  patientId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Accepted for symmetry with other reads; the log is always current' })
  @IsOptional()
  @Matches(/^\d{1,40}$/)
  consistentWith?: string;
}

/** The instant a Paris calendar day starts, ISO 8601 UTC. */
export function parisDayStart(date: string): string {
  for (const offset of ['+02:00', '+01:00']) {
    const at = Date.parse(`${date}T00:00:00${offset}`);
    if (parisDate(at) === date && parisDate(at - 1) !== date) return new Date(at).toISOString();
  }
  return new Date(Date.parse(`${date}T00:00:00+01:00`)).toISOString();
}

function nextDay(date: string): string {
  return new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);
}

/** `[from, to)` in ISO 8601 UTC: a date covers its whole Paris day; a timestamp is taken as is. */
export function accessLogWindow(from?: string, to?: string): { from?: string; to?: string } {
  const start =
    from === undefined ? undefined : DATE.test(from) ? parisDayStart(from) : new Date(from).toISOString();
  const end =
    to === undefined
      ? undefined
      : DATE.test(to)
        ? parisDayStart(nextDay(to))
        : new Date(Date.parse(to) + 1).toISOString();
  return { from: start, to: end };
}

/** Who read which patient's identity (`api.md`, `GET …/audit/access-log`): auditors only. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/audit/access-log')
export class AccessLogController {
  constructor(private readonly accessLog: PatientAccessLog) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description: 'Entries newest first: id, at, cptsId, patientId, actorId, role, purpose, requestId',
  })
  list(
    @Param('cptsId') cptsId: string,
    @Query() query: AccessLogQueryDto,
  ): { entries: AccessLogEntry[]; truncated: boolean } {
    const window = accessLogWindow(query.from, query.to);
    if (window.from !== undefined && window.to !== undefined && window.from >= window.to) {
      const message = 'to must not be before from';
      throw new BadRequestException(
        problem(400, 'invalid-input', message, { errors: [{ path: 'to', message }] }),
      );
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const entries = this.accessLog.list({ cptsId, ...window, patientId: query.patientId, limit: limit + 1 });
    return { entries: entries.slice(0, limit), truncated: entries.length > limit };
  }
}

/** `06/03/2026 14:30`, Paris time, as a French spreadsheet shows a moment. */
function frenchDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return `${parisDate(ms).split('-').reverse().join('/')} ${parisClock(ms)}`;
}

export class PatientAccessReportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/**
 * "Who read my record" (GDPR art. 15, right of access): every read of one patient's identity, oldest
 * first, for the coordinator to hand to the patient — as JSON, or as a CSV that French spreadsheet
 * software opens as is (`;`, UTF-8 with a byte-order mark, Paris times).
 */
@ApiTags('patients')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/patients/:patientId/access-log')
export class PatientAccessReportController {
  constructor(
    private readonly accessLog: PatientAccessLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOkResponse({
    description: 'Every read of the patient’s identity: at, actorId, role, purpose, requestId',
  })
  async report(
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
    return stringify(
      entries.map((entry) => [
        frenchDateTime(entry.at),
        entry.actorId,
        entry.role,
        entry.purpose,
        entry.requestId,
      ]),
      {
        bom: true,
        delimiter: ';',
        header: true,
        columns: ['Date et heure (Paris)', 'Lecteur', 'Rôle', 'Motif', 'Requête'],
      },
    );
  }
}
