/**
 * Finding a patient by name, birth date or INS (`POST …/patients/search`, through the server's blind index):
 * the terms travel in the request body, never in the page's address, and the results live in this
 * component only. Each patient shown is written to the access log by the server, with the purpose chosen.
 */
import { useState } from 'preact/hooks';
import { ApiError, post, tenant } from '../api';
import { formatDate } from '../format';
import { useLang, useText } from '../i18n';
import { label } from '../labels';
import { href } from '../router';
import { ErrorMessage } from '../ui/page';
import { TableRegion } from '../ui/table';

export interface FoundPatient {
  id: string;
  identity: { familyName: string; givenName: string; birthDate: string; ins?: string };
  sex: string;
  birthYear: number;
  erased: boolean;
}

const TEXT = {
  fr: {
    title: 'Rechercher un patient',
    intro:
      'Par nom (mots entiers, sans tenir compte des accents, majuscules ni tirets), date de naissance ou INS. Chaque patient trouvé est inscrit au journal des accès.',
    name: 'Nom et prénom',
    birthDate: 'Né(e) le',
    ins: 'N° INS',
    purpose: 'Motif',
    purposes: {
      'recherche-patient': 'Recherche d’un patient',
      'coordination-sortie': 'Coordination d’une sortie',
      'prise-en-charge': 'Prise en charge',
    } as Record<string, string>,
    search: 'Rechercher',
    searching: 'Recherche…',
    needOne: 'Indiquez au moins un nom, une date de naissance ou un INS.',
    results: 'Patients trouvés',
    patient: 'Patient',
    sex: 'Sexe',
    none: 'Aucun patient ne correspond. La recherche porte sur des mots entiers : vérifiez l’orthographe.',
    truncated: 'D’autres patients correspondent : précisez la recherche.',
    found: (n: number) => `${n} patient(s) trouvé(s).`,
    open: 'Ouvrir le dossier',
  },
  en: {
    title: 'Find a patient',
    intro:
      'By name (whole words, accents, case and hyphens aside), birth date or INS. Every patient found is written to the access log.',
    name: 'Names',
    birthDate: 'Born on',
    ins: 'INS number',
    purpose: 'Purpose',
    purposes: {
      'recherche-patient': 'Finding a patient',
      'coordination-sortie': 'Coordinating a discharge',
      'prise-en-charge': 'Care',
    } as Record<string, string>,
    search: 'Search',
    searching: 'Searching…',
    needOne: 'Give at least a name, a birth date or an INS.',
    results: 'Patients found',
    patient: 'Patient',
    sex: 'Sex',
    none: 'No patient matches. The search is by whole words: check the spelling.',
    truncated: 'More patients match: narrow the search.',
    found: (n: number) => `${n} patient(s) found.`,
    open: 'Open the record',
  },
};

export function PatientSearch() {
  const text = useText(TEXT);
  const lang = useLang();
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'done'; items: FoundPatient[]; truncated: boolean }
    | { kind: 'failed'; error: ApiError }
  >({ kind: 'idle' });

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const pick = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    const body = { name: pick('name'), birthDate: pick('birthDate'), ins: pick('ins')?.replace(/\s+/g, '') };
    if (!body.name && !body.birthDate && !body.ins) {
      setState({ kind: 'failed', error: new ApiError({ status: 400, detail: text.needOne }) });
      return;
    }
    setState({ kind: 'busy' });
    const purpose = pick('purpose') ?? 'recherche-patient';
    post<{ items: FoundPatient[]; truncated: boolean }>(tenant('/patients/search'), body, {
      headers: { 'X-Purpose': purpose },
    }).then(
      ({ items, truncated }) => setState({ kind: 'done', items, truncated }),
      (error: unknown) =>
        setState({
          kind: 'failed',
          error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }),
        }),
    );
  };

  return (
    <section class="card" aria-labelledby="patient-search-title">
      <h2 id="patient-search-title">{text.title}</h2>
      <p class="muted">{text.intro}</p>
      <form
        class="filters"
        role="search"
        aria-labelledby="patient-search-title"
        noValidate
        onSubmit={onSubmit}
      >
        <div class="field">
          <label for="patient-search-name">{text.name}</label>
          <input id="patient-search-name" name="name" type="search" autocomplete="off" maxLength={200} />
        </div>
        <div class="field">
          <label for="patient-search-birth-date">{text.birthDate}</label>
          <input id="patient-search-birth-date" name="birthDate" type="date" />
        </div>
        <div class="field">
          <label for="patient-search-ins">{text.ins}</label>
          <input id="patient-search-ins" name="ins" type="text" autocomplete="off" maxLength={20} />
        </div>
        <div class="field">
          <label for="patient-search-purpose">{text.purpose}</label>
          <select id="patient-search-purpose" name="purpose" defaultValue="recherche-patient">
            {Object.entries(text.purposes).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={state.kind === 'busy'}>
          {state.kind === 'busy' ? text.searching : text.search}
        </button>
      </form>
      {state.kind === 'failed' && <ErrorMessage error={state.error} />}
      {state.kind === 'done' &&
        (state.items.length === 0 ? (
          <p class="empty" role="status">
            {text.none}
          </p>
        ) : (
          <>
            <p class="muted" role="status">
              {text.found(state.items.length)} {state.truncated ? text.truncated : ''}
            </p>
            <TableRegion label={text.results}>
              <thead>
                <tr>
                  <th scope="col">{text.patient}</th>
                  <th scope="col">{text.birthDate}</th>
                  <th scope="col">{text.sex}</th>
                  <th scope="col">{text.ins}</th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((patient) => (
                  <tr key={patient.id} data-found={patient.id}>
                    <td>
                      <a href={href(`/patients/${patient.id}`)}>
                        {patient.identity.familyName.toUpperCase()} {patient.identity.givenName}
                      </a>
                    </td>
                    <td>{formatDate(patient.identity.birthDate, lang)}</td>
                    <td>{label(lang, 'sex', patient.sex)}</td>
                    <td class="mono">{patient.identity.ins ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
          </>
        ))}
    </section>
  );
}
