import { Injectable } from '@nestjs/common';
import type { RegisterMedecinTraitantSearch, RegisterPatient } from '../../patients/patient.commands';
import { patientEvolver } from '../../patients/patient.decider';
import type { MedecinTraitantSearchPriority, PatientSex } from '../../patients/patient.events';
import { PatientCommandMessage } from '../../patients/patients.handler';
import { MedecinTraitantSearchDto, RegisterPatientDto } from '../../patients/patients.dto';
import { ageInMonths, parisDate } from '../../shared/paris-time';
import { normalizeIns } from '../shared/directory';
import { insProblem } from '../shared/french-identifiers';
import { checkShape } from '../shared/import-errors';
import { type ImportContext, Importer, type ImportSession } from '../shared/importer';
import {
  csvDate,
  type CsvImportOptions,
  type CsvImportReport,
  importRows,
  type RejectedRow,
  yesNo,
} from './csv-import';
import { type CsvTable, findColumns, readCsv } from './csv-input';

/**
 * The columns of the CPAM's list of patients without a médecin traitant, by the names accepted for each
 * (compared in lower case, without accents nor little words, the others joined by `_`: `Date de
 * naissance` is `date_naissance`). `docs/cpam-imports.md` describes them for the people who prepare the file.
 */
export const MT_LIST_COLUMNS = {
  ins: ['ins', 'nir', 'matricule_ins', 'numero_ins'],
  nom: ['nom', 'nom_de_naissance', 'nom_naissance'],
  prenom: ['prenom', 'premier_prenom', 'prenoms'],
  date_naissance: ['date_naissance', 'ddn'],
  sexe: ['sexe', 'genre'],
  code_commune: ['code_commune', 'code_insee', 'commune'],
  ald: ['ald'],
  css: ['css', 'c2s', 'cmu_c', 'ame'],
  date_signalement: ['date_signalement', 'date_liste', 'date_extraction'],
} as const;
type Column = keyof typeof MT_LIST_COLUMNS;
const REQUIRED: readonly Column[] = ['ins', 'nom', 'prenom', 'date_naissance', 'sexe'];

/** A row as read, before anything is decided. */
interface MtRow {
  line: number;
  ins: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: PatientSex;
  commune?: string;
  ald: boolean;
  css: boolean;
  registeredOn: string;
}

const SEXES: Record<string, PatientSex> = { '1': 'M', m: 'M', h: 'M', '2': 'F', f: 'F' };
const NOT_A_DATE = {
  fr: 'pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)',
  en: 'not a date (DD/MM/YYYY or YYYY-MM-DD)',
};
const YES_NO = { fr: 'O ou N (oui, non, 1, 0)', en: 'O or N (oui, non, 1, 0)' };

/** Who is searched for first (`docs/cpam-imports.md`): ALD, then 70 and over, then précarité. */
export function priorityOf(
  row: Pick<MtRow, 'ald' | 'css' | 'birthDate' | 'registeredOn'>,
): MedecinTraitantSearchPriority {
  if (row.ald) return 'ald';
  if (ageInMonths(row.birthDate, row.registeredOn) >= 70 * 12) return 'plus-de-70-ans';
  if (row.css) return 'precarite';
  return 'aucune';
}

function readRow(
  columns: Partial<Record<Column, string>>,
  record: CsvTable['records'][number],
  today: string,
  language: 'fr' | 'en',
): MtRow | RejectedRow {
  const reasons: string[] = [];
  const problem = (column: Column, fr: string, en: string) =>
    reasons.push(`${columns[column]}: ${language === 'fr' ? fr : en}`);
  const field = (column: Column) =>
    columns[column] === undefined ? '' : record.fields[columns[column]].trim();
  const ins = normalizeIns(field('ins'));
  const insIssue = insProblem(ins);
  if (insIssue) problem('ins', insIssue.fr, insIssue.en);
  const familyName = field('nom');
  const givenName = field('prenom');
  if (!familyName) problem('nom', 'le nom est vide', 'the family name is empty');
  if (!givenName) problem('prenom', 'le prénom est vide', 'the given name is empty');
  const birthDate = csvDate(field('date_naissance'));
  if (!birthDate) problem('date_naissance', NOT_A_DATE.fr, NOT_A_DATE.en);
  const sex: PatientSex | undefined = SEXES[field('sexe').toLowerCase()];
  if (!sex)
    problem(
      'sexe',
      '1, M ou H pour un homme, 2 ou F pour une femme',
      '1, M or H for a man, 2 or F for a woman',
    );
  const commune = field('code_commune').toUpperCase();
  if (commune && !/^(?:\d{2}|2[AB])\d{3}$/.test(commune))
    problem('code_commune', 'un code commune INSEE a 5 caractères', 'an INSEE commune code has 5 characters');
  const ald = yesNo(field('ald'));
  const css = yesNo(field('css'));
  if (ald === null) problem('ald', YES_NO.fr, YES_NO.en);
  if (css === null) problem('css', YES_NO.fr, YES_NO.en);
  const reported = field('date_signalement');
  const registeredOn = reported ? csvDate(reported) : today;
  if (!registeredOn) problem('date_signalement', NOT_A_DATE.fr, NOT_A_DATE.en);
  if (reasons.length > 0) return { line: record.line, reasons };
  return {
    line: record.line,
    ins,
    familyName,
    givenName,
    birthDate: birthDate!,
    sex,
    ...(commune ? { commune } : {}),
    ald: ald!,
    css: css!,
    registeredOn: registeredOn!,
  };
}

/**
 * `import-mt-list`: the CPAM's list of patients without a médecin traitant. For each row: the patient,
 * found by INS (never by name), else registered; then a médecin-traitant search with its priority —
 * through the patients capability's own commands and rules. A row is left as it is when the patient's
 * search is already open (the same file imported again, or a search registered by hand). Any rejected
 * row, for its format or a rule, and nothing is recorded: the report names every rejected row.
 */
@Injectable()
export class MtListImport {
  constructor(private readonly importer: Importer) {}

  async import(
    context: ImportContext,
    bytes: Buffer,
    options: CsvImportOptions = {},
  ): Promise<CsvImportReport> {
    const table = readCsv(bytes, options);
    const columns = findColumns(table, MT_LIST_COLUMNS, REQUIRED);
    const today = parisDate(context.now.getTime());
    const rejected: RejectedRow[] = [];
    const rows: MtRow[] = [];
    const lineOfIns = new Map<string, number>();
    for (const record of table.records) {
      const row = readRow(columns, record, today, options.language ?? 'fr');
      if ('reasons' in row) {
        rejected.push(row);
        continue;
      }
      const first = lineOfIns.get(row.ins.slice(0, 13));
      if (first !== undefined) {
        const reason =
          (options.language ?? 'fr') === 'fr'
            ? `le même INS figure ligne ${first}`
            : `the same INS is on line ${first}`;
        rejected.push({ line: row.line, reasons: [`${columns.ins}: ${reason}`] });
        continue;
      }
      lineOfIns.set(row.ins.slice(0, 13), row.line);
      rows.push(row);
    }

    const report: CsvImportReport = {
      format: 'cpam-mt-list',
      encoding: table.encoding,
      separator: table.separator,
      rows: table.records.length,
      imported: false,
      recorded: 0,
      unchanged: 0,
      rejected,
      counts: { patientsRegistered: 0, patientsFound: 0, searchesRegistered: 0, searchesAlreadyKnown: 0 },
    };
    return importRows(this.importer, context, { report, rows }, options, (session, row, counts) =>
      this.importRow(session, row, counts),
    );
  }

  /** One row: the patient (found or registered), then the search. True when something new is recorded. */
  private async importRow(
    session: ImportSession,
    row: MtRow,
    counts: Record<string, number>,
  ): Promise<boolean> {
    let recorded = false;
    let patientId = session.directory.patientByIns(row.ins);
    if (patientId === undefined) {
      const key = `patient\nins\n${row.ins.slice(0, 13)}`;
      const register: RegisterPatient = {
        type: 'RegisterPatient',
        data: {
          identity: {
            familyName: row.familyName,
            givenName: row.givenName,
            birthDate: row.birthDate,
            ins: row.ins,
          },
          sex: row.sex,
          birthYear: Number(row.birthDate.slice(0, 4)),
          ...(row.commune === undefined ? {} : { commune: row.commune }),
          ald: row.ald,
          precarious: row.css,
          hasMedecinTraitant: false,
        },
      };
      checkShape(RegisterPatientDto, register.data, `line ${row.line}`);
      const outcome = await session.execute(new PatientCommandMessage(session.meta(key), null, register));
      patientId = outcome.id;
      session.directory.addPatient(row.ins, patientId);
      if (outcome.replayed) counts.patientsFound += 1;
      else {
        counts.patientsRegistered += 1;
        recorded = true;
      }
    } else {
      counts.patientsFound += 1;
    }

    const state = await session.state(session.directory.streamOf('patient', patientId), patientEvolver);
    if (state.exists && state.medecinTraitantSearch !== undefined) {
      counts.searchesAlreadyKnown += 1;
      return recorded;
    }
    const search: RegisterMedecinTraitantSearch = {
      type: 'RegisterMedecinTraitantSearch',
      data: { registeredOn: row.registeredOn, requestedBy: 'patient', priority: priorityOf(row) },
    };
    checkShape(MedecinTraitantSearchDto, search.data, `line ${row.line}`);
    const key = `cpam-mt\n${row.ins.slice(0, 13)}\n${row.registeredOn}`;
    const outcome = await session.execute(new PatientCommandMessage(session.meta(key), patientId, search));
    if (outcome.replayed) {
      counts.searchesAlreadyKnown += 1;
      return recorded;
    }
    counts.searchesRegistered += 1;
    return true;
  }
}
