import { ApiPropertyOptional } from '@nestjs/swagger';
import { invalidInput } from '@parcours/platform';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateBy } from 'class-validator';
import { stringify } from 'csv-stringify/sync';
import { parisClock, parisDate, parisDayStart } from '../shared/paris-time';
import type { AccessLogEntry } from './access-log.port';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
export const ACCESS_LOG_DEFAULT_LIMIT = 500;
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

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: ACCESS_LOG_DEFAULT_LIMIT })
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

function nextDay(date: string): string {
  return new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);
}

/** `[from, to)` in ISO 8601 UTC: a date covers its whole Paris day; a timestamp is taken as is. */
export function accessLogWindow(from?: string, to?: string): { from?: string; to?: string } {
  const dayStart = (date: string) => new Date(parisDayStart(date)).toISOString();
  const start =
    from === undefined ? undefined : DATE.test(from) ? dayStart(from) : new Date(from).toISOString();
  const end =
    to === undefined
      ? undefined
      : DATE.test(to)
        ? dayStart(nextDay(to))
        : new Date(Date.parse(to) + 1).toISOString();
  return { from: start, to: end };
}

/** The window of a query, or the 400 naming `to` when it ends before it starts. */
export function checkedAccessLogWindow(from?: string, to?: string): { from?: string; to?: string } {
  const window = accessLogWindow(from, to);
  if (window.from !== undefined && window.to !== undefined && window.from >= window.to) {
    throw invalidInput('to', { fr: 'to ne doit pas précéder from', en: 'to must not be before from' });
  }
  return window;
}

export class PatientAccessReportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** `06/03/2026 14:30`, Paris time, as a French spreadsheet shows a moment. */
function frenchDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return `${parisDate(ms).split('-').reverse().join('/')} ${parisClock(ms)}`;
}

/** The patient's access report as a CSV French spreadsheet software opens as is (`;`, BOM, Paris times). */
export function accessReportCsv(entries: AccessLogEntry[]): string {
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
