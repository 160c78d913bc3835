/**
 * What a coordinator records for the ACI financing: the contract (once), each mission's start, the
 * achievement rate of a mission for a contract year, the crisis plan and the crises the ARS declared.
 * Each is a command of the CPTS; a mistake is corrected or voided in the list beside (`financing.tsx`).
 */
import { post, tenant } from '../api';
import { type Lang, useText } from '../i18n';
import { label } from '../labels';
import { Checkbox, CheckboxGroup, CommandForm, DateInput, Select, TextInput } from '../ui/forms';

const MISSIONS = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
  'qualite-pertinence',
  'accompagnement-professionnels',
];
const SOCLE = MISSIONS.slice(0, 4);
const CONTRACT_YEARS = ['1', '2', '3', '4', '5'];

const TEXT = {
  fr: {
    record: 'Enregistrer',
    contract: 'Signature du contrat ACI',
    contractIntro:
      'Le contrat tripartite (CPTS, ARS, CPAM) : sa date de signature ouvre l’année de contrat 1. Il comprend au moins les quatre missions socles.',
    signedOn: 'Date de signature',
    missions: 'Missions du contrat',
    joinedBefore: 'Adhésion à l’ACI avant le 30/09/2022 (majoration exceptionnelle de l’année 1)',
    sign: 'Enregistrer le contrat',
    start: 'Démarrage d’une mission',
    mission: 'Mission',
    startedOn: 'Date de démarrage',
    startSubmit: 'Enregistrer le démarrage',
    achievement: 'Taux d’atteinte d’une mission',
    achievementIntro:
      'Le taux d’atteinte des objectifs de la mission pour une année de contrat, arrêté avec l’ARS et la CPAM : il fixe la part variable.',
    contractYear: 'Année de contrat',
    year: (n: string) => `Année ${n}`,
    rate: 'Taux (de 0 à 1, par exemple 0,8)',
    achievementSubmit: 'Enregistrer le taux',
    crisis: 'Crise sanitaire déclarée par l’ARS',
    declaredOn: 'Date de déclaration',
    kind: 'Nature de la crise',
    kindHint: 'Par exemple : canicule, épidémie de bronchiolite.',
    endedOn: 'Date de fin (facultative)',
    crisisSubmit: 'Enregistrer la crise',
    plan: 'Plan de crise',
    on: 'Date',
    planKind: 'Étape',
    drafted: 'Rédaction',
    updated: 'Mise à jour',
    planSubmit: 'Enregistrer l’étape',
  },
  en: {
    record: 'Record',
    contract: 'Signature of the ACI contract',
    contractIntro:
      'The three-party contract (CPTS, ARS, CPAM): its signature date opens contract year 1. It includes at least the four core missions.',
    signedOn: 'Signature date',
    missions: 'Missions of the contract',
    joinedBefore: 'Joined the ACI before 30/09/2022 (exceptional top-up of year 1)',
    sign: 'Record the contract',
    start: 'Start of a mission',
    mission: 'Mission',
    startedOn: 'Start date',
    startSubmit: 'Record the start',
    achievement: 'Achievement rate of a mission',
    achievementIntro:
      'The rate at which the mission met its objectives for a contract year, agreed with the ARS and the CPAM: it sets the variable part.',
    contractYear: 'Contract year',
    year: (n: string) => `Year ${n}`,
    rate: 'Rate (from 0 to 1, e.g. 0.8)',
    achievementSubmit: 'Record the rate',
    crisis: 'Health crisis declared by the ARS',
    declaredOn: 'Declaration date',
    kind: 'Kind of crisis',
    kindHint: 'E.g. heatwave, bronchiolitis epidemic.',
    endedOn: 'End date (optional)',
    crisisSubmit: 'Record the crisis',
    plan: 'Crisis plan',
    on: 'Date',
    planKind: 'Step',
    drafted: 'Drafted',
    updated: 'Updated',
    planSubmit: 'Record the step',
  },
};

const missionOptions = (lang: Lang, missions: string[]) =>
  missions.map((m): [string, string] => [m, label(lang, 'mission', m)]);

/** The contract, when none is signed yet. */
export function SignContractForm(props: { lang: Lang; onDone: () => void }) {
  const text = useText(TEXT);
  return (
    <CommandForm
      title={text.contract}
      intro={<p class="muted">{text.contractIntro}</p>}
      submitLabel={text.sign}
      fields={['signedOn', 'missions', 'joinedBefore20220930']}
      submit={(values, idempotencyKey) =>
        post(
          tenant('/contract'),
          {
            signedOn: values.required('signedOn'),
            missions: values.all('missions'),
            joinedBefore20220930: values.bool('joinedBefore20220930'),
          },
          { idempotencyKey },
        )
      }
      onDone={props.onDone}
    >
      <DateInput name="signedOn" label={text.signedOn} required />
      <CheckboxGroup
        name="missions"
        label={text.missions}
        options={missionOptions(props.lang, MISSIONS)}
        defaultValues={SOCLE}
      />
      <Checkbox name="joinedBefore20220930" label={text.joinedBefore} />
    </CommandForm>
  );
}

/** Mission starts, achievement rates, crises and the crisis plan, once the contract is signed. */
export function RecordEntries(props: {
  lang: Lang;
  contractMissions: string[];
  startedMissions: string[];
  contractYear: number;
  onDone: () => void;
}) {
  const text = useText(TEXT);
  const { lang, contractMissions, onDone } = props;
  const notStarted = contractMissions.filter((m) => !props.startedMissions.includes(m));
  return (
    <section aria-labelledby="financing-record-title">
      <h2 id="financing-record-title">{text.record}</h2>
      <div>
        <CommandForm
          level={3}
          title={text.achievement}
          intro={<p class="muted">{text.achievementIntro}</p>}
          submitLabel={text.achievementSubmit}
          fields={['contractYear', 'mission', 'rate']}
          submit={(values, idempotencyKey) =>
            post(
              tenant('/achievements'),
              {
                contractYear: Number(values.required('contractYear')),
                mission: values.required('mission'),
                rate: values.number('rate') ?? null,
              },
              { idempotencyKey },
            )
          }
          onDone={onDone}
        >
          <Select
            name="contractYear"
            label={text.contractYear}
            options={CONTRACT_YEARS.map((n): [string, string] => [n, text.year(n)])}
            defaultValue={String(props.contractYear)}
            required
          />
          <Select
            name="mission"
            label={text.mission}
            options={missionOptions(lang, contractMissions)}
            required
          />
          <TextInput name="rate" label={text.rate} required />
        </CommandForm>
        {notStarted.length > 0 && (
          <CommandForm
            level={3}
            title={text.start}
            submitLabel={text.startSubmit}
            fields={['mission', 'startedOn']}
            submit={(values, idempotencyKey) =>
              post(
                tenant(`/missions/${encodeURIComponent(values.required('mission'))}/start`),
                { startedOn: values.required('startedOn') },
                { idempotencyKey },
              )
            }
            onDone={onDone}
          >
            <Select name="mission" label={text.mission} options={missionOptions(lang, notStarted)} required />
            <DateInput name="startedOn" label={text.startedOn} required />
          </CommandForm>
        )}
        <CommandForm
          level={3}
          title={text.crisis}
          submitLabel={text.crisisSubmit}
          fields={['declaredOn', 'kind', 'endedOn']}
          submit={(values, idempotencyKey) => {
            const endedOn = values.text('endedOn');
            return post(
              tenant('/crises'),
              {
                declaredOn: values.required('declaredOn'),
                kind: values.required('kind'),
                ...(endedOn ? { endedOn } : {}),
              },
              { idempotencyKey },
            );
          }}
          onDone={onDone}
        >
          <DateInput name="declaredOn" label={text.declaredOn} required />
          <TextInput name="kind" label={text.kind} hint={text.kindHint} maxLength={200} required />
          <DateInput name="endedOn" label={text.endedOn} />
        </CommandForm>
        <CommandForm
          level={3}
          title={text.plan}
          submitLabel={text.planSubmit}
          fields={['on', 'kind']}
          submit={(values, idempotencyKey) =>
            post(
              tenant('/crisis-plan'),
              { on: values.required('on'), kind: values.required('kind') },
              { idempotencyKey },
            )
          }
          onDone={onDone}
        >
          <DateInput name="on" label={text.on} required />
          <Select
            name="kind"
            label={text.planKind}
            options={[
              ['drafted', text.drafted],
              ['updated', text.updated],
            ]}
            required
          />
        </CommandForm>
      </div>
    </section>
  );
}
