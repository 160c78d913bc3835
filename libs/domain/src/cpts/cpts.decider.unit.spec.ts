import { fold } from '../shared/decider';
import { NotFoundError } from '../shared/errors';
import { decider, stored } from '../shared/testing';
import {
  addYears,
  cptsEvolver,
  decideCrisisPlan,
  decideDeclareCrisis,
  decideRecordAchievement,
  decideRegister,
  decideSignContract,
  decideStartMission,
  decideUpdatePopulation,
  sizeClassOf,
} from './cpts.decider';
import type { CptsEvent, CptsRegistered, Mission } from './cpts.events';

const now = new Date('2026-06-15T10:00:00+02:00');
const registration: CptsRegistered = {
  name: 'CPTS des Pentes',
  population: 60_000,
  communes: ['69381', '69384'],
  finess: '690012345',
};
const registered: CptsEvent = { type: 'CptsRegistered', data: registration };
const socle: Mission[] = ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'];
const signed: CptsEvent = {
  type: 'AciContractSigned',
  data: { signedOn: '2023-04-01', missions: [...socle, 'qualite-pertinence'], joinedBefore20220930: false },
};
const cpts = decider(cptsEvolver);

describe('cpts decider', () => {
  describe('sizeClassOf (taille, indicators.md)', () => {
    it.each([
      [1, 1],
      [39_999, 1],
      [40_000, 2],
      [79_999, 2],
      [80_000, 3],
      [175_000, 3],
      [175_001, 4],
      [1_000_000, 4],
    ])('%i inhabitants → taille %i', (population, taille) => {
      expect(sizeClassOf(population)).toBe(taille);
    });
  });

  describe('registration', () => {
    it('records CptsRegistered for a new id', () => {
      cpts
        .given()
        .when((s) => decideRegister(registration, s))
        .then([registered]);
    });
    it('refuses an id registered already (cpts-exists)', () => {
      cpts
        .given(registered)
        .when((s) => decideRegister(registration, s))
        .thenBreaks('cpts-exists', 'id');
    });
  });

  describe('population', () => {
    it('records CptsPopulationUpdated, and the latest effective date gives the current population', () => {
      const update = { population: 85_000, effectiveOn: '2026-01-01' };
      cpts
        .given(registered)
        .when((s) => decideUpdatePopulation(update, s, now))
        .then([{ type: 'CptsPopulationUpdated', data: update }]);
      const state = fold(
        cptsEvolver,
        [
          registered,
          { type: 'CptsPopulationUpdated', data: update },
          // recorded later, effective earlier: history, not the current figure
          { type: 'CptsPopulationUpdated', data: { population: 70_000, effectiveOn: '2025-01-01' } },
        ].map((event, revision) => stored(event as CptsEvent, revision)),
      );
      expect(state.exists && state.population).toBe(85_000);
      expect(state.exists && sizeClassOf(state.population)).toBe(3);
    });
    it('refuses an effective date in the future', () => {
      cpts
        .given(registered)
        .when((s) => decideUpdatePopulation({ population: 1000, effectiveOn: '2027-01-01' }, s, now))
        .thenBreaks('business-time-in-future', 'effectiveOn');
    });
    it('is a 404 on a CPTS that is not registered', () => {
      expect(() =>
        decideUpdatePopulation({ population: 1, effectiveOn: '2026-01-01' }, { exists: false }, now),
      ).toThrow(NotFoundError);
    });
  });

  describe('ACI contract', () => {
    it('records AciContractSigned, deriving joinedBefore20220930 from signedOn when not given', () => {
      cpts
        .given(registered)
        .when((s) => decideSignContract({ signedOn: '2022-06-01', missions: socle }, s, now))
        .then([
          {
            type: 'AciContractSigned',
            data: { signedOn: '2022-06-01', missions: socle, joinedBefore20220930: true },
          },
        ]);
      cpts
        .given(registered)
        .when((s) => decideSignContract({ signedOn: '2022-09-30', missions: socle }, s, now))
        .then([
          {
            type: 'AciContractSigned',
            data: { signedOn: '2022-09-30', missions: socle, joinedBefore20220930: false },
          },
        ]);
    });
    it('keeps joinedBefore20220930 when given', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideSignContract({ signedOn: '2023-04-01', missions: socle, joinedBefore20220930: true }, s, now),
        )
        .then([
          {
            type: 'AciContractSigned',
            data: { signedOn: '2023-04-01', missions: socle, joinedBefore20220930: true },
          },
        ]);
    });
    it('refuses a contract without the four socle missions', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideSignContract({ signedOn: '2023-04-01', missions: ['acces-soins', 'parcours'] }, s, now),
        )
        .thenBreaks('socle-missions-missing', 'missions');
    });
    it('refuses unknown or repeated missions', () => {
      cpts
        .given(registered)
        .when((s) => decideSignContract({ signedOn: '2023-04-01', missions: [...socle, 'parcours'] }, s, now))
        .thenBreaks('missions-invalid', 'missions');
      cpts
        .given(registered)
        .when((s) =>
          decideSignContract(
            { signedOn: '2023-04-01', missions: [...socle, 'astrologie' as Mission] },
            s,
            now,
          ),
        )
        .thenBreaks('missions-invalid', 'missions');
    });
    it('refuses a second contract', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideSignContract({ signedOn: '2024-04-01', missions: socle }, s, now))
        .thenBreaks('contract-exists');
    });
    it('refuses a signature date in the future', () => {
      cpts
        .given(registered)
        .when((s) => decideSignContract({ signedOn: '2026-07-01', missions: socle }, s, now))
        .thenBreaks('business-time-in-future', 'signedOn');
    });
  });

  describe('missions', () => {
    it('records MissionStarted on or after the signature', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideStartMission({ mission: 'parcours', startedOn: '2023-04-01' }, s, now))
        .then([{ type: 'MissionStarted', data: { mission: 'parcours', startedOn: '2023-04-01' } }]);
    });
    it('refuses a mission without a contract', () => {
      cpts
        .given(registered)
        .when((s) => decideStartMission({ mission: 'parcours', startedOn: '2023-06-01' }, s, now))
        .thenBreaks('no-contract');
    });
    it('refuses a mission the contract does not include', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideStartMission({ mission: 'accompagnement-professionnels', startedOn: '2023-06-01' }, s, now),
        )
        .thenBreaks('mission-not-in-contract', 'mission');
    });
    it('refuses a start before the signature', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideStartMission({ mission: 'parcours', startedOn: '2023-03-31' }, s, now))
        .thenBreaks('business-time-too-early', 'startedOn');
    });
    it('refuses a start in the future', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideStartMission({ mission: 'parcours', startedOn: '2026-06-16' }, s, now))
        .thenBreaks('business-time-in-future', 'startedOn');
    });
    it('refuses a mission started twice', () => {
      cpts
        .given(registered, signed, {
          type: 'MissionStarted',
          data: { mission: 'parcours', startedOn: '2023-06-01' },
        })
        .when((s) => decideStartMission({ mission: 'parcours', startedOn: '2023-07-01' }, s, now))
        .thenBreaks('mission-started', 'mission');
    });
  });

  describe('achievements', () => {
    const achievement = { contractYear: 2, mission: 'parcours' as const, rate: 0.8 };
    it('records AchievementRecorded', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideRecordAchievement(achievement, s, now))
        .then([{ type: 'AchievementRecorded', data: achievement }]);
    });
    it('refuses it without a contract', () => {
      cpts
        .given(registered)
        .when((s) => decideRecordAchievement(achievement, s, now))
        .thenBreaks('no-contract');
    });
    it('refuses a mission the contract does not include', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideRecordAchievement({ ...achievement, mission: 'accompagnement-professionnels' }, s, now),
        )
        .thenBreaks('mission-not-in-contract', 'mission');
    });
    it('refuses a second rate for the same year and mission', () => {
      cpts
        .given(registered, signed, { type: 'AchievementRecorded', data: achievement })
        .when((s) => decideRecordAchievement({ ...achievement, rate: 0.9 }, s, now))
        .thenBreaks('achievement-recorded', 'mission');
    });
    it('accepts the same mission in another year', () => {
      cpts
        .given(registered, signed, { type: 'AchievementRecorded', data: achievement })
        .when((s) => decideRecordAchievement({ ...achievement, contractYear: 1 }, s, now))
        .then([{ type: 'AchievementRecorded', data: { ...achievement, contractYear: 1 } }]);
    });
    it('refuses a contract year that has not started (signed 2023-04-01: year 4 starts 2026-04-01, year 5 2027-04-01)', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideRecordAchievement({ ...achievement, contractYear: 4 }, s, now))
        .then([{ type: 'AchievementRecorded', data: { ...achievement, contractYear: 4 } }]);
      cpts
        .given(registered, signed)
        .when((s) => decideRecordAchievement({ ...achievement, contractYear: 5 }, s, now))
        .thenBreaks('contract-year-not-started', 'contractYear');
    });
    it('refuses a contract year or a rate out of range', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideRecordAchievement({ ...achievement, contractYear: 6 }, s, now))
        .thenBreaks('contract-year-invalid', 'contractYear');
      cpts
        .given(registered, signed)
        .when((s) => decideRecordAchievement({ ...achievement, rate: 1.2 }, s, now))
        .thenBreaks('rate-invalid', 'rate');
    });
    it('adds contract years on the calendar (29 Feb → 28 Feb)', () => {
      expect(addYears('2023-04-01', 4)).toBe('2027-04-01');
      expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
      expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    });
  });

  describe('crises', () => {
    const crisis = { declaredOn: '2025-07-15', kind: 'canicule', endedOn: '2025-08-31' };
    it('records CrisisDeclared, with or without an end', () => {
      cpts
        .given(registered)
        .when((s) => decideDeclareCrisis(crisis, s, now))
        .then([{ type: 'CrisisDeclared', data: crisis }]);
      cpts
        .given(registered)
        .when((s) => decideDeclareCrisis({ declaredOn: '2026-01-10', kind: 'grippe' }, s, now))
        .then([{ type: 'CrisisDeclared', data: { declaredOn: '2026-01-10', kind: 'grippe' } }]);
    });
    it('refuses a crisis that ends before it was declared', () => {
      cpts
        .given(registered)
        .when((s) => decideDeclareCrisis({ ...crisis, endedOn: '2025-07-14' }, s, now))
        .thenBreaks('period-reversed', 'endedOn');
    });
    it('refuses a declaration or an end in the future', () => {
      cpts
        .given(registered)
        .when((s) => decideDeclareCrisis({ declaredOn: '2026-07-01', kind: 'canicule' }, s, now))
        .thenBreaks('business-time-in-future', 'declaredOn');
      cpts
        .given(registered)
        .when((s) => decideDeclareCrisis({ ...crisis, endedOn: '2026-07-01' }, s, now))
        .thenBreaks('business-time-in-future', 'endedOn');
    });
  });

  describe('crisis plan', () => {
    const drafted: CptsEvent = { type: 'CrisisPlanDrafted', data: { on: '2024-03-01' } };
    it('drafts the plan, then records updates', () => {
      cpts
        .given(registered)
        .when((s) => decideCrisisPlan({ on: '2024-03-01', kind: 'drafted' }, s, now))
        .then([drafted]);
      cpts
        .given(registered, drafted)
        .when((s) => decideCrisisPlan({ on: '2025-03-01', kind: 'updated' }, s, now))
        .then([{ type: 'CrisisPlanUpdated', data: { on: '2025-03-01' } }]);
    });
    it('refuses a second draft', () => {
      cpts
        .given(registered, drafted)
        .when((s) => decideCrisisPlan({ on: '2025-03-01', kind: 'drafted' }, s, now))
        .thenBreaks('crisis-plan-drafted', 'kind');
    });
    it('refuses an update without a drafted plan', () => {
      cpts
        .given(registered)
        .when((s) => decideCrisisPlan({ on: '2025-03-01', kind: 'updated' }, s, now))
        .thenBreaks('no-crisis-plan', 'kind');
    });
    it('refuses an update dated before the draft', () => {
      cpts
        .given(registered, drafted)
        .when((s) => decideCrisisPlan({ on: '2024-02-01', kind: 'updated' }, s, now))
        .thenBreaks('business-time-too-early', 'on');
    });
    it('refuses a plan dated in the future', () => {
      cpts
        .given(registered)
        .when((s) => decideCrisisPlan({ on: '2026-07-01', kind: 'drafted' }, s, now))
        .thenBreaks('business-time-in-future', 'on');
    });
  });

  it('folds the whole stream into the state GET shows', () => {
    const state = fold(
      cptsEvolver,
      (
        [
          registered,
          signed,
          { type: 'MissionStarted', data: { mission: 'parcours', startedOn: '2023-06-01' } },
          { type: 'AchievementRecorded', data: { contractYear: 1, mission: 'parcours', rate: 0.5 } },
          { type: 'CrisisDeclared', data: { declaredOn: '2024-01-05', kind: 'grippe' } },
          { type: 'CrisisPlanDrafted', data: { on: '2023-09-01' } },
          { type: 'CrisisPlanUpdated', data: { on: '2024-09-01' } },
        ] as CptsEvent[]
      ).map((event, revision) => stored(event, revision)),
    );
    expect(state).toEqual({
      exists: true,
      ...registration,
      registeredPopulation: 60_000,
      populationUpdates: [],
      contract: signed.data,
      missions: [{ mission: 'parcours', startedOn: '2023-06-01' }],
      achievements: [{ contractYear: 1, mission: 'parcours', rate: 0.5 }],
      crises: [{ declaredOn: '2024-01-05', kind: 'grippe' }],
      crisisPlan: { draftedOn: '2023-09-01', updates: ['2024-09-01'] },
    });
  });
});
