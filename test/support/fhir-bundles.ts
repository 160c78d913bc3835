/**
 * Hand-made French FHIR R4 bundles, as a hospital or a practice software would send them: INS (NIR with
 * its key, and the FR Core identity reliability), RPPS (idNatPs and the RPPS system), FINESS.
 */
import { insKey } from '@parcours/domain';

export const OID = {
  nir: 'urn:oid:1.2.250.1.213.1.4.8',
  nia: 'urn:oid:1.2.250.1.213.1.4.9',
  test: 'urn:oid:1.2.250.1.213.1.4.10',
  demo: 'urn:oid:1.2.250.1.213.1.4.11',
  idNatPs: 'urn:oid:1.2.250.1.71.4.2.1',
  idNatSt: 'urn:oid:1.2.250.1.71.4.2.2',
};

export const ins = (nir13: string) => `${nir13}${String(insKey(nir13)).padStart(2, '0')}`;

type Json = Record<string, any>;

export interface PatientSpec {
  ins?: string;
  insSystem?: string;
  qualified?: boolean;
  /** The hospital's own patient number (IPP). */
  ipp?: string;
  family?: string;
  given?: string;
  birthDate?: string;
  gender?: string;
  gpRpps?: string;
}

/** FR Core's identity reliability extension with an RNIV status. */
const reliability = (status: 'PROV' | 'QUAL') => ({
  url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability',
  extension: [
    {
      url: 'identityStatus',
      valueCoding: {
        system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status',
        code: status,
      },
    },
  ],
});

export function patient(spec: PatientSpec): Json {
  const identifier: Json[] = [];
  if (spec.ipp) identifier.push({ system: 'urn:oid:1.2.250.1.71.4.2.7.1.690000880', value: spec.ipp });
  if (spec.ins) identifier.push({ use: 'official', system: spec.insSystem ?? OID.nir, value: spec.ins });
  return {
    resourceType: 'Patient',
    id: 'patient',
    // The RNIV status: QUAL with an INS unless said otherwise, PROV for an identity not qualified.
    ...(spec.qualified === false || spec.ins
      ? { extension: [reliability(spec.qualified === false ? 'PROV' : 'QUAL')] }
      : {}),
    identifier,
    name: [{ use: 'official', family: spec.family ?? 'Martin-Lefèvre', given: [spec.given ?? 'Odette'] }],
    gender: spec.gender ?? 'female',
    birthDate: spec.birthDate ?? '1941-05-12',
    ...(spec.gpRpps ? { generalPractitioner: [{ reference: 'Practitioner/gp' }] } : {}),
  };
}

export function practitioner(id: string, rpps: string, family: string, viaIdNatPs = true): Json {
  return {
    resourceType: 'Practitioner',
    id,
    identifier: [
      viaIdNatPs
        ? { system: OID.idNatPs, value: `8${rpps}` }
        : { system: 'https://rpps.esante.gouv.fr', value: rpps },
    ],
    name: [{ family, prefix: ['Dr'] }],
  };
}

export function hospital(finess = '690000880', name = 'Hôpital de la Croix-Rousse'): Json {
  return {
    resourceType: 'Organization',
    id: 'hospital',
    identifier: [{ system: 'https://finess.esante.gouv.fr', value: finess }],
    name,
  };
}

export const bundle = (resources: Json[], extra: Json = {}): Json => ({
  resourceType: 'Bundle',
  type: 'collection',
  timestamp: '2026-03-05T11:00:00+01:00',
  ...extra,
  entry: resources.map((resource) => ({
    fullUrl: `http://hopital.example/fhir/${resource.resourceType as string}/${resource.id as string}`,
    resource,
  })),
});

export interface DischargeSpec {
  patient: PatientSpec;
  encounterId?: string;
  status?: string;
  start?: string;
  end?: string;
  gpRpps?: string;
  finess?: string;
}

/** A hospital's discharge: the stay (finished), the patient, the hospital, the patient's GP. */
export function dischargeBundle(spec: DischargeSpec): Json {
  const resources: Json[] = [
    {
      resourceType: 'Encounter',
      id: 'stay',
      identifier: [
        { system: 'urn:oid:1.2.250.1.71.4.2.7.2.690000880', value: spec.encounterId ?? 'SEJ-2026-0001' },
      ],
      status: spec.status ?? 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
      subject: { reference: 'Patient/patient' },
      period: {
        start: spec.start ?? '2026-02-27T08:00:00+01:00',
        end: spec.end ?? '2026-03-04T17:30:00+01:00',
      },
      hospitalization: {
        dischargeDisposition: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home' }],
        },
      },
      location: [{ location: { display: 'Cardiologie' } }],
      serviceProvider: { reference: 'Organization/hospital' },
    },
    patient({ ...spec.patient, ...(spec.gpRpps ? { gpRpps: spec.gpRpps } : {}) }),
    hospital(spec.finess),
  ];
  if (spec.gpRpps) resources.push(practitioner('gp', spec.gpRpps, 'Bernard'));
  return bundle(resources);
}

export interface ReferralSpec {
  patient: PatientSpec;
  requestId?: string;
  requesterRpps: string;
  performerRpps?: string;
  authoredOn?: string;
  taskStatus?: string;
  taskStart?: string;
  taskEnd?: string;
  lastModified?: string;
  withRequest?: boolean;
}

/** A referral from a practice software: the request, its Task (the answer), the professionals. */
export function referralBundle(spec: ReferralSpec): Json {
  const requestIdentifier = { system: 'urn:oid:1.2.250.1.999.1', value: spec.requestId ?? 'ADR-42' };
  const resources: Json[] = [];
  if (spec.withRequest !== false) {
    resources.push({
      resourceType: 'ServiceRequest',
      id: 'request',
      identifier: [requestIdentifier],
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      code: { text: 'Bilan cardiologique' },
      subject: { reference: 'Patient/patient' },
      authoredOn: spec.authoredOn ?? '2026-03-05T09:00:00+01:00',
      requester: { reference: 'Practitioner/requester' },
      ...(spec.performerRpps ? { performer: [{ reference: 'Practitioner/performer' }] } : {}),
      reasonCode: [{ text: 'Dyspnée d’effort, avis cardiologique' }],
    });
    resources.push(patient(spec.patient));
    resources.push(practitioner('requester', spec.requesterRpps, 'Durand'));
    if (spec.performerRpps) resources.push(practitioner('performer', spec.performerRpps, 'Petit', false));
  }
  if (spec.taskStatus) {
    resources.push({
      resourceType: 'Task',
      id: 'task',
      identifier: [{ system: 'urn:oid:1.2.250.1.999.2', value: `T-${spec.requestId ?? 'ADR-42'}` }],
      status: spec.taskStatus,
      intent: 'order',
      focus:
        spec.withRequest === false
          ? { identifier: requestIdentifier }
          : { reference: 'ServiceRequest/request' },
      for: spec.withRequest === false ? { display: 'le patient' } : { reference: 'Patient/patient' },
      authoredOn: spec.authoredOn ?? '2026-03-05T09:00:00+01:00',
      lastModified: spec.lastModified ?? '2026-03-05T15:00:00+01:00',
      ...(spec.taskStart
        ? { executionPeriod: { start: spec.taskStart, ...(spec.taskEnd ? { end: spec.taskEnd } : {}) } }
        : {}),
      ...(spec.taskStatus === 'rejected'
        ? { statusReason: { text: 'Pas de créneau avant six semaines' } }
        : {}),
    });
  }
  return bundle(resources);
}
