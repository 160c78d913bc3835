import { Inject, Injectable } from '@nestjs/common';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@parcours/event-store';
import { v5 as uuidv5 } from 'uuid';
import { memberEvolver, type MemberState } from '../../members/member.decider';
import { pathwayEvolver } from '../../pathways/pathway.decider';
import type { PathwayEvent, PathwayClosed } from '../../pathways/pathway.events';
import { BUSINESS_TIME_FIELD } from '../../pathways/pathway.events';
import { careCircle, patientEvolver, type RegisteredPatient, statusOn } from '../../patients/patient.decider';
import { readIdentity } from '../../patients/patient-facts';
import type { PatientIdentity } from '../../patients/patient.events';
import { load, toStored } from '../../shared/command-runner';
import { type CorrectionEvent, effectiveEvents } from '../../shared/corrections';
import { fold, type StoredEvent } from '../../shared/decider';
import { NotFoundError } from '../../shared/errors';
import { streamId } from '../../shared/ids';
import {
  FINESS_SYSTEM,
  IDENTITY_RELIABILITY,
  IDENTITY_STATUS_SYSTEM,
  INS_SYSTEMS,
  RPPS_SYSTEM,
} from '../shared/french-identifiers';
import type { Json } from './fhir-bundle';
import { CODE_SYSTEMS, EXTENSIONS, FHIR_BASE, INSEE_COMMUNES, uuidIdentifier } from './fhir-codes';

const NAMESPACE = '2f0c8f7e-5a51-4c1b-9a7e-6c1f4f1e8d10';
const derivedId = (...parts: string[]) => uuidv5(parts.join('\n'), NAMESPACE);
const ref = (id: string, display?: string) => ({
  reference: `urn:uuid:${id}`,
  ...(display === undefined ? {} : { display }),
});
const coding = (system: string, code: string, display?: string) => ({
  coding: [{ system, code, ...(display === undefined ? {} : { display }) }],
});

const GENDER = { F: 'female', M: 'male', X: 'unknown' } as const;
const PRIORITY = { 'jour-meme': 'asap', '24h': 'urgent', programmee: 'routine' } as const;

export interface FhirExportResult {
  bundle: Json;
  patientId: string;
  /** Whether the Patient carries the identity (name, birth date, INS): an identity read, to log. */
  identity: boolean;
}

/**
 * `GET …/pathways/{id}/fhir`: the pathway as a FHIR R4 Bundle (`collection`), built from the event store
 * — the pathway's stream as it now stands (corrections merged, voided entries out) and the records it
 * names — not from the read models: a CarePlan (the pathway), a CareTeam (the professionals and when
 * they took part), the patient's care circle as a second CareTeam, the Patient, a Practitioner per member named, an Organization per hospital, an
 * Encounter per discharge, a ServiceRequest and its Task per referral, a Task per medication
 * reconciliation and follow-up, and a Provenance per entry (when it happened, when and by whom it was
 * recorded). Protocol applications are not exported. The mapping is in `docs/fhir.md`.
 */
@Injectable()
export class FhirExport {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}

  /** The pathway's patient, to check who may read it before exporting. */
  async patientOf(
    cptsId: string,
    pathwayId: string,
  ): Promise<{ patientId: string; patient: RegisteredPatient }> {
    const { state } = await load(this.store, streamId('pathway', cptsId, pathwayId), pathwayEvolver);
    if (!state.exists) {
      throw new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });
    }
    const patient = await load(this.store, streamId('patient', cptsId, state.patientId), patientEvolver);
    if (!patient.state.exists)
      throw new NotFoundError({ fr: 'Patient introuvable.', en: 'Patient not found.' });
    return { patientId: state.patientId, patient: patient.state };
  }

  async export(
    cptsId: string,
    pathwayId: string,
    options: { identity: boolean; now?: Date },
  ): Promise<FhirExportResult> {
    const recorded = await this.store.readStream(streamId('pathway', cptsId, pathwayId));
    if (recorded.length === 0) {
      throw new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });
    }
    const history = recorded.map((event) => toStored<PathwayEvent | CorrectionEvent>(event));
    const entries = effectiveEvents<PathwayEvent>(history);
    const state = fold(pathwayEvolver, entries);
    if (!state.exists) {
      throw new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });
    }
    const { patientId, patient } = await this.patientOf(cptsId, pathwayId);
    const identity = options.identity ? readIdentity(this.vault, cptsId, patientId, patient) : null;
    const now = options.now ?? new Date();

    const memberIds = new Set<string>();
    for (const { data } of entries) {
      const fields = data as unknown as Record<string, unknown>;
      for (const field of ['fromMemberId', 'toMemberId', 'byMemberId', 'pharmacistMemberId', 'gpMemberId']) {
        if (typeof fields[field] === 'string') memberIds.add(fields[field]);
      }
      const to = fields.to as { memberId?: string } | undefined;
      if (to?.memberId) memberIds.add(to.memberId);
    }
    const circle = careCircle(patient);
    const pastStays = Object.entries(patient.careTeam).filter(([, stay]) => stay.to !== undefined);
    for (const member of circle) memberIds.add(member.memberId);
    for (const [, stay] of pastStays) memberIds.add(stay.memberId);
    const members = new Map<string, MemberState & { exists: true }>();
    for (const id of memberIds) {
      const { state: member } = await load(this.store, streamId('member', cptsId, id), memberEvolver);
      if (member.exists) members.set(id, member);
    }
    const resources: Json[] = [];
    const carePlanId = pathwayId;
    const careTeamId = derivedId('careteam', pathwayId);
    const circleId = derivedId('care-circle', cptsId, patientId);
    const memberRef = (id: string) => ref(id, members.get(id)?.displayName);

    resources.push(this.patientResource(patientId, patient, identity, now));
    for (const [id, member] of members) {
      resources.push({
        resourceType: 'Practitioner',
        id,
        identifier: [
          uuidIdentifier(id),
          ...(member.rpps ? [{ system: RPPS_SYSTEM, value: member.rpps }] : []),
        ],
        name: [{ text: member.displayName }],
        qualification: [{ code: coding(CODE_SYSTEMS.profession, member.profession) }],
      });
    }

    const closed = [...entries]
      .reverse()
      .find(
        (e): e is StoredEvent<{ type: 'PathwayClosed'; data: PathwayClosed }> => e.type === 'PathwayClosed',
      );
    const activity: Json[] = [];
    const involvement = new Map<string, string>();
    const involved = (memberId: string | undefined, at: string) => {
      if (memberId === undefined) return;
      const first = involvement.get(memberId);
      if (first === undefined || Date.parse(at) < Date.parse(first)) involvement.set(memberId, at);
    };
    const targets = new Map<string, string[]>();
    const hospitals = new Map<string, Json>();
    const opened = entries.find((entry) => entry.type === 'PathwayOpened');
    if (opened) targets.set(opened.context.eventId, [carePlanId]);

    for (const entry of entries) {
      const { eventId } = entry.context;
      switch (entry.type) {
        case 'DischargeNotified': {
          const d = entry.data;
          const hospitalKey = d.hospital.finess ?? d.hospital.name;
          let organization = hospitals.get(hospitalKey);
          if (!organization) {
            organization = {
              resourceType: 'Organization',
              id: derivedId('organization', cptsId, hospitalKey),
              ...(d.hospital.finess
                ? { identifier: [{ system: FINESS_SYSTEM, value: d.hospital.finess }] }
                : {}),
              name: d.hospital.name,
            };
            hospitals.set(hospitalKey, organization);
          }
          const participants = [
            ...(d.gpMemberId ? [{ role: 'medecin-traitant', id: d.gpMemberId }] : []),
            ...(d.pharmacistMemberId ? [{ role: 'pharmacien', id: d.pharmacistMemberId }] : []),
          ];
          participants.forEach((p) => involved(p.id, d.notifiedAt));
          resources.push({
            resourceType: 'Encounter',
            id: d.dischargeId,
            identifier: [uuidIdentifier(d.dischargeId)],
            status: Date.parse(d.dischargeAt) <= now.getTime() ? 'finished' : 'in-progress',
            class: {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
              code: 'IMP',
              display: 'inpatient encounter',
            },
            subject: ref(patientId),
            ...(participants.length === 0
              ? {}
              : {
                  participant: participants.map((p) => ({
                    type: [coding(CODE_SYSTEMS.participantRole, p.role)],
                    individual: memberRef(p.id),
                  })),
                }),
            period: { ...(d.admittedAt ? { start: d.admittedAt } : {}), end: d.dischargeAt },
            ...(d.ward ? { location: [{ location: { display: d.ward } }] } : {}),
            serviceProvider: ref(organization.id as string, d.hospital.name),
            extension: [
              {
                url: EXTENSIONS.discharge,
                extension: [
                  { url: 'notifiedAt', valueDateTime: d.notifiedAt },
                  { url: 'treatmentChanged', valueBoolean: d.treatmentChanged },
                  { url: 'complex', valueBoolean: d.complex },
                  ...d.needs.map((need) => ({ url: 'need', valueCode: need })),
                ],
              },
            ],
          });
          targets.set(eventId, [d.dischargeId]);
          break;
        }
        case 'PatientReferred': {
          const r = entry.data;
          const referral = state.referrals[r.referralId];
          const taskId = derivedId('task', r.referralId);
          involved(r.fromMemberId, r.referredAt);
          involved(r.to.memberId, r.referredAt);
          const status = referral?.completed ? 'completed' : referral?.declined ? 'revoked' : 'active';
          resources.push({
            resourceType: 'ServiceRequest',
            id: r.referralId,
            identifier: [uuidIdentifier(r.referralId)],
            basedOn: [ref(carePlanId)],
            status,
            intent: 'order',
            priority: PRIORITY[r.urgency],
            subject: ref(patientId),
            authoredOn: r.referredAt,
            requester: memberRef(r.fromMemberId),
            ...(r.to.profession ? { performerType: coding(CODE_SYSTEMS.profession, r.to.profession) } : {}),
            ...(r.to.memberId || r.to.structure
              ? { performer: [r.to.memberId ? memberRef(r.to.memberId) : { display: r.to.structure }] }
              : {}),
            reasonCode: [{ text: r.reason }],
            ...(r.channel ? { extension: [{ url: EXTENSIONS.channel, valueCode: r.channel }] } : {}),
          });
          const accepted = referral?.accepted;
          const declined = referral?.declined;
          const completed = referral?.completed;
          const declineReason = entries.find(
            (e) => e.type === 'ReferralDeclined' && e.data.referralId === r.referralId,
          )?.data as { reason?: string } | undefined;
          resources.push({
            resourceType: 'Task',
            id: taskId,
            identifier: [uuidIdentifier(taskId)],
            status: completed ? 'completed' : declined ? 'rejected' : accepted ? 'accepted' : 'requested',
            ...(declined ? { statusReason: { text: declineReason?.reason ?? '' } } : {}),
            intent: 'order',
            code: coding(CODE_SYSTEMS.taskKind, 'referral'),
            focus: ref(r.referralId),
            for: ref(patientId),
            authoredOn: r.referredAt,
            lastModified:
              completed?.completedAt ?? declined?.declinedAt ?? accepted?.acceptedAt ?? r.referredAt,
            ...(accepted
              ? {
                  executionPeriod: {
                    start: accepted.acceptedAt,
                    ...(completed ? { end: completed.completedAt } : {}),
                  },
                }
              : {}),
            requester: memberRef(r.fromMemberId),
            ...(r.to.memberId ? { owner: memberRef(r.to.memberId) } : {}),
            ...(accepted?.appointmentAt
              ? {
                  output: [
                    {
                      type: coding(CODE_SYSTEMS.taskOutput, 'appointment-at'),
                      valueDateTime: accepted.appointmentAt,
                    },
                  ],
                }
              : {}),
          });
          activity.push({ reference: ref(r.referralId) }, { reference: ref(taskId) });
          targets.set(eventId, [r.referralId, taskId]);
          break;
        }
        case 'ReferralAccepted':
        case 'ReferralDeclined':
        case 'ReferralCompleted':
          targets.set(eventId, [derivedId('task', entry.data.referralId)]);
          break;
        case 'MedicationReconciliationSent':
        case 'FollowUpCompleted': {
          const reconciliation = entry.type === 'MedicationReconciliationSent';
          const data = entry.data as {
            dischargeId?: string;
            toMemberId?: string;
            byMemberId?: string;
            sentAt?: string;
            at?: string;
            kind?: string;
          };
          const owner = (reconciliation ? data.toMemberId : data.byMemberId)!;
          const at = (reconciliation ? data.sentAt : data.at)!;
          involved(owner, at);
          resources.push({
            resourceType: 'Task',
            id: eventId,
            identifier: [uuidIdentifier(eventId)],
            status: 'completed',
            intent: 'order',
            code: coding(
              CODE_SYSTEMS.taskKind,
              reconciliation ? 'medication-reconciliation' : `follow-up-${data.kind}`,
            ),
            ...(data.dischargeId ? { focus: ref(data.dischargeId) } : {}),
            for: ref(patientId),
            authoredOn: at,
            lastModified: at,
            executionPeriod: { end: at },
            owner: memberRef(owner),
          });
          activity.push({ reference: ref(eventId) });
          targets.set(eventId, [eventId]);
          break;
        }
        case 'PathwayClosed':
        case 'PathwayReopened':
          targets.set(eventId, [carePlanId]);
          break;
        default:
          break;
      }
    }
    resources.push(...hospitals.values());

    resources.push({
      resourceType: 'CarePlan',
      id: carePlanId,
      identifier: [uuidIdentifier(carePlanId)],
      status: state.status === 'closed' ? 'completed' : 'active',
      intent: 'plan',
      category: [coding(CODE_SYSTEMS.pathwayKind, state.kind)],
      ...(opened && (opened.data as { reason?: string }).reason
        ? { description: (opened.data as { reason?: string }).reason }
        : {}),
      subject: ref(patientId),
      period: {
        start: state.openedAt,
        ...(state.status === 'closed' && state.closedAt ? { end: state.closedAt } : {}),
      },
      careTeam: [ref(careTeamId), ref(circleId)],
      ...(activity.length === 0 ? {} : { activity }),
      ...(state.status === 'closed' && closed
        ? { extension: [{ url: EXTENSIONS.closureOutcome, valueCode: closed.data.outcome }] }
        : {}),
    });
    resources.push({
      resourceType: 'CareTeam',
      id: careTeamId,
      status: state.status === 'closed' ? 'inactive' : 'active',
      subject: ref(patientId),
      period: {
        start: state.openedAt,
        ...(state.status === 'closed' && state.closedAt ? { end: state.closedAt } : {}),
      },
      ...(involvement.size === 0
        ? {}
        : {
            participant: [...involvement].map(([id, since]) => ({
              ...(members.get(id)
                ? { role: [coding(CODE_SYSTEMS.profession, members.get(id)!.profession)] }
                : {}),
              member: memberRef(id),
              period: {
                start: since,
                ...(state.status === 'closed' && state.closedAt ? { end: state.closedAt } : {}),
              },
            })),
          }),
    });
    // The patient's care circle, beyond this pathway: who is around them, with the stays that ended.
    const circleParticipants: Json[] = [
      ...circle.map((member) => ({
        role: [coding(CODE_SYSTEMS.careTeamRole, member.role ?? member.basis)],
        member: memberRef(member.memberId),
        ...(member.from === undefined ? {} : { period: { start: member.from } }),
      })),
      ...pastStays.map(([, stay]) => ({
        role: [coding(CODE_SYSTEMS.careTeamRole, stay.role)],
        member: memberRef(stay.memberId),
        period: { start: stay.from, end: stay.to },
      })),
    ];
    resources.push({
      resourceType: 'CareTeam',
      id: circleId,
      identifier: [uuidIdentifier(circleId)],
      status: 'active',
      name: 'Cercle de soins',
      subject: ref(patientId),
      ...(circleParticipants.length === 0 ? {} : { participant: circleParticipants }),
    });
    resources.push(...this.provenance(recorded, history, targets));

    return {
      patientId,
      identity: identity !== null,
      bundle: {
        resourceType: 'Bundle',
        id: derivedId('bundle', pathwayId, now.toISOString()),
        meta: { lastUpdated: now.toISOString() },
        type: 'collection',
        timestamp: now.toISOString(),
        entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id as string}`, resource })),
      },
    };
  }

  private patientResource(
    patientId: string,
    patient: RegisteredPatient,
    identity: PatientIdentity | null,
    now: Date,
  ): Json {
    const status = statusOn(patient);
    return {
      resourceType: 'Patient',
      id: patientId,
      identifier: [
        uuidIdentifier(patientId),
        ...(identity?.ins ? [{ use: 'official', system: INS_SYSTEMS.nir, value: identity.ins }] : []),
      ],
      extension: [
        ...(identity?.ins
          ? [
              {
                url: IDENTITY_RELIABILITY,
                extension: [
                  { url: 'identityStatus', valueCoding: { system: IDENTITY_STATUS_SYSTEM, code: 'QUAL' } },
                ],
              },
            ]
          : []),
        {
          url: EXTENSIONS.patientStatus,
          extension: [
            { url: 'ald', valueBoolean: status.ald },
            { url: 'precarious', valueBoolean: status.precarious },
            { url: 'hasMedecinTraitant', valueBoolean: patient.hasMedecinTraitant },
          ],
        },
      ],
      ...(identity
        ? { name: [{ use: 'official', family: identity.familyName, given: [identity.givenName] }] }
        : {}),
      gender: GENDER[patient.sex],
      // Without the identity, the birth year only (a FHIR date may be a year): never the birth date.
      birthDate: identity?.birthDate ?? String(patient.birthYear),
      ...(patient.commune
        ? {
            address: [
              {
                extension: [
                  {
                    url: EXTENSIONS.inseeCode,
                    valueCoding: { system: INSEE_COMMUNES, code: patient.commune },
                  },
                ],
              },
            ],
          }
        : {}),
      meta: { lastUpdated: now.toISOString() },
    };
  }

  /** A Provenance per entry as it now stands (created), and per correction of one (updated). */
  private provenance(
    recorded: RecordedEvent[],
    history: Array<StoredEvent<PathwayEvent | CorrectionEvent>>,
    targets: Map<string, string[]>,
  ): Json[] {
    const byId = new Map(recorded.map((event) => [event.metadata.eventId, event]));
    const live = new Set(targets.keys());
    const out: Json[] = [];
    for (const event of history) {
      const { eventId } = event.context;
      const stored = byId.get(eventId)!;
      const corrected =
        event.type === 'EntryCorrected'
          ? (event.data as { targetEventId: string; reason: string })
          : undefined;
      const targetOf = corrected ? corrected.targetEventId : eventId;
      if (!live.has(targetOf)) continue;
      const original = corrected ? byId.get(corrected.targetEventId) : stored;
      const field = original ? BUSINESS_TIME_FIELD[original.type as PathwayEvent['type']] : undefined;
      const occurred = corrected
        ? undefined
        : field === undefined
          ? undefined
          : (stored.data[field] as string | undefined);
      out.push({
        resourceType: 'Provenance',
        id: derivedId('provenance', eventId),
        target: targets.get(targetOf)!.map((id) => ref(id)),
        ...(occurred ? { occurredDateTime: occurred } : {}),
        recorded: stored.metadata.recordedAt,
        ...(corrected ? { reason: [{ text: corrected.reason }] } : {}),
        activity: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
              code: corrected ? 'UPDATE' : 'CREATE',
            },
            { system: CODE_SYSTEMS.eventType, code: event.type },
          ],
        },
        agent: [
          {
            who: {
              identifier: { system: `${FHIR_BASE}/sid/actor`, value: stored.metadata.actor.id },
              display: stored.metadata.actor.role,
            },
          },
        ],
      });
    }
    return out;
  }
}
