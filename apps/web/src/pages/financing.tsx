/**
 * The ACI financing of a contract year (`#/financing?contractYear=&asOf=`, `GET …/financing`): every
 * line (functioning, top-up, fixed and variable part of each mission) with the basis of its amount,
 * grouped by mission, then the total, the advance and the balance. The contract year defaults to the
 * current one, from the contract's signature date (`GET …/cpts/{c}`).
 */
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { query, tenant } from '../api';
import { formatDate, formatDateTime, formatEuros, parisToday } from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { label } from '../labels';
import { href } from '../router';
import { hasRole } from '../session';
import { EntryChange } from '../ui/entry-change';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { addDays, addYears, isDate } from './indicator-common';
import { type FinancingLine, FinancingLinesTable } from '../ui/financing-lines';
import { ContractYearForm, CONTRACT_YEARS } from '../ui/contract-year-form';
import { DownloadButton } from '../ui/download';
import { RecordEntries, SignContractForm } from './financing-record';

interface Financing {
  contractYear: number;
  period: { from: string; to: string };
  sizeClass: number;
  lines: FinancingLine[];
  total: number;
  advance: number;
  balance: number;
  amounts?: string;
}

interface Cpts {
  name: string;
  population: number;
  contract?: { signedOn: string; missions: string[] };
  missions: Array<{ mission: string; startedOn: string; eventId: string }>;
  achievements: Array<{ contractYear: number; mission: string; rate: number; eventId: string }>;
  crises: Array<{ declaredOn: string; kind: string; endedOn?: string; eventId: string }>;
  crisisPlan: { draftedOn?: string; draftEventId?: string; updates: Array<{ on: string; eventId: string }> };
}

const TEXT = {
  fr: {
    entries: 'Ce que le financement compte',
    entriesIntro:
      'Les démarrages de mission, taux d’atteinte, crises et plan de crise enregistrés : une erreur de saisie se corrige ou s’annule ici, et le financement suit (« tel que connu le » montre le calcul d’avant).',
    noEntries: 'Rien n’est encore enregistré.',
    missionStarted: (mission: string) => `Démarrage de la mission ${mission}`,
    achievement: (year: number, mission: string, rate: number) =>
      `Taux d’atteinte ${String(rate).replace('.', ',')} — ${mission}, année ${year}`,
    crisis: (kind: string) => `Crise sanitaire déclarée : ${kind}`,
    planDrafted: 'Plan de crise rédigé',
    planUpdated: 'Plan de crise mis à jour',
    startedOn: 'Date de démarrage',
    rate: 'Taux (0 à 1)',
    mission: 'Mission',
    declaredOn: 'Date de déclaration',
    crisisKind: 'Nature de la crise',
    endedOn: 'Date de fin',
    on: 'Date',
    title: 'Financement ACI',
    intro:
      'La rémunération de la CPTS pour une année de contrat, selon l’avenant 2 de l’accord conventionnel interprofessionnel : calculée à partir du contrat, des missions démarrées, des taux d’atteinte, du plan de crise et des crises déclarées.',
    noContract: 'Aucun contrat ACI n’est encore signé : il n’y a pas de financement à calculer.',
    contractYear: 'Année de contrat',
    choose: 'Choix de l’année et de la date',
    year: (n: number) => `Année ${n}`,
    current: 'en cours',
    asOf: 'Tel que connu le (facultatif)',
    asOfHint:
      'Le financement tel qu’il se calculait à cette date et heure, avec les seuls événements enregistrés avant.',
    show: 'Afficher',
    badAsOf: 'Indiquez une date et une heure complètes, ou laissez le champ vide.',
    asOfBanner: (at: string) => `Financement tel qu’il était connu le ${at}.`,
    now: 'Revenir au calcul actuel',
    summary: 'Synthèse',
    period: 'Période',
    sizeClass: 'Taille de la CPTS',
    size: (n: number) => `Taille ${n}`,
    amounts: 'Barème',
    total: 'Total',
    advance: 'Avance',
    advanceHint: '75 % du fonctionnement, de la majoration et des parts fixes',
    balance: 'Solde',
    balanceHint: 'Total moins l’avance, versé après l’évaluation des indicateurs',
    detail: 'Détail par mission',
    functioning: 'Fonctionnement',
    csv: 'Télécharger le financement (CSV pour Excel)',
    reviewPack: 'Dossier du dialogue de gestion de cette année',
  },
  en: {
    entries: 'What the financing counts',
    entriesIntro:
      'The mission starts, achievement rates, crises and crisis plan recorded: a typing mistake is corrected or voided here, and the financing follows (“as known on” shows the computation before).',
    noEntries: 'Nothing is recorded yet.',
    missionStarted: (mission: string) => `Start of the mission ${mission}`,
    achievement: (year: number, mission: string, rate: number) =>
      `Achievement rate ${rate} — ${mission}, year ${year}`,
    crisis: (kind: string) => `Health crisis declared: ${kind}`,
    planDrafted: 'Crisis plan drafted',
    planUpdated: 'Crisis plan updated',
    startedOn: 'Start date',
    rate: 'Rate (0 to 1)',
    mission: 'Mission',
    declaredOn: 'Declaration date',
    crisisKind: 'Kind of crisis',
    endedOn: 'End date',
    on: 'Date',
    title: 'ACI financing',
    intro:
      'What the CPTS is paid for a contract year under amendment 2 of the interprofessional agreement (ACI): computed from the contract, the missions started, the achievement rates, the crisis plan and the crises declared.',
    noContract: 'No ACI contract is signed yet: there is no financing to compute.',
    contractYear: 'Contract year',
    choose: 'Choice of the year and the time',
    year: (n: number) => `Year ${n}`,
    current: 'current',
    asOf: 'As known on (optional)',
    asOfHint: 'The financing as it was computed at that date and time, with only the events recorded before.',
    show: 'Show',
    badAsOf: 'Give a full date and time, or leave the field empty.',
    asOfBanner: (at: string) => `Financing as it was known on ${at}.`,
    now: 'Back to the current computation',
    summary: 'Summary',
    period: 'Period',
    sizeClass: 'Size class',
    size: (n: number) => `Size ${n}`,
    amounts: 'Scale',
    total: 'Total',
    advance: 'Advance',
    advanceHint: '75 % of the functioning, the top-up and the fixed parts',
    balance: 'Balance',
    balanceHint: 'Total less the advance, paid after the indicators are assessed',
    detail: 'Detail by mission',
    functioning: 'Functioning',
    csv: 'Download the financing (CSV for Excel)',
    reviewPack: 'This year’s review pack',
  },
};

type Text = (typeof TEXT)['fr'];

/** The ACI tables of amounts the server knows, by id (`GET …/financing` names the one used). */
const AMOUNT_TABLES: Record<string, [fr: string, en: string]> = {
  'aci-cpts-avenant-2-2021-12-20': [
    'Accord conventionnel interprofessionnel CPTS, avenant 2 du 20 décembre 2021',
    'CPTS interprofessional agreement (ACI), amendment 2 of 20 December 2021',
  ],
};

/** The contract year today falls in (1 in its first year), from the signature date. */
function currentContractYear(signedOn: string, today: string): number {
  let year = 1;
  while (addYears(signedOn, year) <= today) year += 1;
  return year;
}

export function FinancingPage({ route, session }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const cpts = useQuery<Cpts>(tenant(''));
  // A correction changes the figures: the year's financing is read again.
  const [changes, setChanges] = useState(0);
  const changed = () => {
    setChanges((n) => n + 1);
    cpts.reload();
  };
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <Loaded query={cpts}>
        {(data) =>
          data.contract && isDate(data.contract.signedOn) ? (
            <>
              <FinancingOfYear
                key={changes}
                text={text}
                lang={lang}
                signedOn={data.contract.signedOn}
                params={route.params}
              />
              {hasRole(session, 'coordinator') && (
                <RecordEntries
                  lang={lang}
                  contractMissions={data.contract.missions}
                  startedMissions={data.missions.map((m) => m.mission)}
                  contractYear={
                    Number(route.params.get('contractYear')) ||
                    Math.min(currentContractYear(data.contract.signedOn, parisToday()), 5)
                  }
                  onDone={changed}
                />
              )}
              <ContractEntries
                text={text}
                lang={lang}
                cpts={data}
                editable={hasRole(session, 'coordinator')}
                onDone={changed}
              />
            </>
          ) : (
            <>
              <p class="empty">{text.noContract}</p>
              {hasRole(session, 'coordinator') && <SignContractForm lang={lang} onDone={changed} />}
            </>
          )
        }
      </Loaded>
    </>
  );
}

/**
 * What the financing is computed from — mission starts, achievement rates, crises, the crisis plan — each
 * with a form to correct it or void it (a rate typed 0.08 instead of 0.8), for the coordinator.
 */
function ContractEntries(props: {
  text: Text;
  lang: Lang;
  cpts: Cpts;
  editable: boolean;
  onDone: () => void;
}) {
  const { text, lang, cpts, editable, onDone } = props;
  const base = tenant('');
  const missionOptions = (cpts.contract?.missions ?? []).map((m): [string, string] => [
    m,
    label(lang, 'mission', m),
  ]);
  const rows: Array<{ key: string; what: string; when: string; change?: ComponentChild }> = [];
  for (const started of cpts.missions) {
    const what = text.missionStarted(label(lang, 'mission', started.mission));
    rows.push({
      key: started.eventId,
      what,
      when: formatDate(started.startedOn, lang),
      change: editable && (
        <EntryChange
          base={base}
          eventId={started.eventId}
          what={what}
          fields={[{ name: 'startedOn', label: text.startedOn, kind: 'date', value: started.startedOn }]}
          voidable
          onDone={onDone}
        />
      ),
    });
  }
  for (const achievement of cpts.achievements) {
    const what = text.achievement(
      achievement.contractYear,
      label(lang, 'mission', achievement.mission),
      achievement.rate,
    );
    rows.push({
      key: achievement.eventId,
      what,
      when: text.year(achievement.contractYear),
      change: editable && (
        <EntryChange
          base={base}
          eventId={achievement.eventId}
          what={what}
          fields={[
            { name: 'rate', label: text.rate, kind: 'number', value: achievement.rate },
            {
              name: 'mission',
              label: text.mission,
              kind: 'select',
              options: missionOptions,
              value: achievement.mission,
            },
            {
              name: 'contractYear',
              label: text.contractYear,
              kind: 'number',
              value: achievement.contractYear,
            },
          ]}
          voidable
          onDone={onDone}
        />
      ),
    });
  }
  for (const crisis of cpts.crises) {
    const what = text.crisis(crisis.kind);
    rows.push({
      key: crisis.eventId,
      what,
      when: formatDate(crisis.declaredOn, lang),
      change: editable && (
        <EntryChange
          base={base}
          eventId={crisis.eventId}
          what={what}
          fields={[
            { name: 'declaredOn', label: text.declaredOn, kind: 'date', value: crisis.declaredOn },
            { name: 'kind', label: text.crisisKind, kind: 'text', value: crisis.kind },
            { name: 'endedOn', label: text.endedOn, kind: 'date', value: crisis.endedOn },
          ]}
          voidable
          onDone={onDone}
        />
      ),
    });
  }
  const plan = cpts.crisisPlan;
  const planSteps = [
    ...(plan.draftedOn && plan.draftEventId
      ? [{ eventId: plan.draftEventId, on: plan.draftedOn, what: text.planDrafted }]
      : []),
    ...plan.updates.map((update) => ({ eventId: update.eventId, on: update.on, what: text.planUpdated })),
  ];
  for (const step of planSteps) {
    rows.push({
      key: step.eventId,
      what: step.what,
      when: formatDate(step.on, lang),
      change: editable && (
        <EntryChange
          base={base}
          eventId={step.eventId}
          what={step.what}
          fields={[{ name: 'on', label: text.on, kind: 'date', value: step.on }]}
          voidable
          onDone={onDone}
        />
      ),
    });
  }
  return (
    <section class="card" aria-labelledby="contract-entries-title">
      <h2 id="contract-entries-title">{text.entries}</h2>
      <p class="muted">{text.entriesIntro}</p>
      {rows.length === 0 ? (
        <p class="empty">{text.noEntries}</p>
      ) : (
        <ul class="list-plain contract-entries">
          {rows.map((row) => (
            <li key={row.key}>
              <strong>{row.what}</strong> — {row.when}
              {row.change}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function FinancingOfYear(props: { text: Text; lang: Lang; signedOn: string; params: URLSearchParams }) {
  const { text, lang, signedOn, params } = props;
  const current = currentContractYear(signedOn, parisToday());
  const asked = Number(params.get('contractYear'));
  const contractYear = CONTRACT_YEARS.includes(asked)
    ? asked
    : Math.min(current, CONTRACT_YEARS[CONTRACT_YEARS.length - 1] ?? 5);
  const asOf = params.get('asOf') || undefined;
  const financing = useQuery<Financing>(tenant(`/financing${query({ contractYear, asOf })}`));
  const yearLabel = (n: number) => {
    const from = addYears(signedOn, n - 1);
    const last = addDays(addYears(signedOn, n), -1);
    return `${text.year(n)} (${formatDate(from, lang)} – ${formatDate(last, lang)})${n === current ? ` — ${text.current}` : ''}`;
  };

  return (
    <>
      <ContractYearForm
        page="/financing"
        id="financing"
        formKey={params.toString()}
        contractYear={contractYear}
        asOf={asOf}
        yearLabel={yearLabel}
        text={text}
      />
      {asOf && (
        <div class="alert" role="status">
          <p>
            <strong>{text.asOfBanner(formatDateTime(asOf, lang))}</strong>
          </p>
          <a href={href('/financing', { contractYear: String(contractYear) })}>{text.now}</a>
        </div>
      )}
      <div class="actions">
        <DownloadButton
          path={tenant(`/exports/financing.csv${query({ contractYear, asOf })}`)}
          label={text.csv}
          fallbackName={`financement-annee-${contractYear}.csv`}
        />
        <a href={href('/review-pack', { contractYear: String(contractYear), asOf })}>{text.reviewPack}</a>
      </div>
      <Loaded query={financing}>{(data) => <FinancingView text={text} lang={lang} data={data} />}</Loaded>
    </>
  );
}

function FinancingView({ text, lang, data }: { text: Text; lang: Lang; data: Financing }) {
  // Functioning and top-up first, then each mission in the order of the lines.
  const groups: Array<{ key: string; title: string; lines: FinancingLine[] }> = [];
  for (const line of data.lines) {
    const key = line.mission ?? 'functioning';
    let group = groups.find((g) => g.key === key);
    if (!group) {
      group = {
        key,
        title: line.mission ? label(lang, 'mission', line.mission) : text.functioning,
        lines: [],
      };
      groups.push(group);
    }
    group.lines.push(line);
  }
  const euros = (n: number) => formatEuros(n, lang);

  return (
    <>
      <section class="card financing-summary" aria-labelledby="financing-summary">
        <h2 id="financing-summary">
          {text.summary} — {text.year(data.contractYear)}
        </h2>
        <dl class="facts">
          <dt>{text.period}</dt>
          <dd>
            {formatDate(data.period.from, lang)} – {formatDate(addDays(data.period.to, -1), lang)}
          </dd>
          <dt>{text.sizeClass}</dt>
          <dd>{text.size(data.sizeClass)}</dd>
          {data.amounts && (
            <>
              <dt>{text.amounts}</dt>
              <dd>
                {AMOUNT_TABLES[data.amounts]?.[lang === 'fr' ? 0 : 1]} <code>{data.amounts}</code>
              </dd>
            </>
          )}
        </dl>
        <div class="totals">
          <div>
            <p class="muted">{text.total}</p>
            <p class="figure" data-testid="financing-total">
              {euros(data.total)}
            </p>
          </div>
          <div>
            <p class="muted">{text.advance}</p>
            <p class="figure" data-testid="financing-advance">
              {euros(data.advance)}
            </p>
            <p class="hint">{text.advanceHint}</p>
          </div>
          <div>
            <p class="muted">{text.balance}</p>
            <p class="figure" data-testid="financing-balance">
              {euros(data.balance)}
            </p>
            <p class="hint">{text.balanceHint}</p>
          </div>
        </div>
      </section>

      <h2>{text.detail}</h2>
      {groups.map((group) => {
        const id = `financing-${group.key}`;
        return (
          <section key={group.key} class="financing-group" aria-labelledby={id}>
            <h3 id={id}>{group.title}</h3>
            <FinancingLinesTable label={group.title} lines={group.lines} subtotal />
          </section>
        );
      })}
    </>
  );
}
