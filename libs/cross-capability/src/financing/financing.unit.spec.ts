import { RuleViolation } from '@parcours/domain';
import { ACI_AVENANT_2, type SizeClass } from './aci-amounts';
import { computeFinancing, type CptsHistoryEvent, decimalRatio, type Financing } from './financing';

const ALL_MISSIONS = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
  'qualite-pertinence',
  'accompagnement-professionnels',
];
const SOCLE = ALL_MISSIONS.slice(0, 4);
const PRORATED = ALL_MISSIONS.filter((m) => m !== 'crises-sanitaires');

/** A CPTS stream written event by event, each recorded one minute after the previous one. */
class History {
  readonly events: CptsHistoryEvent[] = [];
  private clock = Date.parse('2023-01-02T08:00:00Z');

  add(type: string, data: Record<string, unknown>): this {
    this.clock += 60_000;
    this.events.push({
      type,
      data,
      recordedAt: new Date(this.clock).toISOString(),
      revision: this.events.length,
    });
    return this;
  }

  /** When the last event was recorded. */
  get lastRecordedAt(): string {
    return this.events[this.events.length - 1].recordedAt;
  }

  registered(population: number) {
    return this.add('CptsRegistered', { name: 'CPTS test', population, communes: ['69123'] });
  }
  signed(signedOn: string, missions = ALL_MISSIONS, joinedBefore20220930 = false) {
    return this.add('AciContractSigned', { signedOn, missions, joinedBefore20220930 });
  }
  started(mission: string, startedOn: string) {
    return this.add('MissionStarted', { mission, startedOn });
  }
  achieved(contractYear: number, mission: string, rate: number) {
    return this.add('AchievementRecorded', { contractYear, mission, rate });
  }
  drafted(on: string) {
    return this.add('CrisisPlanDrafted', { on });
  }
  updated(on: string) {
    return this.add('CrisisPlanUpdated', { on });
  }
  crisis(declaredOn: string, kind = 'canicule') {
    return this.add('CrisisDeclared', { declaredOn, kind });
  }
  population(population: number, effectiveOn: string) {
    return this.add('CptsPopulationUpdated', { population, effectiveOn });
  }
  /** The id the computation gives an event written without one: its revision. */
  idOfLast(): string {
    return `revision-${this.events.length - 1}`;
  }
  corrected(targetEventId: string, correction: Record<string, unknown>) {
    return this.add('EntryCorrected', { targetEventId, reason: 'saisie erronée', correction });
  }
  voided(targetEventId: string) {
    return this.add('EntryVoided', { targetEventId, reason: 'saisie erronée' });
  }
}

const compute = (history: History, year: number, asOf?: string): Financing =>
  computeFinancing(history.events, year, [ACI_AVENANT_2], asOf === undefined ? {} : { asOf });

const line = (financing: Financing, part: string, mission?: string) => {
  const found = financing.lines.find((l) => l.part === part && l.mission === mission);
  if (!found) throw new Error(`no ${part} line for ${mission ?? 'the CPTS'}`);
  return found;
};

/** A first year with everything: every mission from the signature, every rate 1, plan and crisis in year 1. */
function everything(population: number, joinedBefore20220930: boolean): History {
  const history = new History()
    .registered(population)
    .signed('2023-03-01', ALL_MISSIONS, joinedBefore20220930);
  for (const mission of ALL_MISSIONS) history.started(mission, '2023-03-01');
  for (const mission of PRORATED) history.achieved(1, mission, 1);
  return history.drafted('2023-05-10').crisis('2023-11-15', 'épidémie de bronchiolite');
}

describe('ACI financing (avenant 2)', () => {
  describe('maximum totals of the four size classes', () => {
    const cases: Array<[SizeClass, number, number, number]> = [
      // size class, a population of that class, published maximum, year-1 top-up
      [1, 30_000, 287_500, 37_500],
      [2, 60_000, 382_500, 45_000],
      [3, 100_000, 487_500, 56_250],
      [4, 200_000, 580_000, 67_500],
    ];

    it.each(cases)(
      'taille %i: a first year with everything but the top-up comes to the published maximum',
      (sizeClass, population, maximum) => {
        const financing = compute(everything(population, false), 1);
        expect(financing.sizeClass).toBe(sizeClass);
        expect(financing.total).toBe(maximum);
        expect(line(financing, 'topup').amount).toBe(0);
      },
    );

    it.each(cases)(
      'taille %i: joined before 30 Sep 2022, the top-up comes on top of the published maximum',
      (sizeClass, population, maximum, topUp) => {
        const financing = compute(everything(population, true), 1);
        expect(financing.sizeClass).toBe(sizeClass);
        expect(line(financing, 'topup').amount).toBe(topUp);
        expect(financing.total).toBe(maximum + topUp);
        expect(financing.total - line(financing, 'topup').amount).toBe(maximum);
      },
    );

    it('lists every line of taille 1; the advance is the top-up in full and 75 % of functioning and fixed parts', () => {
      const financing = compute(everything(30_000, true), 1);
      expect(financing).toMatchObject({
        contractYear: 1,
        period: { from: '2023-03-01', to: '2024-03-01' },
        sizeClass: 1,
        amounts: 'aci-cpts-avenant-2-2021-12-20',
      });
      expect(financing.lines.map(({ mission, part, amount }) => [mission ?? '-', part, amount])).toEqual([
        ['-', 'functioning', 50_000],
        ['-', 'topup', 37_500],
        ['acces-soins', 'fixed', 55_000],
        ['acces-soins', 'variable', 25_000],
        ['parcours', 'fixed', 25_000],
        ['parcours', 'variable', 25_000],
        ['prevention', 'fixed', 10_000],
        ['prevention', 'variable', 10_000],
        ['crises-sanitaires', 'fixed', 25_000],
        ['crises-sanitaires', 'variable', 37_500],
        ['qualite-pertinence', 'fixed', 7_500],
        ['qualite-pertinence', 'variable', 7_500],
        ['accompagnement-professionnels', 'fixed', 5_000],
        ['accompagnement-professionnels', 'variable', 5_000],
      ]);
      // The top-up is paid in full at signature: 37 500, plus 75 % of
      // 50 000 + 55 000 + 25 000 + 10 000 + 7 500 + 5 000 + 25 000 (plan) = 177 500, i.e. 133 125.
      expect(financing.advance).toBe(170_625);
      expect(financing.balance).toBe(325_000 - 170_625);
      expect(line(financing, 'fixed', 'acces-soins').basis).toBe('prorata 366/366 × 55 000');
      expect(line(financing, 'variable', 'acces-soins').basis).toBe('taux 1 × prorata 366/366 × 25 000');
    });

    it('keeps the amounts table consistent: its published maxima, and update = half of drafting', () => {
      for (const table of Object.values(ACI_AVENANT_2.sizeClasses)) {
        const missions = Object.values(table.missions).reduce((sum, m) => sum + m.fixed + m.variable, 0);
        const crises = table.crisesSanitaires.drafting + table.crisesSanitaires.declaredCrisis;
        expect(table.functioning + missions + crises).toBe(table.maximumTotal);
        expect(table.crisesSanitaires.update * 2).toBe(table.crisesSanitaires.drafting);
      }
    });
  });

  describe('size class from the population in force on the signature day', () => {
    it('takes an update effective on or before signedOn, not one effective after', () => {
      const history = new History()
        .registered(35_000)
        .population(45_000, '2023-02-01') // in force on signedOn → taille 2
        .population(200_000, '2023-03-02') // the day after: not at signature
        .signed('2023-03-01', SOCLE);
      expect(compute(history, 1).sizeClass).toBe(2);
      expect(line(compute(history, 1), 'functioning').amount).toBe(60_000);
    });

    it('counts an update recorded after the signature when it is effective before it', () => {
      const history = new History().registered(35_000).signed('2023-03-01', SOCLE);
      const beforeUpdate = history.lastRecordedAt;
      history.population(90_000, '2023-01-01');
      expect(compute(history, 1).sizeClass).toBe(3);
      // As known before the update was recorded: the registered population.
      expect(compute(history, 1, beforeUpdate).sizeClass).toBe(1);
    });

    it('places the bounds as the ACI does (40 000 → 2, 175 000 → 3, 175 001 → 4)', () => {
      const at = (population: number) =>
        compute(new History().registered(population).signed('2023-03-01', SOCLE), 1).sizeClass;
      expect([at(39_999), at(40_000), at(79_999), at(80_000), at(175_000), at(175_001)]).toEqual([
        1, 2, 2, 3, 3, 4,
      ]);
    });
  });

  describe('proration by days of the contract year', () => {
    it('prorates a mission started mid-year over a contract year with 29 February (366 days)', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-07-01')
        .achieved(1, 'acces-soins', 0.5);
      const financing = compute(history, 1);
      expect(financing.period).toEqual({ from: '2023-03-01', to: '2024-03-01' });
      // 1 Jul 2023 → 1 Mar 2024: 244 days of 366
      expect(line(financing, 'fixed', 'acces-soins')).toEqual({
        mission: 'acces-soins',
        part: 'fixed',
        amount: 46_666.67,
        basis: 'prorata 244/366 × 70 000',
      });
      expect(line(financing, 'variable', 'acces-soins')).toEqual({
        mission: 'acces-soins',
        part: 'variable',
        amount: 10_000,
        basis: 'taux 0,5 × prorata 244/366 × 30 000',
      });
    });

    it('prorates over 365 days in a common contract year', () => {
      const history = new History()
        .registered(60_000)
        .signed('2024-03-01', SOCLE)
        .started('acces-soins', '2024-07-01');
      const fixed = line(compute(history, 1), 'fixed', 'acces-soins');
      // 1 Jul 2024 → 1 Mar 2025: 243 days of 365; 70 000 × 243 / 365 = 46 602.739…
      expect(fixed.amount).toBe(46_602.74);
      expect(fixed.basis).toBe('prorata 243/365 × 70 000');
    });

    it('counts a mission started before the year in full, and one started after it as nothing', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-07-01')
        .started('parcours', '2024-03-01') // first day of year 2
        .started('prevention', '2024-02-29'); // last day of year 1
      const year1 = compute(history, 1);
      const year2 = compute(history, 2);
      expect(year2.period).toEqual({ from: '2024-03-01', to: '2025-03-01' });
      expect(line(year2, 'fixed', 'acces-soins')).toMatchObject({
        amount: 70_000,
        basis: 'prorata 365/365 × 70 000',
      });
      expect(line(year1, 'fixed', 'parcours').amount).toBe(0);
      expect(line(year1, 'fixed', 'parcours').basis).toMatch(/après cette année de contrat/);
      expect(line(year2, 'fixed', 'parcours').amount).toBe(35_000);
      // one day of 366: 15 000 / 366 = 40.983…
      expect(line(year1, 'fixed', 'prevention')).toMatchObject({
        amount: 40.98,
        basis: 'prorata 1/366 × 15 000',
      });
    });

    it('pays nothing for a mission of the contract that never started', () => {
      const history = new History().registered(60_000).signed('2023-03-01', SOCLE).achieved(1, 'parcours', 1);
      const financing = compute(history, 1);
      expect(line(financing, 'fixed', 'parcours')).toMatchObject({
        amount: 0,
        basis: 'mission non démarrée',
      });
      expect(line(financing, 'variable', 'parcours').amount).toBe(0);
      expect(financing.lines.some((l) => l.mission === 'qualite-pertinence')).toBe(false);
    });

    it('keeps the contract years of a 29 February signature on 28 February', () => {
      const history = new History().registered(60_000).signed('2024-02-29', SOCLE);
      expect(compute(history, 1).period).toEqual({ from: '2024-02-29', to: '2025-02-28' });
      expect(compute(history, 2).period).toEqual({ from: '2025-02-28', to: '2026-02-28' });
    });
  });

  describe('achievement rates', () => {
    const withRates = () =>
      new History()
        .registered(60_000)
        .signed('2023-03-01', ALL_MISSIONS)
        .started('acces-soins', '2023-03-01')
        .started('parcours', '2023-03-01')
        .started('prevention', '2023-03-01')
        .started('qualite-pertinence', '2023-03-01')
        .achieved(1, 'acces-soins', 0.8)
        .achieved(1, 'parcours', 0)
        .achieved(2, 'prevention', 1);

    it('multiplies the prorated maximum by the rate: partial, zero, none recorded', () => {
      const financing = compute(withRates(), 1);
      expect(line(financing, 'variable', 'acces-soins')).toMatchObject({
        amount: 24_000,
        basis: 'taux 0,8 × prorata 366/366 × 30 000',
      });
      expect(line(financing, 'variable', 'parcours')).toMatchObject({
        amount: 0,
        basis: 'taux 0 × prorata 366/366 × 35 000',
      });
      // The rate of year 2 does not count in year 1; no rate at all is 0.
      expect(line(financing, 'variable', 'prevention').amount).toBe(0);
      expect(line(financing, 'variable', 'prevention').basis).toMatch(/^aucun taux d’atteinte enregistré/);
      expect(line(financing, 'variable', 'qualite-pertinence').amount).toBe(0);
      expect(line(compute(withRates(), 2), 'variable', 'prevention').amount).toBe(15_000);
    });

    it('ignores an achievement rate for crises-sanitaires (its variable part follows declared crises)', () => {
      const history = withRates()
        .started('crises-sanitaires', '2023-03-01')
        .achieved(1, 'crises-sanitaires', 1);
      expect(line(compute(history, 1), 'variable', 'crises-sanitaires').amount).toBe(0);
    });

    it('does not count an achievement recorded after asOf', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-03-01');
      const before = history.lastRecordedAt;
      history.achieved(1, 'acces-soins', 1);
      const recorded = history.lastRecordedAt;
      expect(line(compute(history, 1, before), 'variable', 'acces-soins').amount).toBe(0);
      expect(line(compute(history, 1, recorded), 'variable', 'acces-soins').amount).toBe(30_000);
      expect(line(compute(history, 1), 'variable', 'acces-soins').amount).toBe(30_000);
      // asOf with another offset is the same instant.
      const sameInstant = new Date(Date.parse(recorded)).toISOString().replace('Z', '+00:00');
      expect(line(compute(history, 1, sameInstant), 'variable', 'acces-soins').amount).toBe(30_000);
    });
  });

  describe('crises-sanitaires', () => {
    const base = () =>
      new History()
        .registered(100_000)
        .signed('2023-03-01', SOCLE)
        .started('crises-sanitaires', '2023-03-01');

    it('pays drafting in the year the plan is drafted, the update amount every later year', () => {
      const history = base().drafted('2023-06-01').updated('2024-06-01');
      expect(line(compute(history, 1), 'fixed', 'crises-sanitaires')).toMatchObject({
        amount: 45_000,
        basis: 'rédaction du plan de crise le 2023-06-01 : 45 000',
      });
      expect(line(compute(history, 2), 'fixed', 'crises-sanitaires').amount).toBe(22_500);
      expect(line(compute(history, 3), 'fixed', 'crises-sanitaires')).toMatchObject({
        amount: 22_500,
        basis: 'mise à jour du plan de crise (rédigé le 2023-06-01) : 22 500',
      });
    });

    it('pays nothing before the plan is drafted, drafting in its year', () => {
      const history = base().drafted('2024-04-01');
      expect(line(compute(history, 1), 'fixed', 'crises-sanitaires')).toMatchObject({
        amount: 0,
        basis: 'aucun plan de crise rédigé',
      });
      expect(line(compute(history, 2), 'fixed', 'crises-sanitaires').amount).toBe(45_000);
      expect(line(compute(base(), 1), 'fixed', 'crises-sanitaires').amount).toBe(0);
    });

    it('pays the variable part in full only in a year with a crisis declared by the ARS', () => {
      const history = base().crisis('2024-07-20', 'canicule').crisis('2024-12-01', 'grippe');
      expect(line(compute(history, 1), 'variable', 'crises-sanitaires').amount).toBe(0);
      const year2 = line(compute(history, 2), 'variable', 'crises-sanitaires');
      expect(year2.amount).toBe(67_500); // two crises: still once, not prorated
      expect(year2.basis).toMatch(/2024-07-20 \(canicule\)/);
      expect(line(compute(history, 3), 'variable', 'crises-sanitaires').amount).toBe(0);
    });

    it('pays nothing while the mission has not started, and in full (not prorated) once it has', () => {
      const history = new History()
        .registered(100_000)
        .signed('2023-03-01', SOCLE)
        .started('crises-sanitaires', '2023-05-01')
        .drafted('2023-06-01')
        .crisis('2023-09-01')
        .crisis('2024-09-01');
      const before = new History().registered(100_000).signed('2023-03-01', SOCLE);
      expect(line(compute(before, 1), 'fixed', 'crises-sanitaires')).toMatchObject({
        amount: 0,
        basis: 'mission non démarrée',
      });
      expect(line(compute(history, 1), 'fixed', 'crises-sanitaires').amount).toBe(45_000);
      expect(line(compute(history, 1), 'variable', 'crises-sanitaires').amount).toBe(67_500);
      expect(line(compute(history, 2), 'fixed', 'crises-sanitaires').amount).toBe(22_500);
    });

    it('pays no crisis declared before the mission started, even in the year it started', () => {
      const history = new History()
        .registered(100_000)
        .signed('2023-03-01', SOCLE)
        .crisis('2023-09-01', 'bronchiolite')
        .started('crises-sanitaires', '2024-02-01')
        .drafted('2024-02-10');
      const year1 = line(compute(history, 1), 'variable', 'crises-sanitaires');
      expect(year1.amount).toBe(0);
      expect(year1.basis).toMatch(/aucune crise/);
      // A crisis declared on the very day the mission started counts.
      const sameDay = new History()
        .registered(100_000)
        .signed('2023-03-01', SOCLE)
        .started('crises-sanitaires', '2024-02-01')
        .crisis('2024-02-01', 'canicule');
      expect(line(compute(sameDay, 1), 'variable', 'crises-sanitaires').amount).toBe(67_500);
    });

    it('treats a plan drafted before the contract as drafted before year 1: the update amount', () => {
      const history = base().drafted('2022-12-01');
      expect(line(compute(history, 1), 'fixed', 'crises-sanitaires').amount).toBe(22_500);
    });
  });

  describe('top-up', () => {
    it('is paid in contract year 1 only, and only to a CPTS that joined before 30 Sep 2022', () => {
      const joined = new History().registered(60_000).signed('2022-06-01', SOCLE, true);
      const late = new History().registered(60_000).signed('2023-03-01', SOCLE, false);
      expect(line(compute(joined, 1), 'topup')).toMatchObject({ amount: 45_000 });
      expect(line(compute(joined, 2), 'topup')).toMatchObject({ amount: 0 });
      expect(line(compute(joined, 2), 'topup').basis).toMatch(/année 1 du contrat seulement/);
      expect(line(compute(late, 1), 'topup')).toMatchObject({ amount: 0 });
      expect(line(compute(late, 1), 'topup').basis).toMatch(/après le 30\/09\/2022/);
      expect(compute(joined, 1).total - compute(joined, 2).total).toBe(45_000);
    });
  });

  describe('advance, balance and rounding', () => {
    it('rounds half-up to the cent, exactly (not through binary floating point)', () => {
      // 7 500 € × 0.00007 = 0.525 € exactly: half-up gives 0.53 (in cents, a float product is 52.4999…).
      expect(750_000 * 0.00007).toBeLessThan(52.5);
      const history = new History()
        .registered(30_000)
        .signed('2023-03-01', [...SOCLE, 'qualite-pertinence'])
        .started('qualite-pertinence', '2023-03-01')
        .achieved(1, 'qualite-pertinence', 0.00007);
      expect(line(compute(history, 1), 'variable', 'qualite-pertinence').amount).toBe(0.53);
      expect(decimalRatio(0.00007)).toEqual({ n: 7n, d: 100_000n });
      expect(decimalRatio(1e-7)).toEqual({ n: 1n, d: 10_000_000n });
    });

    it('rounds the advance half-up and gives the rest as the balance', () => {
      const history = new History()
        .registered(30_000)
        .signed('2024-03-01', [...SOCLE, 'qualite-pertinence'])
        .started('acces-soins', '2024-03-01')
        .started('parcours', '2024-03-01')
        .started('prevention', '2024-03-01')
        .started('qualite-pertinence', '2024-03-03');
      const financing = compute(history, 1);
      // 7 500 × 363/365 = 7 458.904… → 7 458.90
      expect(line(financing, 'fixed', 'qualite-pertinence').amount).toBe(7_458.9);
      // 50 000 + 55 000 + 25 000 + 10 000 + 7 458.90 = 147 458.90; × 0.75 = 110 594.175 → 110 594.18
      expect(financing.total).toBe(147_458.9);
      expect(financing.advance).toBe(110_594.18);
      expect(financing.balance).toBe(36_864.72);
    });

    it('takes variable parts out of the advance', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-03-01')
        .achieved(1, 'acces-soins', 1);
      const financing = compute(history, 1);
      expect(financing.total).toBe(60_000 + 70_000 + 30_000);
      expect(financing.advance).toBe(0.75 * (60_000 + 70_000));
      expect(financing.balance).toBe(30_000 + 0.25 * (60_000 + 70_000));
    });

    it('pays the year-1 top-up in full in the advance, not 75 % of it', () => {
      const history = new History()
        .registered(60_000)
        .signed('2022-06-01', SOCLE, true)
        .started('acces-soins', '2022-06-01')
        .achieved(1, 'acces-soins', 0.5);
      const financing = compute(history, 1);
      expect(line(financing, 'topup').amount).toBe(45_000);
      expect(financing.total).toBe(60_000 + 45_000 + 70_000 + 15_000);
      expect(financing.advance).toBe(45_000 + 0.75 * (60_000 + 70_000));
      expect(financing.balance).toBe(15_000 + 0.25 * (60_000 + 70_000));
      // Year 2 has no top-up: the advance is 75 % of functioning and fixed parts only.
      expect(compute(history, 2).advance).toBe(0.75 * (60_000 + 70_000));
    });
  });

  describe('corrections and voidings of the CPTS stream', () => {
    it('pays the corrected achievement rate, and the original one as of before the correction', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-03-01')
        .achieved(1, 'acces-soins', 1);
      const achievement = history.idOfLast();
      const beforeCorrection = history.lastRecordedAt;
      history.corrected(achievement, { rate: 0.5 });
      expect(line(compute(history, 1), 'variable', 'acces-soins').amount).toBe(15_000);
      expect(line(compute(history, 1, beforeCorrection), 'variable', 'acces-soins').amount).toBe(30_000);
    });

    it('pays nothing for a voided achievement, and prorates from a corrected mission start', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', SOCLE)
        .started('acces-soins', '2023-03-01');
      const start = history.idOfLast();
      history.achieved(1, 'acces-soins', 1);
      const achievement = history.idOfLast();
      history.voided(achievement);
      expect(line(compute(history, 1), 'variable', 'acces-soins').amount).toBe(0);
      expect(line(compute(history, 1), 'fixed', 'acces-soins').amount).toBe(70_000);
      history.corrected(start, { startedOn: '2023-07-01' });
      expect(line(compute(history, 1), 'fixed', 'acces-soins')).toMatchObject({
        amount: 46_666.67,
        basis: 'prorata 244/366 × 70 000',
      });
    });

    it('pays no crisis variable part once the only crisis of the year is voided', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', ALL_MISSIONS)
        .started('crises-sanitaires', '2023-03-01')
        .crisis('2023-11-15');
      const crisis = history.idOfLast();
      const beforeVoiding = history.lastRecordedAt;
      history.voided(crisis);
      expect(line(compute(history, 1), 'variable', 'crises-sanitaires').amount).toBe(0);
      expect(
        line(compute(history, 1, beforeVoiding), 'variable', 'crises-sanitaires').amount,
      ).toBeGreaterThan(0);
    });

    it('moves a crisis to the year of its corrected date', () => {
      const history = new History()
        .registered(60_000)
        .signed('2023-03-01', ALL_MISSIONS)
        .started('crises-sanitaires', '2023-03-01')
        .crisis('2023-11-15');
      history.corrected(history.idOfLast(), { declaredOn: '2024-04-02' });
      expect(line(compute(history, 1), 'variable', 'crises-sanitaires').amount).toBe(0);
      expect(line(compute(history, 2), 'variable', 'crises-sanitaires').amount).toBeGreaterThan(0);
    });
  });

  describe('what cannot be computed', () => {
    it('refuses a CPTS without a contract (as of asOf) with the rule no-contract', () => {
      const history = new History().registered(60_000);
      const registeredAt = history.lastRecordedAt;
      history.signed('2023-03-01', SOCLE);
      expect(() => compute(history, 1, registeredAt)).toThrow(RuleViolation);
      expect(() => compute(history, 1, registeredAt)).toThrow(/no-contract/);
      expect(compute(history, 1).contractYear).toBe(1);
    });

    it('refuses an unknown CPTS and a contract year outside 1..5', () => {
      expect(() => compute(new History(), 1)).toThrow(/does not exist/);
      const history = new History().registered(60_000).signed('2023-03-01', SOCLE);
      expect(() => compute(history, 0)).toThrow(RangeError);
      expect(() => compute(history, 6)).toThrow(RangeError);
      expect(compute(history, 5).period).toEqual({ from: '2027-03-01', to: '2028-03-01' });
    });

    it('refuses a contract year that starts before the earliest table of amounts (no-aci-amounts)', () => {
      const history = new History().registered(60_000).signed('2021-06-01', SOCLE, true);
      let refused: unknown;
      try {
        compute(history, 1);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(RuleViolation);
      expect((refused as RuleViolation).rule).toBe('no-aci-amounts');
      expect((refused as RuleViolation).messages.en).toMatch(/2021-06-01/);
      expect((refused as RuleViolation).messages.fr).toMatch(/2021-06-01/);
      // Year 2 starts on 2022-06-01, under the avenant 2 table.
      expect(compute(history, 2)).toMatchObject({
        period: { from: '2022-06-01', to: '2023-06-01' },
        amounts: 'aci-cpts-avenant-2-2021-12-20',
      });
    });
  });
});
