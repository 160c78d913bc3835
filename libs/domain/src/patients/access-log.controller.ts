import { BadRequestException, Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';

import { problem } from '@parcours/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateBy } from 'class-validator';
import { parisDate } from '../shared/time';
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
