import { command } from './tenant';

export interface CircleSpec {
  identity: { familyName: string; givenName: string; birthDate: string; ins?: string };
  gp: string;
  pharmacist?: string;
  /** A nurse added to the care circle. */
  nurse?: string;
}

/**
 * A patient with a care circle (médecin traitant, pharmacien correspondant, a nurse) and an open discharge
 * pathway, through the API: what a notification test starts from. `tenantUrl` is `…/api/v1/cpts/<id>`.
 */
export async function patientInCircle(
  tenantUrl: string,
  coordinator: string,
  spec: CircleSpec,
): Promise<{ patientId: string; pathwayId: string }> {
  const birthYear = Number(spec.identity.birthDate.slice(0, 4));
  const patientId = (
    await command(`${tenantUrl}/patients`, coordinator, {
      identity: spec.identity,
      sex: 'F',
      birthYear,
      ald: true,
      precarious: false,
      hasMedecinTraitant: true,
    })
  ).id;
  const patient = `${tenantUrl}/patients/${patientId}`;
  await command(`${patient}/medecin-traitant`, coordinator, { memberId: spec.gp, assignedOn: '2026-01-05' });
  if (spec.pharmacist) {
    await command(`${patient}/pharmacien-correspondant`, coordinator, {
      memberId: spec.pharmacist,
      on: '2026-01-05',
    });
  }
  if (spec.nurse) {
    await command(`${patient}/care-team`, coordinator, {
      memberId: spec.nurse,
      role: 'soins-infirmiers',
      from: '2026-01-06',
    });
  }
  const pathwayId = (
    await command(`${tenantUrl}/pathways`, coordinator, {
      patientId,
      kind: 'sortie-hospitalisation',
      openedAt: '2026-03-01T09:00:00+01:00',
    })
  ).id;
  return { patientId, pathwayId };
}
