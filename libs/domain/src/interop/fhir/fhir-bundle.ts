import { verifyJsonBody } from '@parcours/platform';
import {
  FINESS_SYSTEM,
  IDENTITY_STATUS_SYSTEM,
  INS_SYSTEM_URIS,
  insProblem,
  RPPS_SYSTEM,
} from '../shared/french-identifiers';
import { ImportInputError, type ImportIssue } from '../shared/import-errors';
import { CODES, DISCHARGE_DISPOSITION, DISCHARGE_DISPOSITIONS } from './fhir-codes';
import { fhirSchema } from './fhir-schema';
import { R4_RESOURCE_TYPES } from './r4-resource-types';

/** FHIR JSON as read: objects, arrays, strings… checked by the schema before anything reads them. */
export type Json = Record<string, unknown>;
export type FhirResource = Json & { resourceType: string; id?: string };

export const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/** One entry of the bundle: its resource, and where it is (`Bundle.entry[2].resource`). */
export interface FhirEntry {
  index: number;
  at: string;
  fullUrl?: string;
  resource: FhirResource;
}

/** What a reference points to: an entry of the bundle, a resource contained in one, or only an identifier. */
export type Resolved =
  | { kind: 'entry'; entry: FhirEntry; resource: FhirResource; at: string }
  | { kind: 'identifier'; identifier: { system?: string; value?: string }; display?: string };

/** The resource types Parcours reads; any other FHIR R4 type is accepted and left aside. */
export const READ_TYPES = new Set([
  'Patient',
  'Encounter',
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'ServiceRequest',
  'Task',
  'CarePlan',
]);

/** The largest bundle read (a discharge or a referral is a few kilobytes; an export, a few hundred). */
export const FHIR_MAX_BYTES = 4 * 1024 * 1024;

const RNIV_STATUSES = ['PROV', 'RECUP', 'VALI', 'QUAL'];

/**
 * A FHIR R4 Bundle as Parcours imports it: parsed, validated against the official schema (the bundle,
 * then each resource against its own type), the identifiers and codes Parcours relies on checked (INS
 * with its key, RPPS, FINESS, the discharge dispositions of R4, Parcours's own code systems), and every
 * reference of the resources Parcours reads resolved within the bundle. Any problem is a 400 naming each
 * one (`ImportInputError`); nothing reads the content before all of this holds.
 */
export class FhirBundle {
  private constructor(
    readonly bundle: Json,
    readonly entries: FhirEntry[],
  ) {}

  /** From bytes: JSON of at most `FHIR_MAX_BYTES`, nesting at most 64 deep, then `of`. */
  static parse(bytes: Buffer): FhirBundle {
    if (bytes.length > FHIR_MAX_BYTES) {
      throw new ImportInputError([{ at: 'Bundle', message: `larger than ${FHIR_MAX_BYTES} bytes` }]);
    }
    let body: unknown;
    try {
      verifyJsonBody(bytes);
      body = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      const type = (error as { type?: string }).type;
      const message =
        type === 'entity.too.deep'
          ? 'nests deeper than 64 levels'
          : type === 'entity.invalid.utf8'
            ? 'is not valid UTF-8'
            : `is not JSON (${(error as Error).message})`;
      throw new ImportInputError([{ at: 'Bundle', message }]);
    }
    return FhirBundle.of(body);
  }

  static of(body: unknown): FhirBundle {
    const bundle = obj(body);
    if (!bundle || bundle.resourceType !== 'Bundle') {
      const type = str(bundle?.resourceType);
      throw new ImportInputError([
        { at: type ?? 'body', message: `a Bundle is expected${type ? `, not a ${type}` : ''}` },
      ]);
    }
    const schema = fhirSchema();
    const issues: ImportIssue[] = schema.check('Parcours_Bundle', bundle, 'Bundle');
    const entries: FhirEntry[] = [];
    for (const [index, raw] of arr(bundle.entry).entries()) {
      const at = `Bundle.entry[${index}].resource`;
      const resource = obj(obj(raw)?.resource);
      if (!resource) continue; // an entry without a resource (a deletion) is the schema's concern
      const type = str(resource.resourceType);
      if (type === undefined || !R4_RESOURCE_TYPES.has(type)) {
        issues.push({
          at: `${at}.resourceType`,
          message: `${JSON.stringify(type)} is not a FHIR R4 resource type`,
        });
        continue;
      }
      issues.push(...schema.check(type, resource, at));
      const fullUrl = str(obj(raw)?.fullUrl);
      entries.push({
        index,
        at,
        ...(fullUrl === undefined ? {} : { fullUrl }),
        resource: resource as FhirResource,
      });
    }
    const read = new FhirBundle(bundle, entries);
    if (issues.length === 0) {
      for (const entry of entries) {
        if (!READ_TYPES.has(entry.resource.resourceType)) continue;
        issues.push(...codeIssues(entry.resource, entry.at));
        issues.push(...read.referenceIssues(entry));
      }
      const urls = new Map<string, number>();
      for (const entry of entries) {
        if (entry.fullUrl === undefined) continue;
        const first = urls.get(entry.fullUrl);
        if (first !== undefined) {
          issues.push({
            at: `Bundle.entry[${entry.index}].fullUrl`,
            message: `the same as Bundle.entry[${first}]`,
          });
        } else urls.set(entry.fullUrl, entry.index);
      }
    }
    if (issues.length > 0) throw new ImportInputError(issues);
    return read;
  }

  get timestamp(): string | undefined {
    return str(this.bundle.timestamp);
  }

  ofType(type: string): FhirEntry[] {
    return this.entries.filter((entry) => entry.resource.resourceType === type);
  }

  /** What a Reference points to, from `from`'s point of view; undefined for none. */
  resolve(reference: unknown, from: FhirEntry): Resolved | undefined {
    const ref = obj(reference);
    if (!ref) return undefined;
    const target = str(ref.reference);
    if (target === undefined) {
      const identifier = obj(ref.identifier);
      return identifier
        ? {
            kind: 'identifier',
            identifier: { system: str(identifier.system), value: str(identifier.value) },
            display: str(ref.display),
          }
        : undefined;
    }
    if (target.startsWith('#')) {
      const contained = arr(from.resource.contained)
        .map(obj)
        .find((resource) => resource?.id === target.slice(1));
      return contained
        ? {
            kind: 'entry',
            entry: from,
            resource: contained as FhirResource,
            at: `${from.at}.contained(${target})`,
          }
        : undefined;
    }
    const entry = this.findEntry(target);
    if (entry) return { kind: 'entry', entry, resource: entry.resource, at: entry.at };
    const identifier = obj(ref.identifier);
    return identifier
      ? { kind: 'identifier', identifier: { system: str(identifier.system), value: str(identifier.value) } }
      : undefined;
  }

  private findEntry(reference: string): FhirEntry | undefined {
    const exact = this.entries.find((entry) => entry.fullUrl === reference);
    if (exact) return exact;
    const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
    if (!match) return undefined;
    const [, type, id] = match;
    return this.entries.find(
      (entry) =>
        (entry.resource.resourceType === type && entry.resource.id === id) ||
        entry.fullUrl?.endsWith(`/${type}/${id}`) === true,
    );
  }

  /**
   * Every reference Parcours follows must point to something: an entry of the bundle (or a resource it
   * contains), or an identifier. References Parcours does not follow (a managing organisation, an
   * endpoint) may point outside the bundle.
   */
  private referenceIssues(entry: FhirEntry): ImportIssue[] {
    const issues: ImportIssue[] = [];
    for (const element of FOLLOWED[entry.resource.resourceType] ?? []) {
      for (const [path, value] of elements(entry.resource, element.split('.'), entry.at)) {
        const reference = obj(value);
        if (typeof reference?.reference !== 'string') continue;
        if (this.resolve(reference, entry) === undefined) {
          issues.push({
            at: `${path}.reference`,
            message: `${JSON.stringify(reference.reference)} refers to nothing in the bundle`,
          });
        }
      }
    }
    return issues;
  }
}

/** The references Parcours follows, per resource type (`docs/fhir.md`). */
const FOLLOWED: Record<string, string[]> = {
  Patient: ['generalPractitioner'],
  Encounter: ['subject', 'serviceProvider', 'participant.individual'],
  ServiceRequest: ['subject', 'requester', 'performer', 'basedOn'],
  Task: ['focus', 'for', 'owner'],
  CarePlan: ['subject'],
  PractitionerRole: ['practitioner', 'organization'],
};

/** The values at a dotted element path, through arrays, each with its location. */
function elements(value: unknown, path: string[], at: string): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => elements(item, path, `${at}[${index}]`));
  if (path.length === 0) return value === undefined ? [] : [[at, value]];
  const [head, ...rest] = path;
  const object = obj(value);
  return object && object[head] !== undefined ? elements(object[head], rest, `${at}.${head}`) : [];
}

/** Calls `visit` on every object of `value`, with its FHIRPath-like location. */
function walk(value: unknown, path: string, visit: (value: Json, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}[${index}]`, visit));
    return;
  }
  const object = obj(value);
  if (!object) return;
  visit(object, path);
  for (const [key, child] of Object.entries(object)) {
    if (key === 'contained' || typeof child !== 'object') continue;
    walk(child, `${path}.${key}`, visit);
  }
  for (const [index, contained] of arr(object.contained).entries())
    walk(contained, `${path}.contained[${index}]`, visit);
}

/** The identifiers and codes Parcours relies on, beyond what the schema checks. */
function codeIssues(resource: FhirResource, at: string): ImportIssue[] {
  const issues: ImportIssue[] = [];
  walk(resource, at, (value, path) => {
    const system = str(value.system);
    if (system === undefined) return;
    const identifier = str(value.value);
    const code = str(value.code);
    if (identifier !== undefined) {
      if (INS_SYSTEM_URIS.includes(system)) {
        const problem = insProblem(identifier);
        if (problem) issues.push({ at: `${path}.value`, message: problem.en });
      } else if (system === RPPS_SYSTEM && !/^\d{11}$/.test(identifier)) {
        issues.push({ at: `${path}.value`, message: 'an RPPS number has 11 digits' });
      } else if (system === FINESS_SYSTEM && !/^(?:\d{2}|2[AB])\d{7}$/.test(identifier)) {
        issues.push({ at: `${path}.value`, message: 'a FINESS number has 9 characters' });
      }
    }
    if (code !== undefined) {
      const allowed =
        CODES[system] ??
        (system === DISCHARGE_DISPOSITION
          ? DISCHARGE_DISPOSITIONS
          : system === IDENTITY_STATUS_SYSTEM
            ? RNIV_STATUSES
            : undefined);
      if (allowed && !allowed.includes(code)) {
        issues.push({ at: `${path}.code`, message: `${JSON.stringify(code)} is not a code of ${system}` });
      }
    }
  });
  return issues;
}
