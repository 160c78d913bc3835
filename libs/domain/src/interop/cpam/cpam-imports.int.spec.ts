import iconv from 'iconv-lite';
import { patientEvolver } from '../../patients/patient.decider';
import type { PatientIdentity } from '../../patients/patient.events';
import { load } from '../../shared/command-runner';
import { streamId } from '../../shared/ids';
import { ImportInputError } from '../shared/import-errors';
import { ins, InteropWorld } from '../testing';
import { type CsvImportReport, CsvRowsRejected } from './csv-import';
import { CpamIndicatorsImport } from './indicators.import';
import { MtListImport } from './mt-list.import';

const INS = {
  hélène: ins('2480375123456'),
  aimé: ins('1520169123041'),
  cœur: ins('2860269381002'),
  zoé: ins('2950769388013'),
};
const NOW = new Date('2026-03-10T10:00:00+01:00');

/** A list as the CPAM sends it: a header and a row per patient, joined with `separator`. */
function list(separator: string, rows: string[][]): string {
  const header = ['NIR', 'Nom', 'Prénom', 'Date de naissance', 'Sexe', 'Code commune', 'ALD', 'CSS'];
  return [header, ...rows].map((fields) => fields.join(separator)).join('\r\n') + '\r\n';
}

const ROWS = [
  [INS.hélène, 'Lefèvre', 'Hélène', '02/03/1948', '2', '69123', 'N', 'N'],
  [INS.aimé, 'Bénard', 'Aimé', '15/01/1952', '1', '69381', 'O', 'N'],
  [INS.cœur, 'Sœur-Cœur', 'Zélie', '1986-02-20', 'F', '69381', 'N', 'O'],
  [INS.zoé, 'Duçon', 'Zoé', '1995-07-01', 'F', '', '', ''],
];

describe('CPAM imports', () => {
  let world: InteropWorld;
  let mtList: MtListImport;
  let indicators: CpamIndicatorsImport;
  beforeEach(async () => {
    world = new InteropWorld();
    await world.registerCpts();
    mtList = new MtListImport(world.importer);
    indicators = new CpamIndicatorsImport(world.importer);
  });
  afterEach(() => world.dispose());

  const importList = (bytes: Buffer) => mtList.import(world.context('import:cpam-mt', NOW), bytes);

  /** The patient registered for an INS, its identity as sealed, its search. */
  async function patientOf(insValue: string) {
    const events = await world.store.readAll({ maxCount: 10_000 });
    const streams = [...new Set(events.filter((e) => e.type === 'PatientRegistered').map((e) => e.streamId))];
    for (const stream of streams) {
      const id = stream.split('.')[1];
      const { state } = await load(world.store, stream, patientEvolver);
      if (!state.exists) continue;
      const identity = world.vault.open<PatientIdentity>(world.cptsId, id, state.sealedIdentity)!;
      if (identity.ins === insValue)
        return { id, state, identity, events: events.filter((e) => e.streamId === stream) };
    }
    throw new Error(`no patient with INS ${insValue}`);
  }

  describe('the list of patients without a médecin traitant', () => {
    it('reads UTF-8 with `;`: registers each patient, with a search and its priority (ALD, 70+, précarité)', async () => {
      const report = await importList(Buffer.from(list(';', ROWS), 'utf8'));
      expect(report).toMatchObject({
        format: 'cpam-mt-list',
        encoding: 'utf-8',
        separator: ';',
        rows: 4,
        imported: true,
        recorded: 4,
        unchanged: 0,
        rejected: [],
        counts: { patientsRegistered: 4, patientsFound: 0, searchesRegistered: 4, searchesAlreadyKnown: 0 },
      });
      const hélène = await patientOf(INS.hélène);
      expect(hélène.identity).toEqual({
        familyName: 'Lefèvre',
        givenName: 'Hélène',
        birthDate: '1948-03-02',
        ins: INS.hélène,
      });
      expect(hélène.state).toMatchObject({ sex: 'F', birthYear: 1948, commune: '69123', ald: false });
      expect(hélène.state.exists && hélène.state.medecinTraitantSearch).toMatchObject({
        registeredOn: '2026-03-10',
        requestedBy: 'patient',
        priority: 'plus-de-70-ans',
      });
      expect(hélène.events.map((e) => e.metadata.source)).toEqual(['import:cpam-mt', 'import:cpam-mt']);
      // The identity reaches the log only sealed.
      expect(JSON.stringify(hélène.events.map((e) => e.data))).not.toContain('Lefèvre');
      const priorities = await Promise.all(
        [INS.aimé, INS.cœur, INS.zoé].map(async (value) => {
          const { state } = await patientOf(value);
          return state.exists ? state.medecinTraitantSearch?.priority : undefined;
        }),
      );
      expect(priorities).toEqual(['ald', 'precarite', 'aucune']);
    });

    it('reads Latin-1 (Windows-1252) with `,`: the accents and the œ come out right', async () => {
      const bytes = iconv.encode(list(',', ROWS), 'win1252');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
      const report = await importList(bytes);
      expect(report).toMatchObject({ encoding: 'latin1', separator: ',', recorded: 4, rejected: [] });
      expect((await patientOf(INS.cœur)).identity).toMatchObject({
        familyName: 'Sœur-Cœur',
        givenName: 'Zélie',
      });
      expect((await patientOf(INS.aimé)).identity).toMatchObject({ familyName: 'Bénard', givenName: 'Aimé' });
    });

    it('takes the encoding and separator given instead of guessing them', async () => {
      const text = list(';', ROWS.slice(0, 1)).replace('Lefèvre', 'Lefèvre, dite Lili');
      const report = await mtList.import(
        world.context('import:cpam-mt', NOW),
        iconv.encode(text, 'win1252'),
        {
          encoding: 'latin1',
          separator: ';',
        },
      );
      expect(report).toMatchObject({ encoding: 'latin1', separator: ';', recorded: 1 });
      expect((await patientOf(INS.hélène)).identity.familyName).toBe('Lefèvre, dite Lili');
    });

    it('refuses the whole file on a bad row in the middle: nothing recorded, the report names each line', async () => {
      const rows = [
        ROWS[0],
        [INS.aimé, 'Bénard', 'Aimé', '31/02/1952', '1', '69381', 'O', 'N'],
        [`${INS.cœur.slice(0, 13)}00`, 'Sœur-Cœur', 'Zélie', '1986-02-20', 'X', '69381', 'peut-être', 'O'],
        ROWS[3],
      ];
      const before = await world.log();
      const error = await importList(Buffer.from(list(';', rows))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvRowsRejected);
      const report = (error as CsvRowsRejected).report;
      expect(report.imported).toBe(false);
      expect(report.rejected.map((row) => row.line)).toEqual([3, 4]);
      expect(report.rejected[0].reasons).toEqual(['date_naissance: pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)']);
      expect(report.rejected[1].reasons).toEqual([
        'nir: la clé de l’INS ne correspond pas à ses 13 caractères',
        'sexe: 1, M ou H pour un homme, 2 ou F pour une femme',
        'ald: O ou N (oui, non, 1, 0)',
      ]);
      expect(await world.log()).toEqual(before);
    });

    it('refuses the whole file on a row that breaks a rule of Parcours, naming the rule', async () => {
      const header = 'NIR;Nom;Prénom;Date de naissance;Sexe;Date de signalement';
      const text = [
        header,
        `${INS.hélène};Lefèvre;Hélène;02/03/1948;2;01/03/2026`,
        `${INS.aimé};Bénard;Aimé;15/01/1952;1;01/01/1950`,
        `${INS.zoé};Duçon;Zoé;01/07/1995;2;01/12/2026`,
      ].join('\n');
      const before = await world.log();
      const error = await mtList
        .import(world.context('import:cpam-mt', NOW), Buffer.from(text), { language: 'en' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvRowsRejected);
      const { rejected } = (error as CsvRowsRejected).report;
      expect(rejected).toEqual([
        { line: 3, reasons: [expect.stringMatching(/^business-time-too-early: /)] },
        { line: 4, reasons: [expect.stringMatching(/^business-time-in-future: /)] },
      ]);
      expect(await world.log()).toEqual(before);
    });

    it('adds nothing when the same file is imported again', async () => {
      const bytes = Buffer.from(list(';', ROWS));
      await importList(bytes);
      const after = await world.log();
      const again = await importList(bytes);
      expect(again).toMatchObject({ imported: true, recorded: 0, unchanged: 4, rejected: [] });
      expect(again.counts).toMatchObject({ patientsRegistered: 0, patientsFound: 4, searchesRegistered: 0 });
      expect(again.position).toBeUndefined();
      expect(await world.log()).toEqual(after);
      // The same list in the other encoding and separator is the same list.
      await importList(iconv.encode(list(',', ROWS), 'win1252'));
      expect(await world.log()).toEqual(after);
    });

    it('finds a known patient by INS (not by name), and leaves a search already open as it is', async () => {
      const known = await world.registerPatient({
        familyName: 'Autre-Nom',
        givenName: 'Autre',
        birthDate: '1948-03-02',
        ins: INS.hélène,
      });
      // Same name and birth date as a row, another INS: another person.
      await world.registerPatient({
        familyName: 'Bénard',
        givenName: 'Aimé',
        birthDate: '1952-01-15',
        ins: ins('1520175999999'),
      });
      const first = await importList(Buffer.from(list(';', ROWS.slice(0, 2))));
      expect(first.counts).toMatchObject({ patientsFound: 1, patientsRegistered: 1, searchesRegistered: 2 });
      expect((await patientOf(INS.hélène)).id).toBe(known);
      const patients = (await world.log()).filter((line) => line.endsWith(' PatientRegistered'));
      expect(patients).toHaveLength(3);
      const second = await importList(
        Buffer.from(list(';', ROWS.slice(0, 1)).replace('Hélène', 'Hélène-Marie')),
      );
      expect(second).toMatchObject({ recorded: 0, unchanged: 1 });
      expect(second.counts.searchesAlreadyKnown).toBe(1);
    });

    it('refuses a file without the required columns, naming them', async () => {
      const error = await importList(Buffer.from('nom;prenom\nA;B\n')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportInputError);
      expect((error as ImportInputError).issues.map((issue) => issue.message)).toEqual([
        expect.stringContaining('a column ins is required'),
        expect.stringContaining('a column date_naissance is required'),
        expect.stringContaining('a column sexe is required'),
      ]);
    });

    it('refuses a file that is not CSV, naming the line', async () => {
      const error = await importList(Buffer.from(`${list(';', ROWS.slice(0, 1))}"${INS.zoé};Duçon\n`)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImportInputError);
      expect((error as ImportInputError).issues[0].at).toBe('line 3');
    });

    it('decides again when another writer changes a stream before the commit, and records each thing once', async () => {
      const known = await world.registerPatient({
        familyName: 'Lefèvre',
        givenName: 'Hélène',
        birthDate: '1948-03-02',
        ins: INS.hélène,
      });
      // The first attempt's commit finds the patient's stream moved on by another writer.
      const append = world.store.append.bind(world.store);
      let interfered = false;
      world.store.append = async (stream, events, options) => {
        if (!interfered && stream === streamId('patient', world.cptsId, known)) {
          interfered = true;
          await append(
            stream,
            [
              {
                type: 'ConsentRecorded',
                data: { scope: 'dossier-partage', decision: 'accord', on: '2026-03-01' },
                metadata: {
                  cptsId: world.cptsId,
                  actor: { id: 'coordinator-2', role: 'coordinator' },
                  correlationId: 'other',
                  causationId: 'other',
                  source: 'api',
                },
              },
            ],
            { expectedRevision: 0 },
          );
        }
        return append(stream, events, options);
      };
      const report = await importList(Buffer.from(list(';', ROWS.slice(0, 2))));
      expect(interfered).toBe(true);
      expect(report).toMatchObject({ recorded: 2, rejected: [] });
      const searches = (await world.log()).filter((line) =>
        line.endsWith(' MedecinTraitantSearchRegistered'),
      );
      expect(searches).toHaveLength(2);
    });
  });

  describe('the yearly figures', () => {
    const importFigures = (text: string, encoding: 'utf8' | 'win1252' = 'utf8') =>
      indicators.import(world.context('import:cpam-indicators', NOW), iconv.encode(text, encoding), {
        language: 'en',
      });
    const FIGURES = [
      'Code;Année;Valeur;Source',
      'acces.cpam.patientele-mt;2025;87 %;CPAM du Rhône',
      'acces.cpam.sans-mt-ald;2025;0,041;CPAM du Rhône',
      'acces.cpam.urgences-sans-hospitalisation;2025;182,5;CPAM du Rhône',
    ].join('\n');

    it('records each row as ExternalIndicatorRecorded on the CPTS stream', async () => {
      const report = await importFigures(FIGURES, 'win1252');
      expect(report).toMatchObject({
        format: 'cpam-indicators',
        encoding: 'latin1',
        recorded: 3,
        rejected: [],
      });
      const events = await world.store.readStream(streamId('cpts', world.cptsId));
      expect(events.filter((e) => e.type === 'ExternalIndicatorRecorded').map((e) => e.data)).toEqual([
        { code: 'acces.cpam.patientele-mt', period: '2025', value: 0.87, source: 'CPAM du Rhône' },
        { code: 'acces.cpam.sans-mt-ald', period: '2025', value: 0.041, source: 'CPAM du Rhône' },
        {
          code: 'acces.cpam.urgences-sans-hospitalisation',
          period: '2025',
          value: 182.5,
          source: 'CPAM du Rhône',
        },
      ]);
      const again: CsvImportReport = await importFigures(FIGURES);
      expect(again).toMatchObject({ recorded: 0, unchanged: 3 });
    });

    it('refuses the file when a row breaks a rule or cannot be read: nothing recorded', async () => {
      const before = await world.log();
      const text = [
        'code,annee,valeur',
        'acces.cpam.patientele-mt,2025,0.87',
        'acces.cpam.sans-mt-ald,2025,4.1',
        'acces.cpam.inconnu,2025,0.1',
        'acces.cpam.sans-mt-css,2099,0.1',
      ].join('\n');
      const error = await importFigures(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvRowsRejected);
      expect((error as CsvRowsRejected).report.rejected).toEqual([
        { line: 3, reasons: [expect.stringMatching(/^external-indicator-value-invalid: /)] },
        { line: 4, reasons: ['code: unknown code "acces.cpam.inconnu"'] },
        { line: 5, reasons: [expect.stringMatching(/^business-time-in-future: /)] },
      ]);
      expect(await world.log()).toEqual(before);
    });
  });
});
