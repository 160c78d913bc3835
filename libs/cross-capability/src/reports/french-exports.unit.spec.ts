import { parse } from 'csv-parse/sync';
import { annexCsv, indicatorsExcelCsv } from './french-exports';

/** The file as French Excel reads it: the BOM dropped, `;` between cells; one object per row. */
const rowsOf = (csv: string): Array<Record<string, string>> =>
  parse<Record<string, string>>(csv.replace(/^\ufeff/, ''), { delimiter: ';', columns: true });

const PROTOCOLS = new Map([
  ['cystite@1', 'Cystite aiguë simple (version 1)'],
  ['cystite@2', 'Cystite aiguë simple de la femme (version 2)'],
]);

describe('the French-Excel exports', () => {
  it('give each protocol code@version of qualite.protocoles the title of that version, beside it', () => {
    const csv = indicatorsExcelCsv(
      [
        {
          from: '2026-03-01',
          to: '2026-04-01',
          figures: [
            {
              code: 'qualite.protocoles',
              mission: 'qualite-pertinence',
              value: 4,
              breakdown: { 'cystite@1': 1, 'cystite@2': 2, 'odynophagie@1': 1 },
            },
          ],
        },
      ],
      [],
      PROTOCOLS,
    );
    const parts = rowsOf(csv)
      .filter((row) => row['détail'] !== '')
      .map((row) => [row['détail'], row['libellé du détail'], row.valeur]);
    expect(parts).toEqual([
      ['cystite@1', 'Cystite aiguë simple (version 1)', '1'],
      ['cystite@2', 'Cystite aiguë simple de la femme (version 2)', '2'],
      // A version the catalogue does not know (yet): its code stands for its label.
      ['odynophagie@1', 'odynophagie@1', '1'],
    ]);
  });

  it('label each event’s category in the annex: a protocol’s title, a part’s name, or nothing', () => {
    const event = (category: string | undefined) => ({
      eventId: '0193a0e0-1111-7000-8000-000000000001',
      type: 'ProtocolApplied',
      streamId: 'pathway-x.y',
      at: '2026-03-02T10:00:00+01:00',
      day: '2026-03-02',
      recordedAt: '2026-03-02T09:00:00.000Z',
      ...(category === undefined ? {} : { category }),
    });
    const csv = annexCsv(
      { from: '2026-01-01', to: '2027-01-01' },
      [
        { code: 'qualite.protocoles', mission: 'qualite-pertinence', events: [event('cystite@2')] },
        { code: 'parcours.adressages', mission: 'parcours', events: [event('24h')] },
        { code: 'parcours.clos', mission: 'parcours', events: [event(undefined)] },
      ],
      PROTOCOLS,
    );
    expect(
      rowsOf(csv).map((row) => [row.indicateur, row['catégorie'], row['libellé de la catégorie']]),
    ).toEqual([
      ['qualite.protocoles', 'cystite@2', 'Cystite aiguë simple de la femme (version 2)'],
      ['parcours.adressages', '24h', 'Sous 24 h'],
      ['parcours.clos', '', ''],
    ]);
  });
});
