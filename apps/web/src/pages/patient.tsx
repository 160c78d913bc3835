/**
 * One patient (`#/patients/<id>`): what the CPTS knows without the identity (`GET …/patients/{id}/summary`:
 * médecin traitant, consents, blocks, pathways), the identity on explicit request only (`GET
 * …/patients/{id}`, written to the access log by the server), and the coordinator's forms: médecin
 * traitant search and assignment, consents, blocking, pharmacien correspondant, and erasure behind a
 * confirmation. `?action=<form>` opens a form (the worklist links to `action=medecin-traitant`).
 */
import { useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { ApiError, get, post, tenant } from '../api';
import { formatDate, formatDateTime, parisToday, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href } from '../router';
import { canWrite, hasRole } from '../session';
import {
  Checkbox,
  CommandForm,
  DateInput,
  type FormValues,
  InputError,
  Select,
  TextArea,
  TextInput,
} from '../ui/forms';
import { MemberSelect, useMemberName, useMembers } from '../ui/members';
import { ErrorMessage, Loaded, PageTitle, useQuery } from '../ui/page';
import { BreakGlassCard } from './patient-break-glass';
import { CARE_ACTIONS, PatientCareActions } from './patient-care';
import { CareTeamCard } from './patient-care-team';
import { YesNo } from './patient-shared';
import { TableRegion } from '../ui/table';

interface PathwaySummary {
  id: string;
  kind: string;
  status: string;
  openedAt: string;
  closedAt?: string;
  pendingCount: number;
  nextDueAt?: string;
}

interface NamedMember {
  memberId: string;
  displayName: string | null;
}

export interface PatientSummary {
  id: string;
  revision: number;
  sex: string;
  birthYear: number;
  ald: boolean;
  precarious: boolean;
  hasMedecinTraitant: boolean;
  medecinTraitant: NamedMember | null;
  medecinTraitantSearch?: { registeredOn: string; requestedBy: string; priority: string };
  consents: Record<string, { decision: string; on: string | null }>;
  blockedMemberIds: string[];
  pharmacienCorrespondant?: NamedMember;
  erased: boolean;
  erasedOn?: string;
  pathways: PathwaySummary[];
}

interface Identity {
  familyName: string;
  givenName: string;
  birthDate: string;
  ins?: string;
}

const ACTIONS = [
  'medecin-traitant-search',
  'medecin-traitant-search-closure',
  'medecin-traitant',
  'status',
  'identity-correction',
  'consent',
  'block',
  'unblock',
  'pharmacien',
  'erasure',
] as const;
type Action = (typeof ACTIONS)[number];

const TEXT = {
  fr: {
    title: (id: string) => `Patient ${id}`,
    back: 'Tous les patients',
    summary: 'Résumé',
    summaryIntro: 'Ce résumé ne contient aucune donnée d’identité.',
    id: 'Identifiant',
    sex: 'Sexe',
    birthYear: 'Année de naissance',
    ald: 'ALD',
    precarious: 'Précarité (CSS, AME)',
    mt: 'Médecin traitant',
    mtYesUnknown: 'Oui (hors CPTS)',
    none: 'Aucun',
    search: 'Recherche de médecin traitant',
    underWay: 'En cours',
    searchSince: (date: string, priority: string, by: string) =>
      `Depuis le ${date} — priorité : ${priority} — demandée par ${by}`,
    thePatient: 'le patient',
    pharmacien: 'Pharmacien correspondant',
    consents: 'Consentements',
    noConsent: 'Aucun consentement enregistré.',
    consentOn: (date: string) => `le ${date}`,
    blocks: 'Professionnels bloqués',
    noBlock: 'Aucun.',
    erased: 'Identité effacée',
    erasedOn: (date: string) => `Identité effacée le ${date}.`,
    pathways: 'Parcours',
    noPathway: 'Aucun parcours.',
    kind: 'Type',
    status: 'Statut',
    opened: 'Ouvert le',
    pending: 'Étapes à faire',
    nextDue: (date: string) => `prochaine le ${date}`,
    pathwaysTable: 'Parcours du patient',
    // Identity
    identity: 'Identité',
    identityLogged:
      'L’affichage de l’identité est enregistré dans le journal des accès (qui, quand, pour quel motif). Ne l’affichez que si vous en avez besoin.',
    purpose: 'Motif',
    purposes: {
      consultation: 'Consultation du dossier',
      'coordination-parcours': 'Coordination du parcours',
      'preparation-rcp': 'Préparation d’une RCP',
      'verification-identite': 'Vérification d’identité',
    } as Record<string, string>,
    showIdentity: 'Afficher l’identité',
    hideIdentity: 'Masquer l’identité',
    identityShown: 'Identité affichée ; cette consultation est tracée.',
    identityErased: 'L’identité de ce patient a été effacée : elle ne peut plus être lue.',
    familyName: 'Nom de naissance',
    givenName: 'Premier prénom',
    birthDate: 'Date de naissance',
    ins: 'INS',
    loading: 'Chargement…',
    // Actions
    actions: 'Actions',
    actionLabels: {
      'medecin-traitant-search': 'Enregistrer une recherche de médecin traitant',
      'medecin-traitant-search-closure': 'Clore la recherche de médecin traitant sans attribution',
      'medecin-traitant': 'Attribuer un médecin traitant',
      status: 'Mettre à jour la situation (ALD, précarité)',
      'identity-correction': 'Corriger l’identité…',
      consent: 'Enregistrer un consentement',
      block: 'Bloquer un professionnel',
      unblock: 'Débloquer un professionnel',
      pharmacien: 'Désigner le pharmacien correspondant',
      erasure: 'Effacer l’identité…',
    } as Record<Action, string>,
    erasedNoAction: 'L’identité est effacée : plus aucune action n’est possible sur ce patient.',
    close: 'Fermer le formulaire',
    save: 'Enregistrer',
    registeredOn: 'Date de la demande',
    requestedBy: 'Demandée par',
    priority: 'Priorité',
    patientAsked: 'Le patient lui-même',
    mtMember: 'Médecin généraliste',
    mtHint: 'Un médecin généraliste membre de la CPTS.',
    assignedOn: 'Date de la déclaration',
    scope: 'Portée',
    decision: 'Décision',
    on: 'Date',
    member: 'Professionnel',
    blockHint: 'Ce professionnel ne pourra plus lire les parcours de ce patient.',
    blockedMember: 'Professionnel bloqué',
    pharmacienMember: 'Pharmacien',
    erasureIntro:
      'L’effacement détruit la clé du patient : nom, prénom, date de naissance et INS deviennent illisibles, définitivement. Les parcours restent, sans identité. Cette action est irréversible.',
    reason: 'Motif',
    reasonHint: 'Par exemple « demande du patient, art. 17 RGPD ». Pas de donnée personnelle ici.',
    confirm: 'Je confirme l’effacement définitif de l’identité de ce patient.',
    mustConfirm: 'Cochez la case pour confirmer l’effacement.',
    erase: 'Effacer définitivement l’identité',
    yes: 'Oui',
    no: 'Non',
    optional: 'Facultatif.',
    closedOn: 'Date de clôture',
    closureReason: 'Pourquoi la recherche s’arrête',
    effectiveOn: 'À partir du',
    unchanged: 'Inchangé',
    aldNow: 'ALD',
    precariousNow: 'Précarité (CSS, AME)',
    identityIntro:
      'L’identité corrigée est chiffrée avec la clé du patient, comme à l’enregistrement ; l’ancienne reste dans l’historique, chiffrée. Saisissez l’identité complète telle qu’elle doit se lire.',
    correctionReason: 'Motif de la correction',
    correctionReasonHint: 'Par exemple « faute de frappe », « INS qualifié ». Pas de donnée personnelle ici.',
  },
  en: {
    title: (id: string) => `Patient ${id}`,
    back: 'All patients',
    summary: 'Summary',
    summaryIntro: 'This summary holds no identity data.',
    id: 'Id',
    sex: 'Sex',
    birthYear: 'Birth year',
    ald: 'ALD',
    precarious: 'Precarity (CSS, AME)',
    mt: 'Médecin traitant',
    mtYesUnknown: 'Yes (outside the CPTS)',
    none: 'None',
    search: 'Médecin traitant search',
    underWay: 'Under way',
    searchSince: (date: string, priority: string, by: string) =>
      `Since ${date} — priority: ${priority} — asked by ${by}`,
    thePatient: 'the patient',
    pharmacien: 'Pharmacien correspondant',
    consents: 'Consents',
    noConsent: 'No consent recorded.',
    consentOn: (date: string) => `on ${date}`,
    blocks: 'Blocked professionals',
    noBlock: 'None.',
    erased: 'Identity erased',
    erasedOn: (date: string) => `Identity erased on ${date}.`,
    pathways: 'Pathways',
    noPathway: 'No pathway.',
    kind: 'Kind',
    status: 'Status',
    opened: 'Opened',
    pending: 'Steps to do',
    nextDue: (date: string) => `next on ${date}`,
    pathwaysTable: 'The patient’s pathways',
    identity: 'Identity',
    identityLogged:
      'Showing the identity is written to the access log (who, when, for what purpose). Show it only if you need it.',
    purpose: 'Purpose',
    purposes: {
      consultation: 'Consulting the record',
      'coordination-parcours': 'Coordinating the pathway',
      'preparation-rcp': 'Preparing an RCP',
      'verification-identite': 'Checking the identity',
    } as Record<string, string>,
    showIdentity: 'Show the identity',
    hideIdentity: 'Hide the identity',
    identityShown: 'Identity shown; this reading is logged.',
    identityErased: 'This patient’s identity was erased: it can no longer be read.',
    familyName: 'Family name at birth',
    givenName: 'First given name',
    birthDate: 'Birth date',
    ins: 'INS',
    loading: 'Loading…',
    actions: 'Actions',
    actionLabels: {
      'medecin-traitant-search': 'Register a médecin traitant search',
      'medecin-traitant-search-closure': 'Close the médecin traitant search without an assignment',
      'medecin-traitant': 'Assign a médecin traitant',
      status: 'Update the situation (ALD, precarity)',
      'identity-correction': 'Correct the identity…',
      consent: 'Record a consent',
      block: 'Block a professional',
      unblock: 'Unblock a professional',
      pharmacien: 'Designate the pharmacien correspondant',
      erasure: 'Erase the identity…',
    } as Record<Action, string>,
    erasedNoAction: 'The identity is erased: no action is possible on this patient any more.',
    close: 'Close the form',
    save: 'Save',
    registeredOn: 'Date of the request',
    requestedBy: 'Asked by',
    priority: 'Priority',
    patientAsked: 'The patient',
    mtMember: 'General practitioner',
    mtHint: 'A general practitioner who is a member of the CPTS.',
    assignedOn: 'Date of the declaration',
    scope: 'Scope',
    decision: 'Decision',
    on: 'Date',
    member: 'Professional',
    blockHint: 'This professional will no longer read this patient’s pathways.',
    blockedMember: 'Blocked professional',
    pharmacienMember: 'Pharmacist',
    erasureIntro:
      'Erasure destroys the patient’s key: names, birth date and INS become unreadable, for good. The pathways stay, without identity. This cannot be undone.',
    reason: 'Reason',
    reasonHint: 'For example “patient’s request, GDPR art. 17”. No personal data here.',
    confirm: 'I confirm the permanent erasure of this patient’s identity.',
    mustConfirm: 'Tick the box to confirm the erasure.',
    erase: 'Erase the identity for good',
    yes: 'Yes',
    no: 'No',
    optional: 'Optional.',
    closedOn: 'Closing date',
    closureReason: 'Why the search ends',
    effectiveOn: 'From',
    unchanged: 'Unchanged',
    aldNow: 'ALD',
    precariousNow: 'Precarity (CSS, AME)',
    identityIntro:
      'The corrected identity is sealed with the patient’s key, as at registration; the former one stays in the history, sealed. Enter the whole identity as it should read.',
    correctionReason: 'Reason for the correction',
    correctionReasonHint: 'E.g. “typing mistake”, “INS qualified”. No personal data here.',
  },
};

/** The identity, fetched only when the user asks (the server logs each reading). */
function IdentityCard({ patientId, erased }: { patientId: string; erased: boolean }) {
  const text = useText(TEXT);
  const lang = useLang();
  const [state, setState] = useState<
    | { kind: 'hidden' }
    | { kind: 'loading' }
    | { kind: 'shown'; identity: Identity | null }
    | { kind: 'failed'; error: ApiError }
  >({ kind: 'hidden' });
  // The purpose goes to the access log with the reading (`X-Purpose`).
  const [purpose, setPurpose] = useState('consultation');

  const show = () => {
    setState({ kind: 'loading' });
    get<{ identity: Identity | null }>(tenant(`/patients/${patientId}`), {
      headers: { 'X-Purpose': purpose },
    }).then(
      (patient) => setState({ kind: 'shown', identity: patient.identity }),
      (error: unknown) =>
        setState({
          kind: 'failed',
          error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }),
        }),
    );
  };

  return (
    <section class="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{text.identity}</h2>
      {erased ? (
        <p>{text.identityErased}</p>
      ) : (
        <>
          <p class="alert">{text.identityLogged}</p>
          {state.kind === 'failed' && <ErrorMessage error={state.error} />}
          {state.kind === 'shown' ? (
            <>
              {state.identity === null ? (
                <p>{text.identityErased}</p>
              ) : (
                <dl class="facts identity" data-testid="identity">
                  <dt>{text.familyName}</dt>
                  <dd>{state.identity.familyName}</dd>
                  <dt>{text.givenName}</dt>
                  <dd>{state.identity.givenName}</dd>
                  <dt>{text.birthDate}</dt>
                  <dd>{formatDate(state.identity.birthDate, lang)}</dd>
                  <dt>{text.ins}</dt>
                  <dd class="mono">{state.identity.ins ?? '—'}</dd>
                </dl>
              )}
              <p class="muted" role="status">
                {text.identityShown}
              </p>
              <button type="button" class="secondary" onClick={() => setState({ kind: 'hidden' })}>
                {text.hideIdentity}
              </button>
            </>
          ) : (
            <div class="filters">
              <div class="field">
                <label for="identity-purpose">{text.purpose}</label>
                <select
                  id="identity-purpose"
                  value={purpose}
                  onChange={(event) => setPurpose(event.currentTarget.value)}
                >
                  {Object.entries(text.purposes).map(([value, name]) => (
                    <option key={value} value={value}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" class="secondary" disabled={state.kind === 'loading'} onClick={show}>
                {state.kind === 'loading' ? text.loading : text.showIdentity}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function SummaryCard({ patient }: { patient: PatientSummary }) {
  const text = useText(TEXT);
  const lang = useLang();
  const memberName = useMemberName();
  const search = patient.medecinTraitantSearch;
  const consents = Object.entries(patient.consents);
  return (
    <section class="card" aria-labelledby="summary-title">
      <h2 id="summary-title">{text.summary}</h2>
      <p class="muted">{text.summaryIntro}</p>
      {patient.erased && <p class="alert">{text.erasedOn(formatDate(patient.erasedOn, lang))}</p>}
      <dl class="facts">
        <dt>{text.id}</dt>
        <dd class="mono">{patient.id}</dd>
        <dt>{text.sex}</dt>
        <dd>{label(lang, 'sex', patient.sex)}</dd>
        <dt>{text.birthYear}</dt>
        <dd>{patient.birthYear}</dd>
        <dt>{text.ald}</dt>
        <dd>
          <YesNo value={patient.ald} />
        </dd>
        <dt>{text.precarious}</dt>
        <dd>
          <YesNo value={patient.precarious} />
        </dd>
        <dt>{text.mt}</dt>
        <dd data-testid="medecin-traitant">
          {patient.medecinTraitant
            ? (patient.medecinTraitant.displayName ?? memberName(patient.medecinTraitant.memberId))
            : patient.hasMedecinTraitant
              ? text.mtYesUnknown
              : text.none}
        </dd>
        {search && (
          <>
            <dt>{text.search}</dt>
            <dd>
              <span class="badge due">{text.underWay}</span>{' '}
              {text.searchSince(
                formatDate(search.registeredOn, lang),
                label(lang, 'priority', search.priority),
                search.requestedBy === 'patient' ? text.thePatient : memberName(search.requestedBy),
              )}
            </dd>
          </>
        )}
        <dt>{text.pharmacien}</dt>
        <dd>
          {patient.pharmacienCorrespondant
            ? (patient.pharmacienCorrespondant.displayName ??
              memberName(patient.pharmacienCorrespondant.memberId))
            : text.none}
        </dd>
        <dt>{text.consents}</dt>
        <dd>
          {consents.length === 0 ? (
            text.noConsent
          ) : (
            <ul class="list-plain">
              {consents.map(([scope, consent]) => (
                <li key={scope}>
                  {label(lang, 'consentScope', scope)} :{' '}
                  <strong>{label(lang, 'consentDecision', consent.decision)}</strong>
                  {consent.on && ` (${text.consentOn(formatDate(consent.on, lang))})`}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{text.blocks}</dt>
        <dd>
          {patient.blockedMemberIds.length === 0 ? (
            text.noBlock
          ) : (
            <ul class="list-plain">
              {patient.blockedMemberIds.map((id) => (
                <li key={id}>{memberName(id)}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}

function PathwaysCard({ pathways }: { pathways: PathwaySummary[] }) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <section class="card" aria-labelledby="pathways-title">
      <h2 id="pathways-title">{text.pathways}</h2>
      {pathways.length === 0 ? (
        <p class="muted">{text.noPathway}</p>
      ) : (
        <TableRegion label={text.pathwaysTable}>
          <thead>
            <tr>
              <th scope="col">{text.kind}</th>
              <th scope="col">{text.status}</th>
              <th scope="col">{text.opened}</th>
              <th scope="col">{text.pending}</th>
            </tr>
          </thead>
          <tbody>
            {pathways.map((pathway) => (
              <tr key={pathway.id}>
                <td>
                  <a href={href(`/pathways/${pathway.id}`)}>{label(lang, 'pathwayKind', pathway.kind)}</a>{' '}
                  <span class="mono muted">{shortId(pathway.id)}</span>
                </td>
                <td>
                  <span class={`badge ${pathway.status === 'open' ? 'ok' : 'neutral'}`}>
                    {label(lang, 'pathwayStatus', pathway.status)}
                  </span>
                </td>
                <td>{formatDateTime(pathway.openedAt, lang)}</td>
                <td>
                  {pathway.pendingCount}
                  {pathway.nextDueAt && ` — ${text.nextDue(formatDateTime(pathway.nextDueAt, lang))}`}
                </td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}
    </section>
  );
}

/** The form of one action; each posts to `…/patients/{id}/<route>` and reloads the summary. */
function ActionForm(props: { action: Action; patient: PatientSummary; onDone: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  const members = useMembers();
  const memberName = useMemberName();
  const { action, patient } = props;
  const today = parisToday();
  const path = (route: string) => tenant(`/patients/${patient.id}/${route}`);
  const send =
    (route: string, body: (values: FormValues) => unknown) => (values: FormValues, idempotencyKey: string) =>
      post(path(route), body(values), { idempotencyKey });
  const common = {
    level: 3 as const,
    title: text.actionLabels[action].replace(/…$/, ''),
    submitLabel: text.save,
    onDone: props.onDone,
  };

  switch (action) {
    case 'medecin-traitant-search': {
      const requesters: Array<[string, string]> = [
        ['patient', text.patientAsked],
        ...members
          .filter((member) => !member.leftOn)
          .map((member): [string, string] => [
            member.id,
            `${member.displayName} — ${label(lang, 'profession', member.profession)}`,
          ]),
      ];
      return (
        <CommandForm
          {...common}
          fields={['registeredOn', 'requestedBy', 'priority']}
          submit={send('medecin-traitant-search', (values) => ({
            registeredOn: values.required('registeredOn'),
            requestedBy: values.required('requestedBy'),
            priority: values.required('priority'),
          }))}
        >
          <DateInput name="registeredOn" label={text.registeredOn} required defaultValue={today} />
          <Select
            key={`requesters-${requesters.length}`}
            name="requestedBy"
            label={text.requestedBy}
            required
            options={requesters}
            defaultValue="patient"
          />
          <Select
            name="priority"
            label={text.priority}
            required
            options={options(lang, 'priority')}
            defaultValue={patient.ald ? 'ald' : patient.precarious ? 'precarite' : 'aucune'}
          />
        </CommandForm>
      );
    }
    case 'medecin-traitant-search-closure':
      return (
        <CommandForm
          {...common}
          fields={['closedOn', 'reason']}
          submit={send('medecin-traitant-search/closure', (values) => ({
            closedOn: values.required('closedOn'),
            reason: values.required('reason'),
          }))}
        >
          <DateInput name="closedOn" label={text.closedOn} required defaultValue={today} />
          <Select
            name="reason"
            label={text.closureReason}
            required
            options={options(lang, 'searchClosure')}
          />
        </CommandForm>
      );
    case 'status': {
      const choice = (current: boolean): Array<[string, string]> => [
        ['', `${text.unchanged} (${current ? text.yes : text.no})`],
        ['true', text.yes],
        ['false', text.no],
      ];
      const flag = (value: string | undefined) => (value === undefined ? undefined : value === 'true');
      return (
        <CommandForm
          {...common}
          fields={['effectiveOn', 'ald', 'precarious']}
          submit={send('status', (values) => ({
            effectiveOn: values.required('effectiveOn'),
            ald: flag(values.text('ald')),
            precarious: flag(values.text('precarious')),
          }))}
        >
          <DateInput name="effectiveOn" label={text.effectiveOn} required defaultValue={today} />
          <Select name="ald" label={text.aldNow} options={choice(patient.ald)} defaultValue="" />
          <Select
            name="precarious"
            label={text.precariousNow}
            options={choice(patient.precarious)}
            defaultValue=""
          />
        </CommandForm>
      );
    }
    case 'identity-correction':
      return (
        <CommandForm
          {...common}
          intro={<p>{text.identityIntro}</p>}
          fields={['identity', 'reason']}
          submit={send('identity-correction', (values) => ({
            identity: {
              familyName: values.required('identity.familyName'),
              givenName: values.required('identity.givenName'),
              birthDate: values.required('identity.birthDate'),
              ins: values.text('identity.ins'),
            },
            reason: values.required('reason'),
          }))}
        >
          <TextInput name="identity.familyName" label={text.familyName} required maxLength={100} />
          <TextInput name="identity.givenName" label={text.givenName} required maxLength={100} />
          <DateInput name="identity.birthDate" label={text.birthDate} required />
          <TextInput name="identity.ins" label={text.ins} hint={text.optional} maxLength={15} />
          <TextArea
            name="reason"
            label={text.correctionReason}
            hint={text.correctionReasonHint}
            required
            maxLength={500}
            rows={2}
          />
        </CommandForm>
      );
    case 'medecin-traitant':
      return (
        <CommandForm
          {...common}
          fields={['memberId', 'assignedOn']}
          submit={send('medecin-traitant', (values) => ({
            memberId: values.required('memberId'),
            assignedOn: values.required('assignedOn'),
          }))}
        >
          <MemberSelect
            name="memberId"
            label={text.mtMember}
            hint={text.mtHint}
            professions={['medecin-generaliste']}
            dateField="assignedOn"
            required
          />
          <DateInput name="assignedOn" label={text.assignedOn} required defaultValue={today} />
        </CommandForm>
      );
    case 'consent':
      return (
        <CommandForm
          {...common}
          fields={['scope', 'decision', 'on']}
          submit={send('consents', (values) => ({
            scope: values.required('scope'),
            decision: values.required('decision'),
            on: values.required('on'),
          }))}
        >
          <Select name="scope" label={text.scope} required options={options(lang, 'consentScope')} />
          <Select name="decision" label={text.decision} required options={options(lang, 'consentDecision')} />
          <DateInput name="on" label={text.on} required defaultValue={today} />
        </CommandForm>
      );
    case 'block':
      return (
        <CommandForm
          {...common}
          fields={['memberId', 'on']}
          submit={send('blocks', (values) => ({
            memberId: values.required('memberId'),
            on: values.required('on'),
          }))}
        >
          <MemberSelect name="memberId" label={text.member} hint={text.blockHint} required dateField="on" />
          <DateInput name="on" label={text.on} required defaultValue={today} />
        </CommandForm>
      );
    case 'unblock':
      return (
        <CommandForm
          {...common}
          fields={['memberId', 'on']}
          submit={send('unblocks', (values) => ({
            memberId: values.required('memberId'),
            on: values.required('on'),
          }))}
        >
          <Select
            key={`blocked-${members.length}`}
            name="memberId"
            label={text.blockedMember}
            required
            options={patient.blockedMemberIds.map((id): [string, string] => [id, memberName(id)])}
          />
          <DateInput name="on" label={text.on} required defaultValue={today} />
        </CommandForm>
      );
    case 'pharmacien':
      return (
        <CommandForm
          {...common}
          fields={['memberId', 'on']}
          submit={send('pharmacien-correspondant', (values) => ({
            memberId: values.required('memberId'),
            on: values.required('on'),
          }))}
        >
          <MemberSelect
            name="memberId"
            label={text.pharmacienMember}
            professions={['pharmacien']}
            dateField="on"
            required
          />
          <DateInput name="on" label={text.on} required defaultValue={today} />
        </CommandForm>
      );
    case 'erasure':
      return (
        <CommandForm
          {...common}
          class="danger-zone"
          intro={<p class="alert error">{text.erasureIntro}</p>}
          submitLabel={text.erase}
          fields={['on', 'reason', 'confirm']}
          submit={(values, idempotencyKey) => {
            // Checked here: the confirmation is the user's, not part of the command.
            if (!values.bool('confirm')) return Promise.reject(new InputError('confirm', text.mustConfirm));
            return post(
              path('erasure'),
              { on: values.required('on'), reason: values.required('reason') },
              { idempotencyKey },
            );
          }}
        >
          <DateInput name="on" label={text.on} required defaultValue={today} />
          <TextArea
            name="reason"
            label={text.reason}
            hint={text.reasonHint}
            required
            maxLength={500}
            rows={2}
          />
          <Checkbox name="confirm" label={text.confirm} required />
        </CommandForm>
      );
  }
}

export function PatientPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const id = route.segments[1] ?? '';
  const summary = useQuery<PatientSummary>(tenant(`/patients/${encodeURIComponent(id)}/summary`));
  const requested = route.params.get('action');
  const action = ACTIONS.find((candidate) => candidate === requested);
  const careAction = CARE_ACTIONS.find((candidate) => candidate === requested);
  const coordinator = hasRole(session, 'coordinator');
  const title = text.title(shortId(id));

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <a href={href('/patients')}>{text.back}</a>
      </p>
      {summary.error?.status === 404 && hasRole(session, 'professional') && !coordinator && (
        <BreakGlassCard patientId={id} onOpened={summary.reload} />
      )}
      <Loaded query={summary}>
        {(patient) => {
          const available = ACTIONS.filter(
            (candidate) =>
              (candidate !== 'unblock' || patient.blockedMemberIds.length > 0) &&
              (candidate !== 'medecin-traitant-search-closure' ||
                patient.medecinTraitantSearch !== undefined),
          );
          return (
            <div class="columns">
              <div>
                <SummaryCard patient={patient} />
                <IdentityCard
                  key={`${patient.erased}-${patient.revision}`}
                  patientId={patient.id}
                  erased={patient.erased}
                />
                <PathwaysCard pathways={patient.pathways} />
                <CareTeamCard
                  key={patient.revision}
                  patientId={patient.id}
                  coordinator={coordinator}
                  erased={patient.erased}
                />
              </div>
              <div>
                {canWrite(session) && !patient.erased && (
                  <PatientCareActions
                    patientId={patient.id}
                    pathways={patient.pathways}
                    action={careAction}
                    onOpened={summary.reload}
                  />
                )}
                {coordinator && (
                  <section class="card" aria-labelledby="actions-title">
                    <h2 id="actions-title">{text.actions}</h2>
                    {patient.erased ? (
                      <p class="muted">{text.erasedNoAction}</p>
                    ) : (
                      <>
                        <ul class="list-plain patient-actions">
                          {available.map((candidate) => (
                            <li key={candidate}>
                              <a
                                href={href(`/patients/${patient.id}`, { action: candidate })}
                                aria-current={candidate === action ? 'true' : undefined}
                              >
                                {text.actionLabels[candidate]}
                              </a>
                            </li>
                          ))}
                        </ul>
                        {action && available.includes(action) && (
                          <>
                            <ActionForm
                              key={action}
                              action={action}
                              patient={patient}
                              onDone={summary.reload}
                            />
                            <p>
                              <a href={href(`/patients/${patient.id}`)}>{text.close}</a>
                            </p>
                          </>
                        )}
                      </>
                    )}
                  </section>
                )}
              </div>
            </div>
          );
        }}
      </Loaded>
    </>
  );
}
