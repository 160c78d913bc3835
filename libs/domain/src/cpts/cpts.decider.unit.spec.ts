import { fold } from '../shared/decider';
import { NotFoundError } from '../shared/errors';
import { changeOf, decider, decisionAt, lastOf, stored } from '../shared/testing';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { addYears } from '../shared/paris-time';
import { cptsCorrections, cptsEvolver, decideCpts, sizeClassOf } from './cpts.decider';
import type { CptsEvent, CptsRegistered, Mission } from './cpts.events';

const now = new Date('2026-06-15T10:00:00+02:00');
const decision = decisionAt(now);
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
        .when((s) => decideCpts({ type: 'RegisterCpts', data: registration }, s, decision))
        .then([registered]);
    });
    it('refuses an id registered already (cpts-exists)', () => {
      cpts
        .given(registered)
        .when((s) => decideCpts({ type: 'RegisterCpts', data: registration }, s, decision))
        .thenBreaks('cpts-exists', 'id');
    });
  });

  describe('population', () => {
    it('records CptsPopulationUpdated, and the latest effective date gives the current population', () => {
      const update = { population: 85_000, effectiveOn: '2026-01-01' };
      cpts
        .given(registered)
        .when((s) => decideCpts({ type: 'UpdatePopulation', data: update }, s, decision))
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
        .when((s) =>
          decideCpts(
            { type: 'UpdatePopulation', data: { population: 1000, effectiveOn: '2027-01-01' } },
            s,
            decision,
          ),
        )
        .thenBreaks('business-time-in-future', 'effectiveOn');
    });
    it('is a 404 on a CPTS that is not registered', () => {
      expect(() =>
        decideCpts(
          { type: 'UpdatePopulation', data: { population: 1, effectiveOn: '2026-01-01' } },
          { exists: false },
          decision,
        ),
      ).toThrow(NotFoundError);
    });
  });

  describe('ACI contract', () => {
    it('records AciContractSigned, deriving joinedBefore20220930 from signedOn when not given', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2022-06-01', missions: socle } },
            s,
            decision,
          ),
        )
        .then([
          {
            type: 'AciContractSigned',
            data: { signedOn: '2022-06-01', missions: socle, joinedBefore20220930: true },
          },
        ]);
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2022-09-30', missions: socle } },
            s,
            decision,
          ),
        )
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
          decideCpts(
            {
              type: 'SignContract',
              data: { signedOn: '2023-04-01', missions: socle, joinedBefore20220930: true },
            },
            s,
            decision,
          ),
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
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2023-04-01', missions: ['acces-soins', 'parcours'] } },
            s,
            decision,
          ),
        )
        .thenBreaks('socle-missions-missing', 'missions');
    });
    it('refuses unknown or repeated missions', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2023-04-01', missions: [...socle, 'parcours'] } },
            s,
            decision,
          ),
        )
        .thenBreaks('missions-invalid', 'missions');
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            {
              type: 'SignContract',
              data: { signedOn: '2023-04-01', missions: [...socle, 'astrologie' as Mission] },
            },
            s,
            decision,
          ),
        )
        .thenBreaks('missions-invalid', 'missions');
    });
    it('refuses a second contract', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2024-04-01', missions: socle } },
            s,
            decision,
          ),
        )
        .thenBreaks('contract-exists');
    });
    it('refuses a signature date in the future', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'SignContract', data: { signedOn: '2026-07-01', missions: socle } },
            s,
            decision,
          ),
        )
        .thenBreaks('business-time-in-future', 'signedOn');
    });
  });

  describe('missions', () => {
    it('records MissionStarted on or after the signature', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            { type: 'StartMission', data: { mission: 'parcours', startedOn: '2023-04-01' } },
            s,
            decision,
          ),
        )
        .then([{ type: 'MissionStarted', data: { mission: 'parcours', startedOn: '2023-04-01' } }]);
    });
    it('refuses a mission without a contract', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'StartMission', data: { mission: 'parcours', startedOn: '2023-06-01' } },
            s,
            decision,
          ),
        )
        .thenBreaks('no-contract');
    });
    it('refuses a mission the contract does not include', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            {
              type: 'StartMission',
              data: { mission: 'accompagnement-professionnels', startedOn: '2023-06-01' },
            },
            s,
            decision,
          ),
        )
        .thenBreaks('mission-not-in-contract', 'mission');
    });
    it('refuses a start before the signature', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            { type: 'StartMission', data: { mission: 'parcours', startedOn: '2023-03-31' } },
            s,
            decision,
          ),
        )
        .thenBreaks('business-time-too-early', 'startedOn');
    });
    it('refuses a start in the future', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            { type: 'StartMission', data: { mission: 'parcours', startedOn: '2026-06-16' } },
            s,
            decision,
          ),
        )
        .thenBreaks('business-time-in-future', 'startedOn');
    });
    it('refuses a mission started twice', () => {
      cpts
        .given(registered, signed, {
          type: 'MissionStarted',
          data: { mission: 'parcours', startedOn: '2023-06-01' },
        })
        .when((s) =>
          decideCpts(
            { type: 'StartMission', data: { mission: 'parcours', startedOn: '2023-07-01' } },
            s,
            decision,
          ),
        )
        .thenBreaks('mission-started', 'mission');
    });
  });

  describe('achievements', () => {
    const achievement = { contractYear: 2, mission: 'parcours' as const, rate: 0.8 };
    it('records AchievementRecorded', () => {
      cpts
        .given(registered, signed)
        .when((s) => decideCpts({ type: 'RecordAchievement', data: achievement }, s, decision))
        .then([{ type: 'AchievementRecorded', data: achievement }]);
    });
    it('refuses it without a contract', () => {
      cpts
        .given(registered)
        .when((s) => decideCpts({ type: 'RecordAchievement', data: achievement }, s, decision))
        .thenBreaks('no-contract');
    });
    it('refuses a mission the contract does not include', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts(
            { type: 'RecordAchievement', data: { ...achievement, mission: 'accompagnement-professionnels' } },
            s,
            decision,
          ),
        )
        .thenBreaks('mission-not-in-contract', 'mission');
    });
    it('refuses a second rate for the same year and mission', () => {
      cpts
        .given(registered, signed, { type: 'AchievementRecorded', data: achievement })
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, rate: 0.9 } }, s, decision),
        )
        .thenBreaks('achievement-recorded', 'mission');
    });
    it('accepts the same mission in another year', () => {
      cpts
        .given(registered, signed, { type: 'AchievementRecorded', data: achievement })
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, contractYear: 1 } }, s, decision),
        )
        .then([{ type: 'AchievementRecorded', data: { ...achievement, contractYear: 1 } }]);
    });
    it('refuses a contract year that has not started (signed 2023-04-01: year 4 starts 2026-04-01, year 5 2027-04-01)', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, contractYear: 4 } }, s, decision),
        )
        .then([{ type: 'AchievementRecorded', data: { ...achievement, contractYear: 4 } }]);
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, contractYear: 5 } }, s, decision),
        )
        .thenBreaks('contract-year-not-started', 'contractYear');
    });
    it('refuses a contract year or a rate out of range', () => {
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, contractYear: 6 } }, s, decision),
        )
        .thenBreaks('contract-year-invalid', 'contractYear');
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts({ type: 'RecordAchievement', data: { ...achievement, rate: 1.2 } }, s, decision),
        )
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
        .when((s) => decideCpts({ type: 'DeclareCrisis', data: crisis }, s, decision))
        .then([{ type: 'CrisisDeclared', data: crisis }]);
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'DeclareCrisis', data: { declaredOn: '2026-01-10', kind: 'grippe' } },
            s,
            decision,
          ),
        )
        .then([{ type: 'CrisisDeclared', data: { declaredOn: '2026-01-10', kind: 'grippe' } }]);
    });
    it('refuses a crisis that ends before it was declared', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts({ type: 'DeclareCrisis', data: { ...crisis, endedOn: '2025-07-14' } }, s, decision),
        )
        .thenBreaks('period-reversed', 'endedOn');
    });
    it('refuses a declaration or an end in the future', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts(
            { type: 'DeclareCrisis', data: { declaredOn: '2026-07-01', kind: 'canicule' } },
            s,
            decision,
          ),
        )
        .thenBreaks('business-time-in-future', 'declaredOn');
      cpts
        .given(registered)
        .when((s) =>
          decideCpts({ type: 'DeclareCrisis', data: { ...crisis, endedOn: '2026-07-01' } }, s, decision),
        )
        .thenBreaks('business-time-in-future', 'endedOn');
    });
  });

  describe('crisis plan', () => {
    const drafted: CptsEvent = { type: 'CrisisPlanDrafted', data: { on: '2024-03-01' } };
    const crisisStarted: CptsEvent = {
      type: 'MissionStarted',
      data: { mission: 'crises-sanitaires', startedOn: '2023-06-01' },
    };
    it('drafts the plan once the crisis mission started, then records updates', () => {
      cpts
        .given(registered, signed, crisisStarted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2024-03-01', kind: 'drafted' } }, s, decision),
        )
        .then([drafted]);
      cpts
        .given(registered, signed, crisisStarted, drafted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2025-03-01', kind: 'updated' } }, s, decision),
        )
        .then([{ type: 'CrisisPlanUpdated', data: { on: '2025-03-01' } }]);
    });
    it('refuses a plan drafted before the crisis mission started, or with no such mission', () => {
      cpts
        .given(registered, signed, crisisStarted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2023-05-31', kind: 'drafted' } }, s, decision),
        )
        .thenBreaks('crisis-mission-not-started', 'on');
      cpts
        .given(registered, signed)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2024-03-01', kind: 'drafted' } }, s, decision),
        )
        .thenBreaks('crisis-mission-not-started', 'on');
    });
    it('refuses a second draft', () => {
      cpts
        .given(registered, signed, crisisStarted, drafted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2025-03-01', kind: 'drafted' } }, s, decision),
        )
        .thenBreaks('crisis-plan-drafted', 'kind');
    });
    it('refuses an update without a drafted plan', () => {
      cpts
        .given(registered)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2025-03-01', kind: 'updated' } }, s, decision),
        )
        .thenBreaks('no-crisis-plan', 'kind');
    });
    it('refuses an update dated before the draft', () => {
      cpts
        .given(registered, signed, crisisStarted, drafted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2024-02-01', kind: 'updated' } }, s, decision),
        )
        .thenBreaks('business-time-too-early', 'on');
    });
    it('refuses a plan dated in the future', () => {
      cpts
        .given(registered, signed, crisisStarted)
        .when((s) =>
          decideCpts({ type: 'RecordCrisisPlan', data: { on: '2026-07-01', kind: 'drafted' } }, s, decision),
        )
        .thenBreaks('business-time-in-future', 'on');
    });
  });

  describe('the CPAM’s yearly figures (ExternalIndicatorRecorded)', () => {
    const figure = {
      code: 'acces.cpam.patientele-mt',
      period: '2025',
      value: 0.87,
      source: 'CPAM du Rhône',
    };
    const record = (data: typeof figure) => (s: Parameters<typeof decideCpts>[1]) =>
      decideCpts({ type: 'RecordExternalIndicator', data }, s, decision);

    it('records a share for a year, without a contract (the CPAM measures the territory anyway)', () => {
      cpts
        .given(registered)
        .when(record(figure))
        .then([{ type: 'ExternalIndicatorRecorded', data: figure }]);
    });
    it('records a rate per 1 000 inhabitants above 1', () => {
      const rate = { ...figure, code: 'acces.cpam.urgences-sans-hospitalisation', value: 182.4 };
      cpts
        .given(registered)
        .when(record(rate))
        .then([{ type: 'ExternalIndicatorRecorded', data: rate }]);
    });
    it('refuses a share above 1 (a percentage typed as such), and a negative value', () => {
      cpts
        .given(registered)
        .when(record({ ...figure, value: 87 }))
        .thenBreaks('external-indicator-value-invalid', 'value');
      cpts
        .given(registered)
        .when(record({ ...figure, value: -0.1 }))
        .thenBreaks('external-indicator-value-invalid', 'value');
    });
    it('refuses an unknown code, and a period that is not a year', () => {
      cpts
        .given(registered)
        .when(record({ ...figure, code: 'acces.mt.recherches' }))
        .thenBreaks('unknown-external-indicator', 'code');
      cpts
        .given(registered)
        .when(record({ ...figure, period: '2025-06' }))
        .thenBreaks('external-indicator-period-invalid', 'period');
    });
    it('refuses a year that has not begun', () => {
      cpts
        .given(registered)
        .when(record({ ...figure, period: '2027' }))
        .thenBreaks('business-time-in-future', 'period');
    });
    it('refuses a second figure for the same code and year, accepts another year or code', () => {
      const given = cpts.given(registered, { type: 'ExternalIndicatorRecorded', data: figure });
      given.when(record({ ...figure, value: 0.9 })).thenBreaks('external-indicator-recorded', 'period');
      given
        .when(record({ ...figure, period: '2024' }))
        .then([{ type: 'ExternalIndicatorRecorded', data: { ...figure, period: '2024' } }]);
      given
        .when(record({ ...figure, code: 'acces.cpam.sans-mt-ald' }))
        .then([{ type: 'ExternalIndicatorRecorded', data: { ...figure, code: 'acces.cpam.sans-mt-ald' } }]);
    });
    it('refuses a figure on a CPTS that is not registered', () => {
      expect(() => record(figure)({ exists: false })).toThrow(NotFoundError);
    });

    describe('corrected and voided, decided again', () => {
      // event-0 registered, event-1 the 2025 figure, event-2 the 2024 figure
      const given = cpts.given(
        registered,
        { type: 'ExternalIndicatorRecorded', data: figure },
        { type: 'ExternalIndicatorRecorded', data: { ...figure, period: '2024', value: 0.85 } },
      );
      const run =
        (targetEventId: string, correction?: Record<string, unknown>) =>
        (_: unknown, history: Array<StoredEvent<CptsEvent | CorrectionEvent>>) =>
          decideCorrectionCommand(
            changeOf(targetEventId, correction),
            history,
            cptsCorrections,
            undefined,
            decision,
          );

      it('corrects a value typed wrong, and refuses one out of its unit', () => {
        given.when(run('event-1', { value: 0.78 })).then([
          {
            type: 'EntryCorrected',
            data: { targetEventId: 'event-1', reason: 'Erreur', correction: { value: 0.78 } },
          },
        ]);
        given
          .when(run('event-1', { value: 78 }))
          .thenBreaks('external-indicator-value-invalid', 'correction.value');
      });
      it('refuses moving a figure onto a year that has one (the later entry then clashes), and changing its code', () => {
        given
          .when(run('event-1', { period: '2024' }))
          .thenBreaks('external-indicator-recorded', 'correction');
        given
          .when(run('event-2', { period: '2025' }))
          .thenBreaks('external-indicator-recorded', 'correction.period');
        given
          .when(run('event-1', { code: 'acces.cpam.sans-mt-ald' }))
          .thenBreaks('correction-field-not-allowed', 'correction.code');
      });
      it('voids a figure: the year may be recorded again', () => {
        given
          .when(run('event-1'))
          .then([{ type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'Erreur' } }]);
        cpts
          .given(
            registered,
            { type: 'ExternalIndicatorRecorded', data: figure },
            { type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'x' } },
          )
          .when(record({ ...figure, value: 0.88 }))
          .then([{ type: 'ExternalIndicatorRecorded', data: { ...figure, value: 0.88 } }]);
      });
    });
  });

  describe('corrections and voidings, decided again', () => {
    // event-0 registered, event-1 signed, event-2 crisis mission started, event-3 achievement, event-4 plan
    const given = cpts.given(
      registered,
      signed,
      { type: 'MissionStarted', data: { mission: 'crises-sanitaires', startedOn: '2023-06-01' } },
      { type: 'AchievementRecorded', data: { contractYear: 1, mission: 'parcours', rate: 0.08 } },
      { type: 'CrisisPlanDrafted', data: { on: '2023-09-01' } },
    );
    const run =
      (targetEventId: string, correction?: Record<string, unknown>) =>
      (_: unknown, history: Array<StoredEvent<CptsEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          cptsCorrections,
          undefined,
          decision,
        );

    it('corrects a rate typed wrong, and refuses one out of range', () => {
      given.when(run('event-3', { rate: 0.8 })).then([
        {
          type: 'EntryCorrected',
          data: { targetEventId: 'event-3', reason: 'Erreur', correction: { rate: 0.8 } },
        },
      ]);
      given.when(run('event-3', { rate: 8 })).thenBreaks('rate-invalid', 'correction.rate');
      given
        .when(run('event-3', { mission: 'accompagnement-professionnels' }))
        .thenBreaks('mission-not-in-contract', 'correction.mission');
    });
    it('refuses a mission start moved before the signature, or after the plan it allows', () => {
      given
        .when(run('event-2', { startedOn: '2023-03-01' }))
        .thenBreaks('business-time-too-early', 'correction.startedOn');
      given
        .when(run('event-2', { startedOn: '2023-10-01' }))
        .thenBreaks('crisis-mission-not-started', 'correction');
      given
        .when(run('event-2', { mission: 'parcours' }))
        .thenBreaks('correction-field-not-allowed', 'correction.mission');
    });
    it('refuses voiding the mission start a drafted plan relies on, accepts voiding the plan', () => {
      given.when(run('event-2')).thenBreaks('crisis-mission-not-started', 'targetEventId');
      given
        .when(run('event-4'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-4', reason: 'Erreur' } }]);
      given.when(run('event-1')).thenBreaks('entry-not-voidable');
    });
    it('takes a voided achievement out: the same year and mission can be recorded again', () => {
      cpts
        .given(
          registered,
          signed,
          { type: 'AchievementRecorded', data: { contractYear: 1, mission: 'parcours', rate: 0.08 } },
          { type: 'EntryVoided', data: { targetEventId: 'event-2', reason: 'x' } },
        )
        .when((s) =>
          decideCpts(
            { type: 'RecordAchievement', data: { contractYear: 1, mission: 'parcours', rate: 0.8 } },
            s,
            decision,
          ),
        )
        .then([{ type: 'AchievementRecorded', data: { contractYear: 1, mission: 'parcours', rate: 0.8 } }]);
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
          {
            type: 'ExternalIndicatorRecorded',
            data: { code: 'acces.cpam.sans-mt-ald', period: '2024', value: 0.04, source: 'CPAM' },
          },
        ] as CptsEvent[]
      ).map((event, revision) => stored(event, revision)),
    );
    expect(state).toEqual({
      exists: true,
      ...registration,
      registeredPopulation: 60_000,
      populationUpdates: {},
      contract: signed.data,
      missions: { parcours: { startedOn: '2023-06-01', eventId: 'event-2' } },
      achievements: { 'event-3': { contractYear: 1, mission: 'parcours', rate: 0.5 } },
      crises: { 'event-4': { declaredOn: '2024-01-05', kind: 'grippe' } },
      crisisPlan: { drafted: { on: '2023-09-01', eventId: 'event-5' }, updates: { 'event-6': '2024-09-01' } },
      externalIndicators: {
        'event-7': { code: 'acces.cpam.sans-mt-ald', period: '2024', value: 0.04, source: 'CPAM' },
      },
    });
  });

  describe('each rule, tried through a correction', () => {
    // The last entry given is the one corrected.
    const started = (mission: Mission, startedOn: string): CptsEvent => ({
      type: 'MissionStarted',
      data: { mission, startedOn },
    });
    const achieved = (contractYear: number, mission: Mission, rate: number): CptsEvent => ({
      type: 'AchievementRecorded',
      data: { contractYear, mission, rate },
    });
    const crisis: CptsEvent = {
      type: 'CrisisDeclared',
      data: { declaredOn: '2025-07-15', kind: 'canicule' },
    };
    const cases: Array<[string, CptsEvent[], Record<string, unknown>, string]> = [
      ['rate-invalid', [registered, signed, achieved(1, 'parcours', 0.5)], { rate: -1 }, 'correction.rate'],
      [
        'contract-year-invalid',
        [registered, signed, achieved(1, 'parcours', 0.5)],
        { contractYear: 6 },
        'correction.contractYear',
      ],
      [
        'contract-year-not-started',
        [registered, signed, achieved(1, 'parcours', 0.5)],
        { contractYear: 5 },
        'correction.contractYear',
      ],
      [
        'mission-not-in-contract',
        [registered, signed, achieved(1, 'parcours', 0.5)],
        { mission: 'accompagnement-professionnels' },
        'correction.mission',
      ],
      [
        'achievement-recorded',
        [registered, signed, achieved(1, 'parcours', 0.5), achieved(1, 'prevention', 0.5)],
        { mission: 'parcours' },
        'correction.mission',
      ],
      [
        'business-time-too-early',
        [registered, signed, started('parcours', '2023-06-01')],
        { startedOn: '2023-03-31' },
        'correction.startedOn',
      ],
      [
        'business-time-in-future',
        [registered, signed, started('parcours', '2023-06-01')],
        { startedOn: '2026-07-01' },
        'correction.startedOn',
      ],
      ['period-reversed', [registered, crisis], { endedOn: '2025-07-01' }, 'correction.endedOn'],
      [
        'business-time-in-future',
        [registered, crisis],
        { declaredOn: '2026-07-01' },
        'correction.declaredOn',
      ],
      [
        'crisis-mission-not-started',
        [
          registered,
          signed,
          started('crises-sanitaires', '2023-06-01'),
          { type: 'CrisisPlanDrafted', data: { on: '2023-09-01' } },
        ],
        { on: '2023-05-01' },
        'correction.on',
      ],
      [
        'business-time-too-early',
        [
          registered,
          signed,
          started('crises-sanitaires', '2023-06-01'),
          { type: 'CrisisPlanDrafted', data: { on: '2023-09-01' } },
          { type: 'CrisisPlanUpdated', data: { on: '2024-09-01' } },
        ],
        { on: '2023-08-01' },
        'correction.on',
      ],
      [
        'business-time-in-future',
        [
          registered,
          { type: 'CptsPopulationUpdated', data: { population: 61_000, effectiveOn: '2026-01-01' } },
        ],
        { effectiveOn: '2026-07-01' },
        'correction.effectiveOn',
      ],
    ];
    it.each(cases)('%s', (rule, entries, correction, path) => {
      cpts
        .given(...entries)
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            cptsCorrections,
            undefined,
            decision,
          ),
        )
        .thenBreaks(rule, path);
    });
  });
});
