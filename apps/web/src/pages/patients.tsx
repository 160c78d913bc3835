/**
 * The patients of the CPTS, pseudonymous (`GET …/patients`: no name, no birth date), a field to open a
 * patient by id, and for coordinators the registration form (`POST …/patients`), which leads to the new
 * patient's page. Identities are only ever shown on the patient's page, on request, and logged.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { ApiError, post, query, tenant } from '../api';
import { shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { hasRole } from '../session';
import { Checkbox, CommandForm, DateInput, Select, TextInput } from '../ui/forms';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { isUuid, YesNo } from './patient-shared';
import { TableRegion } from '../ui/table';
import { MtListUpload } from './cpam-upload';
import { PatientSearch } from './patient-search';

export interface PatientListItem {
  id: string;
  revision: number;
  sex: string;
  birthYear: number;
  ald: boolean;
  precarious: boolean;
  hasMedecinTraitant: boolean;
  medecinTraitant: { memberId: string; displayName: string | null } | null;
  medecinTraitantSearch: boolean;
  erased: boolean;
  pathwayCount: number;
  openPathwayCount: number;
}

const PAGE = 50;

const TEXT = {
  fr: {
    title: 'Patients',
    intro:
      'Liste pseudonyme : ni nom ni date de naissance. L’identité se consulte sur la page du patient, et chaque consultation est enregistrée dans le journal des accès.',
    openTitle: 'Ouvrir un patient',
    openLabel: 'Identifiant du patient',
    openHint: 'L’identifiant complet (UUID), tel qu’il figure sur un parcours ou une demande.',
    open: 'Ouvrir',
    badId: 'Indiquez un identifiant complet de patient (UUID).',
    register: 'Inscrire un patient',
    filters: 'Filtrer la liste',
    mt: 'Médecin traitant',
    all: 'Tous',
    withMt: 'Avec médecin traitant',
    withoutMt: 'Sans médecin traitant',
    birthYear: 'Année de naissance',
    filter: 'Filtrer',
    table: 'Patients de la CPTS',
    patient: 'Patient',
    sex: 'Sexe',
    ald: 'ALD',
    precarious: 'Précarité',
    pathways: 'Parcours (ouverts / total)',
    none: 'Aucun',
    searching: 'Recherche en cours',
    erased: 'Identité effacée',
    empty: 'Aucun patient ne correspond.',
    next: 'Page suivante',
    first: 'Première page',
    shown: (n: number) => `${n} patient(s) sur cette page, classés par identifiant.`,
    // Registration
    formTitle: 'Inscrire un patient',
    formIntro:
      'L’identité est chiffrée avec une clé propre au patient avant d’être enregistrée ; elle n’apparaît jamais dans les listes.',
    submit: 'Inscrire le patient',
    familyName: 'Nom de naissance',
    givenName: 'Premier prénom',
    birthDate: 'Date de naissance',
    ins: 'INS (facultatif)',
    insHint: '13 ou 15 caractères.',
    birthYearHint: 'Reprise de la date de naissance.',
    commune: 'Commune de résidence (code INSEE, facultatif)',
    communeHint: 'Par exemple 69264.',
    aldLabel: 'Affection de longue durée (ALD)',
    precariousLabel: 'Bénéficiaire de la CSS ou de l’AME',
    hasMtLabel: 'A déjà un médecin traitant',
    cancel: 'Fermer le formulaire',
    sameIns: 'Ce patient est déjà inscrit avec cet INS :',
    possibleDuplicate: 'Un patient de même nom et de même date de naissance est déjà inscrit :',
    openExisting: (id: string) => `Ouvrir le dossier ${id}`,
    notSamePerson: 'J’ai vérifié : ce n’est pas la même personne, inscrire quand même',
  },
  en: {
    title: 'Patients',
    intro:
      'Pseudonymous list: no name, no birth date. The identity is read on the patient’s page, and every reading is written to the access log.',
    openTitle: 'Open a patient',
    openLabel: 'Patient id',
    openHint: 'The full id (UUID), as shown on a pathway or a request.',
    open: 'Open',
    badId: 'Give a full patient id (UUID).',
    register: 'Register a patient',
    filters: 'Filter the list',
    mt: 'Médecin traitant',
    all: 'All',
    withMt: 'With a médecin traitant',
    withoutMt: 'Without a médecin traitant',
    birthYear: 'Birth year',
    filter: 'Filter',
    table: 'Patients of the CPTS',
    patient: 'Patient',
    sex: 'Sex',
    ald: 'ALD',
    precarious: 'Precarity',
    pathways: 'Pathways (open / total)',
    none: 'None',
    searching: 'Search under way',
    erased: 'Identity erased',
    empty: 'No patient matches.',
    next: 'Next page',
    first: 'First page',
    shown: (n: number) => `${n} patient(s) on this page, sorted by id.`,
    formTitle: 'Register a patient',
    formIntro:
      'The identity is encrypted with a key of the patient’s own before it is stored; it never shows in lists.',
    submit: 'Register the patient',
    familyName: 'Family name at birth',
    givenName: 'First given name',
    birthDate: 'Birth date',
    ins: 'INS (optional)',
    insHint: '13 or 15 characters.',
    birthYearHint: 'Taken from the birth date.',
    commune: 'Commune of residence (INSEE code, optional)',
    communeHint: 'For example 69264.',
    aldLabel: 'Long-term condition (ALD)',
    precariousLabel: 'CSS or AME beneficiary',
    hasMtLabel: 'Already has a médecin traitant',
    cancel: 'Close the form',
    sameIns: 'This patient is registered already with this INS:',
    possibleDuplicate: 'A patient with the same names and birth date is registered already:',
    openExisting: (id: string) => `Open record ${id}`,
    notSamePerson: 'I checked: this is not the same person, register anyway',
  },
};

function OpenById() {
  const text = useText(TEXT);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="filters"
      role="search"
      aria-label={text.openTitle}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const value = new FormData(event.currentTarget).get('patientId');
        const id = typeof value === 'string' ? value.trim().toLowerCase() : '';
        if (!isUuid(id)) {
          setError(text.badId);
          return;
        }
        navigate(href(`/patients/${id}`));
      }}
    >
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for="open-patient-id">{text.openLabel}</label>
        <input
          id="open-patient-id"
          name="patientId"
          type="text"
          autocomplete="off"
          spellcheck={false}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'open-patient-hint open-patient-error' : 'open-patient-hint'}
          onInput={() => setError(null)}
        />
        <p class="hint" id="open-patient-hint">
          {text.openHint}
        </p>
        {error && (
          <p class="field-error" id="open-patient-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" class="secondary">
        {text.open}
      </button>
    </form>
  );
}

/** What the server said of other patients the registration may duplicate (a 409 naming them). */
interface Duplicates {
  rule: 'duplicate-ins' | 'possible-duplicate';
  existing: string[];
}

function duplicatesOf(error: unknown): Duplicates | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const { rule, existing } = error.problem as { rule?: string; existing?: unknown };
  if ((rule !== 'duplicate-ins' && rule !== 'possible-duplicate') || !Array.isArray(existing)) return null;
  return { rule, existing: existing.filter((id): id is string => typeof id === 'string') };
}

/**
 * The registration form; the birth year follows the birth date until the user types one. A patient with
 * the same INS is shown (and stops the registration); one with the same names and birth date is shown
 * with a box to tick, which sends the registration again naming them as other people (`notDuplicateOf`).
 */
function RegistrationForm({ onClose }: { onClose: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  const [yearTouched, setYearTouched] = useState(false);
  const [duplicates, setDuplicates] = useState<Duplicates | null>(null);

  const followBirthDate = (event: JSX.TargetedEvent<HTMLDivElement>) => {
    const target = event.target as HTMLInputElement;
    if (target.name === 'birthYear') {
      setYearTouched(target.value !== '');
      return;
    }
    if (target.name !== 'identity.birthDate' || yearTouched) return;
    const year = /^(\d{4})-/.exec(target.value)?.[1];
    const input = event.currentTarget.querySelector<HTMLInputElement>('input[name="birthYear"]');
    if (input && year) input.value = year;
  };

  return (
    <CommandForm
      title={text.formTitle}
      intro={<p class="muted">{text.formIntro}</p>}
      submitLabel={text.submit}
      fields={['identity', 'sex', 'birthYear', 'commune', 'ald', 'precarious', 'hasMedecinTraitant']}
      submit={async (values, idempotencyKey) => {
        const confirmed =
          duplicates?.rule === 'possible-duplicate' && values.bool('notDuplicate') ? duplicates.existing : [];
        try {
          return await post(
            tenant('/patients'),
            {
              identity: {
                familyName: values.required('identity.familyName'),
                givenName: values.required('identity.givenName'),
                birthDate: values.required('identity.birthDate'),
                ins: values.text('identity.ins')?.replace(/\s+/g, ''),
              },
              sex: values.required('sex'),
              birthYear: values.number('birthYear'),
              commune: values.text('commune'),
              ald: values.bool('ald'),
              precarious: values.bool('precarious'),
              hasMedecinTraitant: values.bool('hasMedecinTraitant'),
              ...(confirmed.length > 0 ? { notDuplicateOf: confirmed } : {}),
            },
            { idempotencyKey },
          );
        } catch (error: unknown) {
          setDuplicates(duplicatesOf(error));
          throw error;
        }
      }}
      onDone={(result) => navigate(href(`/patients/${result.id}`))}
    >
      <div onInput={followBirthDate}>
        <div class="grid">
          <TextInput name="identity.familyName" label={text.familyName} required maxLength={100} />
          <TextInput name="identity.givenName" label={text.givenName} required maxLength={100} />
          <DateInput name="identity.birthDate" label={text.birthDate} required />
          <TextInput name="identity.ins" label={text.ins} hint={text.insHint} maxLength={20} />
          <Select name="sex" label={text.sex} required options={options(lang, 'sex')} />
          <TextInput
            name="birthYear"
            type="number"
            min={1900}
            max={2200}
            label={text.birthYear}
            hint={text.birthYearHint}
            required
          />
          <TextInput name="commune" label={text.commune} hint={text.communeHint} maxLength={5} />
        </div>
        <Checkbox name="ald" label={text.aldLabel} />
        <Checkbox name="precarious" label={text.precariousLabel} />
        <Checkbox name="hasMedecinTraitant" label={text.hasMtLabel} />
      </div>
      {duplicates && (
        <div class="alert duplicates" data-testid="duplicates">
          <p>{duplicates.rule === 'duplicate-ins' ? text.sameIns : text.possibleDuplicate}</p>
          <ul>
            {duplicates.existing.map((id) => (
              <li key={id}>
                <a href={href(`/patients/${id}`)}>{text.openExisting(shortId(id))}</a>
              </li>
            ))}
          </ul>
          {duplicates.rule === 'possible-duplicate' && (
            <Checkbox key={duplicates.existing.join()} name="notDuplicate" label={text.notSamePerson} />
          )}
        </div>
      )}
      <p>
        <button type="button" class="link" onClick={onClose}>
          {text.cancel}
        </button>
      </p>
    </CommandForm>
  );
}

export function PatientsPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const mt = route.params.get('hasMedecinTraitant') ?? '';
  const birthYear = route.params.get('birthYear') ?? '';
  const after = route.params.get('after') ?? '';
  const registering = route.params.get('action') === 'register';
  const coordinator = hasRole(session, 'coordinator');
  const filters = { hasMedecinTraitant: mt, birthYear };
  // The list is for coordinators and auditors (the API's roles); others may still open a patient by id.
  const lists = hasRole(session, 'coordinator', 'auditor');
  const list = useQuery<{ items: PatientListItem[]; nextAfter: string | null }>(
    lists ? tenant(`/patients${query({ ...filters, after, limit: PAGE })}`) : null,
  );

  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      {hasRole(session, 'coordinator', 'auditor', 'professional') && <PatientSearch />}
      <div class="card">
        <h2>{text.openTitle}</h2>
        <OpenById />
      </div>
      {coordinator &&
        (registering ? (
          <RegistrationForm onClose={() => navigate(href('/patients', filters))} />
        ) : (
          <p>
            <a class="button" href={href('/patients', { ...filters, action: 'register' })}>
              {text.register}
            </a>
          </p>
        ))}
      {coordinator && <MtListUpload />}
      {lists && (
        <>
          <h2>{text.table}</h2>
          <form
            class="filters"
            role="search"
            aria-label={text.filters}
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const pick = (name: string) => {
                const value = data.get(name);
                return typeof value === 'string' ? value.trim() : '';
              };
              navigate(
                href('/patients', {
                  hasMedecinTraitant: pick('hasMedecinTraitant'),
                  birthYear: pick('birthYear'),
                }),
              );
            }}
          >
            <div class="field">
              <label for="patients-mt">{text.mt}</label>
              <select id="patients-mt" name="hasMedecinTraitant" defaultValue={mt}>
                <option value="">{text.all}</option>
                <option value="true">{text.withMt}</option>
                <option value="false">{text.withoutMt}</option>
              </select>
            </div>
            <div class="field">
              <label for="patients-birth-year">{text.birthYear}</label>
              <input
                id="patients-birth-year"
                name="birthYear"
                type="number"
                min={1900}
                max={2200}
                defaultValue={birthYear}
              />
            </div>
            <button type="submit" class="secondary">
              {text.filter}
            </button>
          </form>
          <Loaded query={list}>
            {({ items, nextAfter }) =>
              items.length === 0 ? (
                <p class="empty">{text.empty}</p>
              ) : (
                <>
                  <p class="muted" role="status">
                    {text.shown(items.length)}
                  </p>
                  <TableRegion label={text.table} class="patients">
                    <thead>
                      <tr>
                        <th scope="col">{text.patient}</th>
                        <th scope="col">{text.sex}</th>
                        <th scope="col" class="num">
                          {text.birthYear}
                        </th>
                        <th scope="col">{text.ald}</th>
                        <th scope="col">{text.precarious}</th>
                        <th scope="col">{text.mt}</th>
                        <th scope="col" class="num">
                          {text.pathways}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((patient) => (
                        <tr key={patient.id} data-patient={patient.id}>
                          <td>
                            <a class="mono" href={href(`/patients/${patient.id}`)}>
                              {shortId(patient.id)}
                            </a>
                            {patient.erased && (
                              <>
                                {' '}
                                <span class="badge neutral">{text.erased}</span>
                              </>
                            )}
                          </td>
                          <td>{label(lang, 'sex', patient.sex)}</td>
                          <td class="num">{patient.birthYear}</td>
                          <td>
                            <YesNo value={patient.ald} />
                          </td>
                          <td>
                            <YesNo value={patient.precarious} />
                          </td>
                          <td>
                            {patient.medecinTraitant ? (
                              (patient.medecinTraitant.displayName ??
                              shortId(patient.medecinTraitant.memberId))
                            ) : patient.hasMedecinTraitant ? (
                              <YesNo value />
                            ) : patient.medecinTraitantSearch ? (
                              <span class="badge due">{text.searching}</span>
                            ) : (
                              <span class="muted">{text.none}</span>
                            )}
                          </td>
                          <td class="num">
                            {patient.openPathwayCount} / {patient.pathwayCount}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </TableRegion>
                  <div class="row-actions">
                    {after && <a href={href('/patients', filters)}>{text.first}</a>}
                    {nextAfter && (
                      <a href={href('/patients', { ...filters, after: nextAfter })}>{text.next}</a>
                    )}
                  </div>
                </>
              )
            }
          </Loaded>
        </>
      )}
    </>
  );
}
