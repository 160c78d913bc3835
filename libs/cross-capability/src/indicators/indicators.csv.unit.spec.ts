import { csvField, csvRecord, indicatorsCsv } from './indicators.csv';

describe('indicator CSV (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('acces.mt.recherches')).toBe('acces.mt.recherches');
    expect(csvField(0.3333)).toBe('0.3333');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvRecord(['x', 1, null])).toBe('x,1,\r\n');
  });

  it('writes a header and one record per period and indicator, breakdowns as JSON', () => {
    const csv = indicatorsCsv([
      {
        from: '2026-01-01',
        to: '2026-02-01',
        figures: [
          { code: 'parcours.sorties', mission: 'parcours', value: 3 },
          {
            code: 'parcours.sorties.taux-suivi-7j',
            mission: 'parcours',
            value: null,
            numerator: 0,
            denominator: 0,
          },
        ],
      },
      {
        from: '2026-02-01',
        to: '2026-03-01',
        figures: [
          { code: 'parcours.rcp', mission: 'parcours', value: 2, breakdown: { complexes: 1, cas: 5 } },
          { code: 'adhesion.population', mission: null, value: 60000 },
        ],
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'from,to,code,mission,value,numerator,denominator,breakdown',
      '2026-01-01,2026-02-01,parcours.sorties,parcours,3,,,',
      '2026-01-01,2026-02-01,parcours.sorties.taux-suivi-7j,parcours,,0,0,',
      '2026-02-01,2026-03-01,parcours.rcp,parcours,2,,,"{""complexes"":1,""cas"":5}"',
      '2026-02-01,2026-03-01,adhesion.population,,60000,,,',
      '',
    ]);
  });

  it('writes the CPAM’s figures after the series, one per year, marked external', () => {
    const csv = indicatorsCsv(
      [
        {
          from: '2026-01-01',
          to: '2026-02-01',
          figures: [{ code: 'parcours.sorties', mission: 'parcours', value: 3 }],
        },
      ],
      [
        {
          code: 'acces.cpam.patientele-mt',
          mission: 'acces-soins',
          period: '2025',
          from: '2025-01-01',
          to: '2026-01-01',
          value: 0.87,
          unit: 'share',
          direction: 'increasing',
          label: { fr: 'Part', en: 'Share' },
          source: 'CPAM du Rhône',
          external: true,
          eventId: 'e1',
        },
      ],
    );
    expect(csv.split('\r\n').slice(1)).toEqual([
      '2026-01-01,2026-02-01,parcours.sorties,parcours,3,,,',
      '2025-01-01,2026-01-01,acces.cpam.patientele-mt,acces-soins,0.87,,,"{""external"":true,""source"":""CPAM du Rhône""}"',
      '',
    ]);
  });
});
