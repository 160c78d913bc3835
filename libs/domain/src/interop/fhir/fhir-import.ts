import { Injectable } from '@nestjs/common';
import type { CommandOutcome } from '../../shared/command-runner';
import type { PathwayCommand } from '../../pathways/pathway.commands';
import { type OpenedPathway, pathwayEvolver, type PathwayState } from '../../pathways/pathway.decider';
import type { PatientReferred } from '../../pathways/pathway.events';
import { PathwayCommandMessage } from '../../pathways/pathways.handler';
import {
  AcceptReferralDto,
  ClosePathwayDto,
  CompleteReferralDto,
  DeclineReferralDto,
  DischargeDto,
  FollowUpDto,
  MedicationReconciliationDto,
  OpenPathwayDto,
  ReferPatientDto,
} from '../../pathways/pathways.dto';
import type { RegisterPatient } from '../../patients/patient.commands';
import { patientEvolver } from '../../patients/patient.decider';
import type { PatientSex } from '../../patients/patient.events';
import { PatientCommandMessage } from '../../patients/patients.handler';
import { RegisterPatientDto } from '../../patients/patients.dto';
import { streamId } from '../../shared/ids';
import { normalizeIns } from '../shared/directory';
import {
  IDENTITY_RELIABILITY,
  IDENTITY_STATUS_SYSTEM,
  INS_SYSTEM_URIS,
  LEGACY_IDENTITY_STATUS_SYSTEM,
  finessOf,
  rppsOf,
} from '../shared/french-identifiers';
import { checkShape, located, refused } from '../shared/import-errors';
import { type ImportContext, Importer, type ImportSession } from '../shared/importer';
import {
  arr,
  bool,
  type FhirBundle,
  type FhirEntry,
  type FhirResource,
  type Json,
  obj,
  READ_TYPES,
  type Resolved,
  str,
} from './fhir-bundle';
import { CODE_SYSTEMS, EXTENSIONS, PARTICIPANT_ROLES, UUID_URN } from './fhir-codes';

/** What one import recorded (or found recorded already), each with where it comes from in the bundle. */
export interface FhirImportRecord {
  /** The event recorded: `PatientRegistered`, `PathwayOpened`, `DischargeNotified`… */
  event: string;
  id: string;
  streamId: string;
  /** Where in the bundle: `Bundle.entry[1].resource`. */
  at: string;
  /** Recorded before (the same bundle imported again): nothing appended for it. */
  replayed: boolean;
}

export interface FhirImportResult {
  records: FhirImportRecord[];
  /** Resources of the bundle Parcours does not read (a MessageHeader, an Observation…). */
  ignored: Array<{ at: string; resourceType: string }>;
  /** True when nothing was appended: everything was there already. */
  replayed: boolean;
  position?: string;
}

// ---- reading the resources -------------------------------------------------------------------------

const codings = (concept: unknown): Json[] =>
  arr(obj(concept)?.coding).flatMap((c) => (obj(c) ? [obj(c)!] : []));
const codeIn = (concepts: unknown[], system: string): string | undefined =>
  concepts.flatMap(codings).find((coding) => coding.system === system)?.code as string | undefined;
const textOf = (concept: unknown): string | undefined =>
  str(obj(concept)?.text) ??
  codings(concept)
    .map((coding) => str(coding.display))
    .find(Boolean);
const extension = (resource: Json, url: string): Json | undefined =>
  arr(resource.extension)
    .map(obj)
    .find((ext) => ext?.url === url);
const subExtensions = (resource: Json, url: string, sub: string): Json[] =>
  arr(extension(resource, url)?.extension).flatMap((ext) => (obj(ext)?.url === sub ? [obj(ext)!] : []));
const subExtension = (resource: Json, url: string, sub: string): Json | undefined =>
  subExtensions(resource, url, sub)[0];
const identifiersOf = (resource: Json) =>
  arr(resource.identifier)
    .map(obj)
    .flatMap((identifier) =>
      identifier && typeof identifier.system === 'string' && typeof identifier.value === 'string'
        ? [{ system: identifier.system, value: identifier.value, use: str(identifier.use) }]
        : [],
    );

/** A Parcours record's own id, when the resource carries its UUID URN identifier. */
const parcoursIdOf = (resource: Json): string | undefined =>
  identifiersOf(resource)
    .find((identifier) => identifier.system === UUID_URN && identifier.value.startsWith('urn:uuid:'))
    ?.value.slice('urn:uuid:'.length);

/**
 * What identifies a resource across imports: its first identifier, else its id, else its fullUrl. Ids of
 * what an import creates are derived from it, so sending the same resource again finds its own records.
 */
function resourceKey(resource: FhirResource, at: string, entry?: FhirEntry): string {
  const [identifier] = identifiersOf(resource);
  if (identifier) return `${resource.resourceType}|${identifier.system}|${identifier.value}`;
  if (resource.id !== undefined) return `${resource.resourceType}/${resource.id}`;
  if (entry?.fullUrl !== undefined) return `${resource.resourceType}@${entry.fullUrl}`;
  throw refused(
    at,
    'resource-without-identifier',
    'Cette ressource n’a ni identifiant, ni id, ni fullUrl : la réimporter la dupliquerait.',
    'This resource has no identifier, id nor fullUrl: importing it again would duplicate it.',
  );
}

/** The INS of a Patient, and whether the identity is qualified (FR Core: RNIV status QUAL, or VALI before 2.2). */
function insOf(patient: Json): { ins?: string; qualified: boolean } {
  const ins = identifiersOf(patient).find((identifier) => INS_SYSTEM_URIS.includes(identifier.system))?.value;
  const status = subExtension(patient, IDENTITY_RELIABILITY, 'identityStatus');
  const coding = obj(status?.valueCoding);
  const qualified =
    (coding?.system === IDENTITY_STATUS_SYSTEM && coding.code === 'QUAL') ||
    (coding?.system === LEGACY_IDENTITY_STATUS_SYSTEM && coding.code === 'VALI');
  return {
    ...(ins === undefined ? {} : { ins: normalizeIns(ins) }),
    qualified: ins !== undefined && qualified,
  };
}

const SEX: Record<string, PatientSex> = { male: 'M', female: 'F', other: 'X', unknown: 'X' };

/** The name to register: the official (birth) name, else the first. */
function nameOf(patient: Json): { family?: string; given?: string } {
  const names = arr(patient.name).map(obj).filter(Boolean) as Json[];
  const name = names.find((n) => n.use === 'official') ?? names[0];
  return { family: str(name?.family), given: str(arr(name?.given)[0]) };
}

const URGENCY: Record<string, PatientReferred['urgency']> = {
  routine: 'programmee',
  urgent: '24h',
  asap: 'jour-meme',
  stat: 'jour-meme',
};

// ---- the plan ---------------------------------------------------------------------------------------

/** One pathway command of the bundle, with when it happened (the order it is decided in). */
interface PathwayStep {
  at: string;
  time: string;
  rank: number;
  key: string;
  command: PathwayCommand;
  dto: new () => object;
  sources: Record<string, string>;
  /** The stream already says this (recorded by hand, or by an earlier import): nothing to decide. */
  known?: (state: OpenedPathway) => boolean;
}

const instant = (time: string): number => {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : ms;
};

/**
 * One import of one bundle: the pathway it is about (one per bundle), its patient, and every command the
 * resources ask for, decided in business-time order through the API's handlers.
 */
class BundleImport {
  readonly records: FhirImportRecord[] = [];

  constructor(
    private readonly session: ImportSession,
    private readonly bundle: FhirBundle,
  ) {}

  private get cptsId(): string {
    return this.session.context.cptsId;
  }

  private async run(at: string, message: PatientCommandMessage | PathwayCommandMessage, event: string) {
    let outcome: CommandOutcome;
    try {
      outcome = await this.session.execute(message);
    } catch (error) {
      throw located(at, error);
    }
    this.records.push({ event, id: outcome.id, streamId: outcome.streamId, at, replayed: outcome.replayed });
    return outcome;
  }

  /** The resource a reference names, which must be in the bundle and of one of `types`. */
  private entryOf(reference: unknown, from: FhirEntry, at: string, types: string[]) {
    const resolved = this.bundle.resolve(reference, from);
    if (resolved?.kind === 'entry' && types.includes(resolved.resource.resourceType)) return resolved;
    throw refused(
      at,
      'reference-unusable',
      `Cette référence doit désigner une ressource ${types.join(' ou ')} du Bundle.`,
      `This reference must name a ${types.join(' or ')} resource of the Bundle.`,
    );
  }

  /** The professional a reference names: a member of this CPTS found by RPPS, or what is known of them. */
  private professional(
    reference: unknown,
    from: FhirEntry,
  ): { memberId?: string; profession?: string; display?: string; organization?: string } {
    const resolved: Resolved | undefined = this.bundle.resolve(reference, from);
    const display = str(obj(reference)?.display);
    if (!resolved) return display === undefined ? {} : { display };
    if (resolved.kind === 'identifier') {
      const rpps = rppsOf(resolved.identifier);
      const member = rpps === undefined ? undefined : this.session.directory.memberByRpps(rpps);
      return member ? { ...member } : display === undefined ? {} : { display };
    }
    const { resource } = resolved;
    if (resource.resourceType === 'Organization') {
      const name = str(resource.name);
      return name === undefined ? {} : { organization: name };
    }
    let practitioner: Json | undefined = resource;
    let organization: string | undefined;
    if (resource.resourceType === 'PractitionerRole') {
      const ofRole = this.bundle.resolve(resource.practitioner, resolved.entry);
      practitioner = ofRole?.kind === 'entry' ? ofRole.resource : undefined;
      const org = this.bundle.resolve(resource.organization, resolved.entry);
      organization = org?.kind === 'entry' ? str(org.resource.name) : undefined;
      for (const identifier of [
        ...identifiersOf(resource),
        ...(practitioner ? identifiersOf(practitioner) : []),
      ]) {
        const rpps = rppsOf(identifier);
        const member = rpps === undefined ? undefined : this.session.directory.memberByRpps(rpps);
        if (member) return member;
      }
    }
    for (const identifier of practitioner ? identifiersOf(practitioner) : []) {
      const rpps = rppsOf(identifier);
      const member = rpps === undefined ? undefined : this.session.directory.memberByRpps(rpps);
      if (member) return member;
    }
    const name = practitioner ? nameOf(practitioner) : {};
    const named = [name.given, name.family].filter(Boolean).join(' ') || display;
    return {
      ...(named ? { display: named } : {}),
      ...(organization === undefined ? {} : { organization }),
    };
  }

  /** The patient of the bundle: found by its Parcours id, by qualified INS, or by what identifies it; else registered. */
  private async patient(resolved: Resolved & { kind: 'entry' }): Promise<string> {
    const patient = resolved.resource;
    const { directory } = this.session;
    const own = parcoursIdOf(patient);
    if (own !== undefined) {
      const state = await this.session.state(streamId('patient', this.cptsId, own), patientEvolver);
      if (state.exists) return own;
    }
    const { ins, qualified } = insOf(patient);
    if (qualified && ins !== undefined) {
      const known = directory.patientByIns(ins);
      if (known !== undefined) return known;
    }
    const key =
      qualified && ins !== undefined
        ? `patient\nins\n${ins.slice(0, 13)}`
        : `patient\nfhir\n${resourceKey(patient, resolved.at)}`;
    const { family, given } = nameOf(patient);
    const birthDate = str(patient.birthDate) ?? '';
    const status = (sub: string) => bool(subExtension(patient, EXTENSIONS.patientStatus, sub)?.valueBoolean);
    const commune = arr(patient.address)
      .map((address) => obj(extension(obj(address) ?? {}, EXTENSIONS.inseeCode)?.valueCoding)?.code)
      .find((code): code is string => typeof code === 'string');
    const register: RegisterPatient = {
      type: 'RegisterPatient',
      data: {
        identity: {
          familyName: family ?? '',
          givenName: given ?? '',
          birthDate,
          ...(qualified && ins !== undefined ? { ins } : {}),
        },
        sex: SEX[str(patient.gender) ?? 'unknown'] ?? 'X',
        birthYear: Number(birthDate.slice(0, 4)),
        ...(commune === undefined ? {} : { commune }),
        ald: status('ald') ?? false,
        precarious: status('precarious') ?? false,
        hasMedecinTraitant: status('hasMedecinTraitant') ?? arr(patient.generalPractitioner).length > 0,
      },
    };
    checkShape(RegisterPatientDto, register.data, resolved.at, {
      identity: 'name',
      birthYear: 'birthDate',
      sex: 'gender',
      commune: 'address',
    });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
      throw refused(
        `${resolved.at}.birthDate`,
        'birth-date-required',
        'Parcours enregistre un patient avec sa date de naissance complète.',
        'Parcours registers a patient with their full birth date.',
      );
    }
    const outcome = await this.run(
      resolved.at,
      new PatientCommandMessage(this.session.meta(key), null, register),
      'PatientRegistered',
    );
    if (qualified && ins !== undefined) directory.addPatient(ins, outcome.id);
    return outcome.id;
  }

  async import(): Promise<void> {
    const carePlans = this.bundle.ofType('CarePlan');
    const encounters = this.bundle.ofType('Encounter');
    const requests = this.bundle.ofType('ServiceRequest');
    const tasks = this.bundle.ofType('Task');
    if (carePlans.length + encounters.length + requests.length + tasks.length === 0) {
      throw refused(
        'Bundle',
        'nothing-to-import',
        'Ce Bundle ne contient ni sortie (Encounter), ni adressage (ServiceRequest, Task), ni parcours (CarePlan).',
        'This Bundle holds no discharge (Encounter), referral (ServiceRequest, Task) nor pathway (CarePlan).',
      );
    }
    if (carePlans.length > 1 || (carePlans.length === 0 && encounters.length > 1)) {
      throw refused(
        'Bundle',
        'one-pathway-per-bundle',
        'Un Bundle porte sur un seul parcours : un CarePlan au plus, ou une seule sortie sans CarePlan.',
        'A Bundle is about one pathway: one CarePlan at most, or a single discharge without a CarePlan.',
      );
    }

    const steps: PathwayStep[] = [];
    const referralOf = new Map<FhirEntry, { key: string; id: string }>();
    for (const entry of requests) {
      const key = `referral\n${resourceKey(entry.resource, entry.at, entry)}`;
      referralOf.set(entry, { key, id: this.session.idFor(key, 'referral') });
    }
    const dischargeOf = new Map<FhirEntry, { key: string; id: string }>();
    for (const entry of encounters) {
      const key = `discharge\n${resourceKey(entry.resource, entry.at, entry)}`;
      dischargeOf.set(entry, { key, id: this.session.idFor(key, 'discharge') });
    }

    // The pathway: one that already holds a referral or discharge of the bundle, else the CarePlan's,
    // else the discharge's, else the referral's.
    const { directory } = this.session;
    const held = new Set(
      [...referralOf.values(), ...dischargeOf.values()]
        .map(({ id }) => directory.pathwayHolding(id))
        .filter((id): id is string => id !== undefined),
    );
    if (held.size > 1) {
      throw refused(
        'Bundle',
        'one-pathway-per-bundle',
        'Les ressources de ce Bundle appartiennent à plusieurs parcours déjà enregistrés.',
        'The resources of this Bundle belong to several pathways already recorded.',
      );
    }
    const anchor = carePlans[0] ?? encounters[0] ?? requests[0];
    const subjectOf = (entry: FhirEntry) =>
      entry.resource.resourceType === 'Task' ? entry.resource.for : entry.resource.subject;

    let pathwayId: string | undefined = [...held][0];
    let patientId: string | undefined;
    if (anchor) {
      const subject = this.entryOf(subjectOf(anchor), anchor, `${anchor.at}.subject`, ['Patient']);
      for (const entry of [...carePlans, ...encounters, ...requests]) {
        const other = this.bundle.resolve(subjectOf(entry), entry);
        if (other?.kind !== 'entry' || other.resource !== subject.resource) {
          throw refused(
            `${entry.at}.subject`,
            'one-patient-per-bundle',
            'Toutes les ressources du parcours doivent désigner le même patient.',
            'Every resource of the pathway must name the same patient.',
          );
        }
      }
      if (pathwayId === undefined && carePlans[0]) await this.refuseOwnPathway(carePlans[0]);
      patientId = await this.patient(subject);
      if (pathwayId === undefined) {
        const open = this.opening(anchor, patientId);
        pathwayId = this.session.idFor(open.key, 'pathway');
        steps.push(open);
      }
    }

    for (const carePlan of carePlans) {
      const closure = this.closure(carePlan);
      if (closure) steps.push(closure);
    }
    for (const [entry, { key }] of dischargeOf) steps.push(this.discharge(entry, key));
    for (const [entry, { key }] of referralOf) steps.push(this.referral(entry, key));
    for (const entry of tasks) {
      const found = this.task(entry, referralOf, dischargeOf);
      if (found.pathwayId !== undefined) {
        if (pathwayId !== undefined && found.pathwayId !== pathwayId) {
          throw refused(
            entry.at,
            'one-pathway-per-bundle',
            'Cette Task porte sur un autre parcours que le reste du Bundle.',
            'This Task is about another pathway than the rest of the Bundle.',
          );
        }
        pathwayId = found.pathwayId;
      }
      steps.push(...found.steps);
    }
    if (pathwayId === undefined) {
      throw refused(
        tasks[0]?.at ?? 'Bundle',
        'unknown-referral',
        'Cette Task porte sur un adressage que Parcours ne connaît pas : envoyez la ServiceRequest avec elle.',
        'This Task is about a referral Parcours does not know: send its ServiceRequest with it.',
      );
    }

    // The opening first and the closure last, whatever their times say; the rest in business-time order.
    const phase = (step: PathwayStep) => (step.rank === 0 ? 0 : step.rank === 9 ? 2 : 1);
    steps.sort((a, b) => phase(a) - phase(b) || instant(a.time) - instant(b.time) || a.rank - b.rank);
    for (const step of steps) await this.decide(pathwayId, step);
  }

  /** A bundle exported from this CPTS names its own pathway: importing it here would copy the pathway. */
  private async refuseOwnPathway(carePlan: FhirEntry): Promise<void> {
    const own = parcoursIdOf(carePlan.resource);
    if (own === undefined) return;
    const state = await this.session.state(streamId('pathway', this.cptsId, own), pathwayEvolver);
    if (state.exists) {
      throw refused(
        `${carePlan.at}.identifier`,
        'pathway-in-this-cpts',
        'Ce parcours est déjà celui de cette CPTS (le Bundle en a été exporté) : rien à importer.',
        'This pathway is this CPTS’s own (the Bundle was exported from it): nothing to import.',
      );
    }
  }

  private async decide(pathwayId: string, step: PathwayStep): Promise<void> {
    // The body the route would take: an answer's referral is named by the route, not the body.
    const { referralId: _route, ...body } = step.command.data as { referralId?: string };
    const answer = ['AcceptReferral', 'DeclineReferral', 'CompleteReferral'].includes(step.command.type);
    checkShape(step.dto, answer ? body : step.command.data, step.at, step.sources);
    if (step.known && step.command.type !== 'OpenPathway') {
      const state: PathwayState = await this.session.state(
        streamId('pathway', this.cptsId, pathwayId),
        pathwayEvolver,
      );
      if (state.exists && step.known(state)) return;
    }
    const isOpening = step.command.type === 'OpenPathway';
    const eventOf: Record<PathwayCommand['type'], string> = {
      OpenPathway: 'PathwayOpened',
      ReferPatient: 'PatientReferred',
      AcceptReferral: 'ReferralAccepted',
      DeclineReferral: 'ReferralDeclined',
      CompleteReferral: 'ReferralCompleted',
      NotifyDischarge: 'DischargeNotified',
      SendMedicationReconciliation: 'MedicationReconciliationSent',
      CompleteFollowUp: 'FollowUpCompleted',
      ApplyProtocol: 'ProtocolApplied',
      ClosePathway: 'PathwayClosed',
      ReopenPathway: 'PathwayReopened',
    };
    await this.run(
      step.at,
      new PathwayCommandMessage(this.session.meta(step.key), isOpening ? null : pathwayId, step.command),
      eventOf[step.command.type],
    );
  }

  private opening(anchor: FhirEntry, patientId: string): PathwayStep {
    const { resource, at } = anchor;
    const key = `pathway\n${resourceKey(resource, at, anchor)}`;
    if (resource.resourceType === 'CarePlan') {
      const kind = codeIn(arr(resource.category), CODE_SYSTEMS.pathwayKind) ?? 'autre';
      const openedAt = str(obj(resource.period)?.start) ?? str(resource.created) ?? '';
      const reason = str(resource.description);
      return {
        at,
        time: openedAt,
        rank: 0,
        key,
        command: {
          type: 'OpenPathway',
          data: { patientId, kind: kind as never, openedAt, ...(reason === undefined ? {} : { reason }) },
        },
        dto: OpenPathwayDto,
        sources: { openedAt: 'period.start', kind: 'category', reason: 'description' },
      };
    }
    if (resource.resourceType === 'Encounter') {
      const notifiedAt = this.notifiedAt(resource);
      return {
        at,
        time: notifiedAt,
        rank: 0,
        key,
        command: {
          type: 'OpenPathway',
          data: { patientId, kind: 'sortie-hospitalisation', openedAt: notifiedAt },
        },
        dto: OpenPathwayDto,
        sources: { openedAt: 'meta.lastUpdated' },
      };
    }
    const kind = codeIn(arr(resource.category), CODE_SYSTEMS.pathwayKind) ?? 'autre';
    const openedAt = str(resource.authoredOn) ?? '';
    return {
      at,
      time: openedAt,
      rank: 0,
      key,
      command: { type: 'OpenPathway', data: { patientId, kind: kind as never, openedAt } },
      dto: OpenPathwayDto,
      sources: { openedAt: 'authoredOn', kind: 'category' },
    };
  }

  private closure(carePlan: FhirEntry): PathwayStep | undefined {
    const { resource, at } = carePlan;
    const status = str(resource.status);
    if (status === 'active') return undefined;
    if (status !== 'completed' && status !== 'revoked') {
      throw refused(
        `${at}.status`,
        'care-plan-status-not-supported',
        'Parcours importe un CarePlan actif (parcours ouvert), terminé ou révoqué (parcours clos).',
        'Parcours imports an active CarePlan (an open pathway), or a completed or revoked one (closed).',
      );
    }
    const closedAt = str(obj(resource.period)?.end) ?? '';
    const outcome =
      str(extension(resource, EXTENSIONS.closureOutcome)?.valueCode) ??
      (status === 'completed' ? 'termine' : 'autre');
    return {
      at,
      time: closedAt,
      rank: 9,
      key: `closure\n${resourceKey(resource, at, carePlan)}`,
      command: { type: 'ClosePathway', data: { closedAt, outcome: outcome as never } },
      dto: ClosePathwayDto,
      sources: { closedAt: 'period.end', outcome: 'extension' },
      known: (state) => state.status === 'closed',
    };
  }

  /** When the CPTS was told of a discharge: Parcours's extension, the bundle's timestamp, the resource's update, now. */
  private notifiedAt(encounter: Json): string {
    return (
      str(subExtension(encounter, EXTENSIONS.discharge, 'notifiedAt')?.valueDateTime) ??
      this.bundle.timestamp ??
      str(obj(encounter.meta)?.lastUpdated) ??
      this.session.context.now.toISOString()
    );
  }

  private discharge(entry: FhirEntry, key: string): PathwayStep {
    const { resource, at } = entry;
    const status = str(resource.status);
    const period = obj(resource.period);
    if (status !== 'finished' && !(status === 'in-progress' || status === 'onleave')) {
      throw refused(
        `${at}.status`,
        'encounter-not-a-discharge',
        'Parcours importe un séjour terminé (finished) ou en cours dont la sortie est prévue (period.end).',
        'Parcours imports a finished stay, or one in progress whose discharge is planned (period.end).',
      );
    }
    const provider = this.entryOf(resource.serviceProvider, entry, `${at}.serviceProvider`, ['Organization']);
    const finess = identifiersOf(provider.resource)
      .map(finessOf)
      .find((value): value is string => value !== undefined);
    const hospitalName = str(provider.resource.name) ?? '';
    const ward = arr(resource.location)
      .map((location) => str(obj(obj(location)?.location)?.display))
      .find(Boolean);
    const admittedAt = str(period?.start);
    const dischargeAt = str(period?.end) ?? '';
    const notifiedAt = this.notifiedAt(resource);
    const flag = (sub: string) =>
      bool(subExtension(resource, EXTENSIONS.discharge, sub)?.valueBoolean) ?? false;
    const needs = subExtensions(resource, EXTENSIONS.discharge, 'need')
      .map((ext) => str(ext.valueCode))
      .filter((need): need is string => need !== undefined);
    const roles: Partial<Record<(typeof PARTICIPANT_ROLES)[number], string>> = {};
    for (const participant of arr(resource.participant).map(obj)) {
      const role = codeIn(arr(participant?.type), CODE_SYSTEMS.participantRole) as
        (typeof PARTICIPANT_ROLES)[number] | undefined;
      if (!role || !participant) continue;
      const member = this.professional(participant.individual, entry).memberId;
      if (member !== undefined) roles[role] = member;
    }
    if (roles['medecin-traitant'] === undefined) {
      // The patient's declared GP, when they are a GP member of the CPTS.
      const subject = this.bundle.resolve(resource.subject, entry);
      if (subject?.kind === 'entry') {
        for (const gp of arr(subject.resource.generalPractitioner)) {
          const found = this.professional(gp, subject.entry);
          if (found.memberId !== undefined && found.profession === 'medecin-generaliste') {
            roles['medecin-traitant'] = found.memberId;
            break;
          }
        }
      }
    }
    return {
      at,
      time: notifiedAt,
      rank: 1,
      key,
      command: {
        type: 'NotifyDischarge',
        data: {
          hospital: { name: hospitalName, ...(finess === undefined ? {} : { finess }) },
          ...(ward === undefined ? {} : { ward }),
          ...(admittedAt === undefined ? {} : { admittedAt }),
          dischargeAt,
          notifiedAt,
          treatmentChanged: flag('treatmentChanged'),
          complex: flag('complex'),
          needs,
          ...(roles.pharmacien === undefined ? {} : { pharmacistMemberId: roles.pharmacien }),
          ...(roles['medecin-traitant'] === undefined ? {} : { gpMemberId: roles['medecin-traitant'] }),
        },
      },
      dto: DischargeDto,
      sources: {
        hospital: 'serviceProvider',
        ward: 'location',
        admittedAt: 'period.start',
        dischargeAt: 'period.end',
        notifiedAt: 'extension',
        needs: 'extension',
      },
    };
  }

  private referral(entry: FhirEntry, key: string): PathwayStep {
    const { resource, at } = entry;
    const status = str(resource.status);
    if (status !== 'active' && status !== 'completed' && status !== 'on-hold' && status !== 'revoked') {
      throw refused(
        `${at}.status`,
        'service-request-not-active',
        'Parcours importe une demande active, suspendue, réalisée ou révoquée (refusée : sa Task dit pourquoi).',
        'Parcours imports an active, on-hold, completed or revoked request (declined: its Task says why).',
      );
    }
    const requester = this.professional(resource.requester, entry);
    if (requester.memberId === undefined) {
      throw refused(
        `${at}.requester`,
        'requester-not-a-member',
        'Le demandeur doit être un membre de la CPTS, reconnu par son RPPS.',
        'The requester must be a member of the CPTS, known by their RPPS.',
      );
    }
    const [first] = arr(resource.performer);
    const performer = first === undefined ? {} : this.professional(first, entry);
    const profession = codeIn(
      arr(resource.performerType ? [resource.performerType] : []),
      CODE_SYSTEMS.profession,
    );
    const structure =
      performer.memberId === undefined ? (performer.organization ?? performer.display) : undefined;
    const reason =
      arr(resource.reasonCode).map(textOf).find(Boolean) ??
      textOf(resource.code) ??
      arr(resource.note)
        .map((note) => str(obj(note)?.text))
        .find(Boolean) ??
      '';
    const channel = str(extension(resource, EXTENSIONS.channel)?.valueCode);
    const referredAt = str(resource.authoredOn) ?? '';
    return {
      at,
      time: referredAt,
      rank: 2,
      key,
      command: {
        type: 'ReferPatient',
        data: {
          fromMemberId: requester.memberId,
          to: {
            ...(performer.memberId === undefined ? {} : { memberId: performer.memberId }),
            ...(profession === undefined ? {} : { profession }),
            ...(structure === undefined ? {} : { structure }),
          },
          reason,
          urgency: URGENCY[str(resource.priority) ?? 'routine'] ?? 'programmee',
          referredAt,
          ...(channel === undefined ? {} : { channel: channel as never }),
        },
      },
      dto: ReferPatientDto,
      sources: { to: 'performer', reason: 'reasonCode', referredAt: 'authoredOn', urgency: 'priority' },
    };
  }

  /**
   * A Task: the answer to a referral (its `focus` is the ServiceRequest), or a step after a discharge
   * (`code` from Parcours's task kinds, its `focus` the Encounter): medication reconciliation, follow-up.
   */
  private task(
    entry: FhirEntry,
    referralOf: Map<FhirEntry, { key: string; id: string }>,
    dischargeOf: Map<FhirEntry, { key: string; id: string }>,
  ): { steps: PathwayStep[]; pathwayId?: string } {
    const { resource, at } = entry;
    const kind = codeIn([resource.code], CODE_SYSTEMS.taskKind) ?? 'referral';
    const status = str(resource.status) ?? '';
    const period = obj(resource.executionPeriod);
    const lastModified = str(resource.lastModified) ?? str(resource.authoredOn) ?? '';
    const focus = this.bundle.resolve(resource.focus, entry);
    const taskKey = resourceKey(resource, at, entry);

    if (kind !== 'referral') {
      if (status !== 'completed') {
        throw refused(
          `${at}.status`,
          'task-status-not-supported',
          'Parcours importe une réconciliation médicamenteuse ou un suivi une fois réalisés (completed).',
          'Parcours imports a medication reconciliation or a follow-up once done (completed).',
        );
      }
      let dischargeId: string | undefined;
      if (focus?.kind === 'entry' && focus.resource.resourceType === 'Encounter') {
        dischargeId = dischargeOf.get(focus.entry)?.id;
      }
      const owner = this.professional(resource.owner, entry).memberId ?? '';
      const doneAt = str(period?.end) ?? lastModified;
      const key = `task\n${taskKey}\n${kind}`;
      if (kind === 'medication-reconciliation') {
        return {
          steps: [
            {
              at,
              time: doneAt,
              rank: 5,
              key,
              command: {
                type: 'SendMedicationReconciliation',
                data: { dischargeId: dischargeId ?? '', toMemberId: owner, sentAt: doneAt },
              },
              dto: MedicationReconciliationDto,
              sources: { dischargeId: 'focus', toMemberId: 'owner', sentAt: 'executionPeriod.end' },
            },
          ],
        };
      }
      return {
        steps: [
          {
            at,
            time: doneAt,
            rank: 5,
            key,
            command: {
              type: 'CompleteFollowUp',
              data: {
                ...(dischargeId === undefined ? {} : { dischargeId }),
                byMemberId: owner,
                at: doneAt,
                kind: kind.slice('follow-up-'.length) as never,
              },
            },
            dto: FollowUpDto,
            sources: { dischargeId: 'focus', byMemberId: 'owner', at: 'executionPeriod.end' },
          },
        ],
      };
    }

    // The referral this Task answers: in the bundle, or imported before (found by its identifier).
    let referral: { key: string; id: string } | undefined;
    if (focus?.kind === 'entry' && focus.resource.resourceType === 'ServiceRequest')
      referral = referralOf.get(focus.entry);
    else if (focus?.kind === 'identifier' && focus.identifier.system && focus.identifier.value) {
      const key = `referral\nServiceRequest|${focus.identifier.system}|${focus.identifier.value}`;
      referral = { key, id: this.session.idFor(key, 'referral') };
    }
    if (!referral) {
      throw refused(
        `${at}.focus`,
        'task-without-referral',
        'La Task d’un adressage désigne sa ServiceRequest (focus).',
        'A referral’s Task names its ServiceRequest (focus).',
      );
    }
    const pathwayId = this.session.directory.pathwayHolding(referral.id);
    const referralId = referral.id;
    const answered = (state: OpenedPathway) => state.referrals[referralId];
    switch (status) {
      case 'draft':
      case 'requested':
      case 'received':
      case 'ready':
        return { steps: [], ...(pathwayId === undefined ? {} : { pathwayId }) };
      case 'accepted':
      case 'in-progress':
      case 'completed': {
        const acceptedAt = str(period?.start) ?? lastModified;
        const appointmentAt = arr(resource.output)
          .map(obj)
          .find((output) => codeIn([output?.type], CODE_SYSTEMS.taskOutput) === 'appointment-at');
        const appointment = str(appointmentAt?.valueDateTime);
        const steps: PathwayStep[] = [
          {
            at,
            time: acceptedAt,
            rank: 3,
            key: `task\n${taskKey}\naccepted`,
            command: {
              type: 'AcceptReferral',
              data: {
                referralId,
                acceptedAt,
                ...(appointment === undefined ? {} : { appointmentAt: appointment }),
              },
            },
            dto: AcceptReferralDto,
            sources: { acceptedAt: 'executionPeriod.start', appointmentAt: 'output' },
            known: (state) =>
              answered(state)?.accepted !== undefined || answered(state)?.completed !== undefined,
          },
        ];
        if (status === 'completed') {
          const completedAt = str(period?.end) ?? lastModified;
          steps.push({
            at,
            time: completedAt,
            rank: 4,
            key: `task\n${taskKey}\ncompleted`,
            command: { type: 'CompleteReferral', data: { referralId, completedAt } },
            dto: CompleteReferralDto,
            sources: { completedAt: 'executionPeriod.end' },
            known: (state) => answered(state)?.completed !== undefined,
          });
        }
        return { steps, ...(pathwayId === undefined ? {} : { pathwayId }) };
      }
      case 'rejected': {
        const declinedAt = lastModified;
        const reason = textOf(resource.statusReason) ?? 'Refusé (motif non transmis)';
        return {
          steps: [
            {
              at,
              time: declinedAt,
              rank: 3,
              key: `task\n${taskKey}\nrejected`,
              command: { type: 'DeclineReferral', data: { referralId, declinedAt, reason } },
              dto: DeclineReferralDto,
              sources: { declinedAt: 'lastModified', reason: 'statusReason' },
              known: (state) => answered(state)?.declined !== undefined,
            },
          ],
          ...(pathwayId === undefined ? {} : { pathwayId }),
        };
      }
      default:
        throw refused(
          `${at}.status`,
          'task-status-not-supported',
          `Parcours ne sait pas enregistrer une Task « ${status} » : un adressage est accepté, refusé ou réalisé.`,
          `Parcours cannot record a "${status}" Task: a referral is accepted, declined or completed.`,
        );
    }
  }
}

/**
 * `POST …/fhir` and `npm run cli -- import`: a FHIR R4 Bundle — a hospital discharge (Encounter, Patient,
 * Organization, Practitioner/PractitionerRole), a referral (ServiceRequest, Task), or a pathway exported
 * by Parcours (CarePlan…) — recorded through the capabilities' own commands, all or nothing. The mapping
 * is in `docs/fhir.md`.
 */
@Injectable()
export class FhirImport {
  constructor(private readonly importer: Importer) {}

  async import(context: ImportContext, bundle: FhirBundle): Promise<FhirImportResult> {
    const commit = await this.importer.run(context, async (session) => {
      const run = new BundleImport(session, bundle);
      await run.import();
      return run.records;
    });
    const ignored = bundle.entries
      .filter((entry) => !READ_TYPES.has(entry.resource.resourceType))
      .map((entry) => ({ at: entry.at, resourceType: entry.resource.resourceType }));
    return {
      records: commit.result,
      ignored,
      replayed: commit.replayed,
      ...(commit.position === undefined ? {} : { position: commit.position.toString() }),
    };
  }
}
