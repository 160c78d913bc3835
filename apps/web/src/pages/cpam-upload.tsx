/**
 * The CPAM's list of patients without a médecin traitant, uploaded by a coordinator from the patients
 * page (`POST …/imports/cpam-mt-list`): the file as it is (UTF-8 or Latin-1, `;` or `,`), all rows or
 * none. The answer is a report: what was recorded, or which lines were refused and why.
 */
import { useState } from 'preact/hooks';
import { ApiError, tenant, upload } from '../api';
import { formatNumber } from '../format';
import { useLang, useText } from '../i18n';
import { ErrorMessage } from '../ui/page';

interface ImportReport {
  encoding: string;
  separator: string;
  rows: number;
  imported: boolean;
  recorded: number;
  unchanged: number;
  rejected: Array<{ line: number; reasons: string[] }>;
  counts: Record<string, number>;
}

const TEXT = {
  fr: {
    title: 'Importer la liste de la CPAM',
    intro:
      'Le fichier CSV des patients sans médecin traitant envoyé par la CPAM (UTF-8 ou Latin-1, séparateur « ; » ou « , »). Chaque patient est retrouvé par son INS ou inscrit, et une recherche de médecin traitant est ouverte avec sa priorité (ALD, 70 ans et plus, précarité). Une seule ligne refusée, et rien n’est importé.',
    file: 'Fichier CSV',
    columns:
      'Colonnes : NIR (ou INS), Nom, Prénom, Date de naissance, Sexe ; facultatives : Code commune, ALD, CSS, Date de signalement.',
    submit: 'Importer le fichier',
    busy: 'Import en cours…',
    noFile: 'Choisissez un fichier.',
    done: (rows: string, recorded: string, unchanged: string) =>
      `${rows} ligne(s) lue(s) : ${recorded} enregistrée(s), ${unchanged} déjà connue(s).`,
    counts: (patients: string, found: string, searches: string, known: string) =>
      `${patients} patient(s) inscrit(s), ${found} retrouvé(s) par INS ; ${searches} recherche(s) ouverte(s), ${known} déjà en cours.`,
    refused: (n: string) =>
      `${n} ligne(s) refusée(s) : rien n’a été importé. Corrigez-les puis importez à nouveau le fichier.`,
    line: 'Ligne',
    reasons: 'Motifs',
  },
  en: {
    title: 'Import the CPAM list',
    intro:
      'The CSV file of patients without a médecin traitant sent by the CPAM (UTF-8 or Latin-1, “;” or “,” between fields). Each patient is found by INS or registered, and a search for a médecin traitant is opened with its priority (ALD, 70 and over, precarity). A single refused line, and nothing is imported.',
    file: 'CSV file',
    columns:
      'Columns: NIR (or INS), Nom, Prénom, Date de naissance, Sexe; optional: Code commune, ALD, CSS, Date de signalement.',
    submit: 'Import the file',
    busy: 'Importing…',
    noFile: 'Choose a file.',
    done: (rows: string, recorded: string, unchanged: string) =>
      `${rows} line(s) read: ${recorded} recorded, ${unchanged} already known.`,
    counts: (patients: string, found: string, searches: string, known: string) =>
      `${patients} patient(s) registered, ${found} found by INS; ${searches} search(es) opened, ${known} already under way.`,
    refused: (n: string) =>
      `${n} line(s) refused: nothing was imported. Fix them, then import the file again.`,
    line: 'Line',
    reasons: 'Reasons',
  },
};

export function MtListUpload() {
  const text = useText(TEXT);
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState(false);
  const n = (value: number | undefined) => formatNumber(value ?? 0, lang);

  const submit = async (event: Event) => {
    event.preventDefault();
    const file = new FormData(event.currentTarget as HTMLFormElement).get('file');
    if (!(file instanceof Blob) || file.size === 0) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await upload<ImportReport>(tenant('/imports/cpam-mt-list'), file, 'text/csv'));
    } catch (caught: unknown) {
      const apiError =
        caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) });
      const refused = (apiError.problem as { report?: ImportReport }).report;
      if (refused) setReport(refused);
      else setError(apiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="card cpam-upload">
      <h2>{text.title}</h2>
      <p class="muted">{text.intro}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div class={`field${missing ? ' invalid' : ''}`}>
          <label for="cpam-mt-file">{text.file}</label>
          <input
            id="cpam-mt-file"
            type="file"
            name="file"
            accept=".csv,text/csv"
            aria-describedby="cpam-mt-columns"
            aria-invalid={missing ? 'true' : undefined}
          />
          <p class="hint" id="cpam-mt-columns">
            {text.columns}
          </p>
          {missing && <p class="field-error">{text.noFile}</p>}
        </div>
        <button type="submit" class="secondary" disabled={busy}>
          {busy ? text.busy : text.submit}
        </button>
      </form>
      {error && <ErrorMessage error={error} />}
      {report && report.imported && (
        <div class="alert" role="status">
          <p>
            <strong>{text.done(n(report.rows), n(report.recorded), n(report.unchanged))}</strong>
          </p>
          <p>
            {text.counts(
              n(report.counts.patientsRegistered),
              n(report.counts.patientsFound),
              n(report.counts.searchesRegistered),
              n(report.counts.searchesAlreadyKnown),
            )}
          </p>
        </div>
      )}
      {report && !report.imported && (
        <div class="alert error" role="alert">
          <p>
            <strong>{text.refused(n(report.rejected.length))}</strong>
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{text.line}</th>
                  <th scope="col">{text.reasons}</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((row) => (
                  <tr key={row.line}>
                    <td class="num">{row.line}</td>
                    <td>{row.reasons.join(' ; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
