/**
 * The yearly review pack (`#/review-pack?contractYear=&asOf=`, `GET …/reports/yearly`): what the CPTS
 * brings to its dialogue de gestion with the ARS and the CPAM — the indicators of each mission beside the
 * year before, the CPAM's own figures, the achievement rates, the financing line by line — with the PDF,
 * the annex of the events behind each figure and the financing as spreadsheets to download.
 */
import type { PageProps } from '../app';
import { query, tenant } from '../api';
import { formatDate, formatDateTime, formatEuros, formatNumber, formatPercent, parisToday } from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { href } from '../router';
import { DownloadButton } from '../ui/download';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';
import { FinancingLinesTable } from '../ui/financing-lines';
import { ContractYearForm, CONTRACT_YEARS } from '../ui/contract-year-form';
import { addYears, isDate } from './indicator-common';

interface Named {
  from: string;
  to: string;
  lastDay: string;
}

interface PackIndicator {
  code: string;
  label: { fr: string; en: string };
  unit: 'share' | 'number';
  value: number | null;
  previous: { value: number | null };
}

interface PackMission {
  mission: string | null;
  label: { fr: string; en: string };
  inContract: boolean;
  startedOn?: string;
  achievementRate: number | null;
  indicators: PackIndicator[];
  external: Array<{
    code: string;
    period: string;
    value: number;
    unit: 'share' | 'per-1000';
    label: { fr: string; en: string };
    source: string;
  }>;
}

interface Pack {
  name: string;
  contractYear: number;
  period: Named;
  previousPeriod: Named;
  asOf?: string;
  knownOn: string;
  missions: PackMission[];
  financing: {
    sizeClass: number;
    lines: Array<{ mission?: string; part: string; amount: number; basis: string }>;
    total: number;
    advance: number;
    balance: number;
  };
  crises: Array<{ declaredOn: string; kind: string; endedOn?: string }>;
  crisisPlan: { draftedOn?: string; updates: string[] };
}

const TEXT = {
  fr: {
    title: 'Dialogue de gestion',
    intro:
      'Le dossier de l’année de contrat pour le dialogue de gestion avec l’ARS et la CPAM : les indicateurs de chaque mission et ceux de l’année précédente, les chiffres de la CPAM, les taux d’atteinte et le financement ligne par ligne.',
    noContract: 'Aucun contrat ACI n’est encore signé : il n’y a pas d’année de contrat à présenter.',
    choose: 'Choix de l’année et de la date',
    contractYear: 'Année de contrat',
    year: (n: number) => `Année ${n}`,
    asOf: 'Tel que connu le (facultatif)',
    asOfHint:
      'Le dossier tel qu’il se présentait à cette date et heure, avec les seuls événements enregistrés avant.',
    badAsOf: 'Indiquez une date et une heure complètes, ou laissez le champ vide.',
    show: 'Afficher',
    knownOn: (at: string) => `Tel que connu le ${at}`,
    period: (from: string, last: string) => `du ${from} au ${last}`,
    previous: 'Année précédente',
    downloads: 'Documents',
    pdf: 'Télécharger le dossier (PDF)',
    annex: 'Annexe : les événements derrière chaque chiffre (CSV)',
    financingCsv: 'Financement (CSV)',
    summary: 'Financement ACI',
    total: 'Total',
    advance: 'Avance',
    balance: 'Solde',
    size: (n: number) => `Taille ${n}`,
    indicator: 'Indicateur',
    code: 'code',
    inContract: 'Mission du contrat',
    outOfContract: 'Hors contrat',
    startedOn: (date: string) => `démarrée le ${date}`,
    rate: 'Taux d’atteinte',
    noRate: 'non enregistré',
    cpam: (period: string) => `chiffre de la CPAM ${period}`,
    source: 'source',
    lines: 'Financement ligne par ligne',
    crises: 'Crises sanitaires et plan de crise',
    planDrafted: (date: string) => `Plan de crise rédigé le ${date}`,
    planUpdated: (date: string) => `mis à jour le ${date}`,
    noPlan: 'Aucun plan de crise enregistré.',
    noCrisis: 'Aucune crise déclarée pendant l’année.',
    crisis: (kind: string, from: string, until?: string) =>
      `Crise « ${kind} » déclarée le ${from}${until ? `, terminée le ${until}` : ''}`,
    record:
      'Les taux d’atteinte, le contrat, les missions et les crises s’enregistrent et se corrigent sur la page',
    financingPage: 'Financement ACI',
  },
  en: {
    title: 'Yearly review',
    intro:
      'The contract year’s pack for the yearly review with the ARS and the CPAM: each mission’s indicators beside the year before, the CPAM’s figures, the achievement rates and the financing line by line.',
    noContract: 'No ACI contract is signed yet: there is no contract year to present.',
    choose: 'Choice of the year and the time',
    contractYear: 'Contract year',
    year: (n: number) => `Year ${n}`,
    asOf: 'As known on (optional)',
    asOfHint: 'The pack as it stood at that date and time, with only the events recorded before.',
    badAsOf: 'Give a full date and time, or leave the field empty.',
    show: 'Show',
    knownOn: (at: string) => `As known on ${at}`,
    period: (from: string, last: string) => `from ${from} to ${last}`,
    previous: 'Year before',
    downloads: 'Documents',
    pdf: 'Download the pack (PDF)',
    annex: 'Annex: the events behind each figure (CSV)',
    financingCsv: 'Financing (CSV)',
    summary: 'ACI financing',
    total: 'Total',
    advance: 'Advance',
    balance: 'Balance',
    size: (n: number) => `Size ${n}`,
    indicator: 'Indicator',
    code: 'code',
    inContract: 'Mission of the contract',
    outOfContract: 'Not in the contract',
    startedOn: (date: string) => `started on ${date}`,
    rate: 'Achievement rate',
    noRate: 'not recorded',
    cpam: (period: string) => `CPAM figure ${period}`,
    source: 'source',
    lines: 'Financing line by line',
    crises: 'Health crises and crisis plan',
    planDrafted: (date: string) => `Crisis plan drafted on ${date}`,
    planUpdated: (date: string) => `updated on ${date}`,
    noPlan: 'No crisis plan recorded.',
    noCrisis: 'No crisis declared during the year.',
    crisis: (kind: string, from: string, until?: string) =>
      `Crisis “${kind}” declared on ${from}${until ? `, ended on ${until}` : ''}`,
    record: 'Achievement rates, the contract, missions and crises are recorded and corrected on the page',
    financingPage: 'ACI financing',
  },
};

type Text = (typeof TEXT)['fr'];

function currentContractYear(signedOn: string, today: string): number {
  let year = 1;
  while (addYears(signedOn, year) <= today && year < CONTRACT_YEARS.length) year += 1;
  return year;
}

export function ReviewPackPage({ route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const cpts = useQuery<{ contract?: { signedOn: string } }>(tenant(''));
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <Loaded query={cpts}>
        {(data) =>
          data.contract && isDate(data.contract.signedOn) ? (
            <YearPack text={text} lang={lang} signedOn={data.contract.signedOn} params={route.params} />
          ) : (
            <p class="empty">{text.noContract}</p>
          )
        }
      </Loaded>
    </>
  );
}

function YearPack(props: { text: Text; lang: Lang; signedOn: string; params: URLSearchParams }) {
  const { text, lang, signedOn, params } = props;
  const asked = Number(params.get('contractYear'));
  const contractYear = CONTRACT_YEARS.includes(asked) ? asked : currentContractYear(signedOn, parisToday());
  const asOf = params.get('asOf') || undefined;
  const search = query({ contractYear, asOf });
  const pack = useQuery<Pack>(tenant(`/reports/yearly${search}`));
  return (
    <>
      <ContractYearForm
        page="/review-pack"
        id="pack"
        formKey={params.toString()}
        contractYear={contractYear}
        asOf={asOf}
        yearLabel={text.year}
        text={text}
      />
      <Loaded query={pack}>
        {(data) => <PackView text={text} lang={lang} pack={data} search={search} />}
      </Loaded>
    </>
  );
}

function PackView(props: { text: Text; lang: Lang; pack: Pack; search: string }) {
  const { text, lang, pack, search } = props;
  const date = (value: string) => formatDate(value, lang);
  const euros = (value: number) => formatEuros(value, lang);
  const figure = (unit: PackIndicator['unit'], value: number | null) =>
    value === null ? '—' : unit === 'share' ? formatPercent(value, lang) : formatNumber(value, lang, 2);
  const missionLabel = (code?: string) =>
    pack.missions.find((m) => m.mission === code)?.label[lang] ?? code ?? '—';
  const f = pack.financing;
  return (
    <>
      <section class="card" aria-labelledby="pack-heading">
        <h2 id="pack-heading">
          {pack.name} — {text.year(pack.contractYear)}{' '}
          <span class="muted">({text.period(date(pack.period.from), date(pack.period.lastDay))})</span>
        </h2>
        <p class="as-of-stamp" data-testid="pack-known-on">
          <strong>{text.knownOn(formatDateTime(pack.knownOn, lang))}</strong>
        </p>
        <p class="muted">
          {text.record}{' '}
          <a href={href('/financing', { contractYear: String(pack.contractYear) })}>{text.financingPage}</a>.
        </p>
        <h3>{text.downloads}</h3>
        <DownloadButton
          path={tenant(`/reports/yearly.pdf${search}`)}
          label={text.pdf}
          fallbackName={`dialogue-de-gestion-annee-${pack.contractYear}.pdf`}
          primary
        />
        <DownloadButton
          path={tenant(`/reports/yearly/annex.csv${search}`)}
          label={text.annex}
          fallbackName={`annexe-annee-${pack.contractYear}.csv`}
        />
        <DownloadButton
          path={tenant(`/exports/financing.csv${search}`)}
          label={text.financingCsv}
          fallbackName={`financement-annee-${pack.contractYear}.csv`}
        />
      </section>

      <section class="card financing-summary" aria-labelledby="pack-summary">
        <h2 id="pack-summary">{text.summary}</h2>
        <p class="muted">{text.size(f.sizeClass)}</p>
        <div class="totals">
          <div>
            <p class="muted">{text.total}</p>
            <p class="figure" data-testid="pack-total">
              {euros(f.total)}
            </p>
          </div>
          <div>
            <p class="muted">{text.advance}</p>
            <p class="figure">{euros(f.advance)}</p>
          </div>
          <div>
            <p class="muted">{text.balance}</p>
            <p class="figure">{euros(f.balance)}</p>
          </div>
        </div>
      </section>

      {pack.missions.map((mission) => {
        const code = mission.mission ?? 'adhesion';
        const id = `pack-mission-${code}`;
        return (
          <section key={code} class="card" aria-labelledby={id}>
            <h2 id={id}>
              {mission.label[lang]} <code class="muted">{code}</code>
            </h2>
            {mission.mission !== null && (
              <p>
                {mission.inContract ? text.inContract : text.outOfContract}
                {mission.startedOn && <> — {text.startedOn(date(mission.startedOn))}</>} — {text.rate} :{' '}
                <strong data-testid={`pack-rate-${code}`}>
                  {mission.achievementRate === null
                    ? text.noRate
                    : formatPercent(mission.achievementRate, lang)}
                </strong>
              </p>
            )}
            {mission.indicators.length + mission.external.length > 0 && (
              <TableRegion label={mission.label[lang]}>
                <thead>
                  <tr>
                    <th scope="col">{text.indicator}</th>
                    <th scope="col" class="num">
                      {text.year(pack.contractYear)}
                    </th>
                    <th scope="col" class="num">
                      {text.previous}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mission.indicators.map((indicator) => (
                    <tr key={indicator.code}>
                      <th scope="row">
                        {indicator.label[lang]} <code class="muted">{indicator.code}</code>
                      </th>
                      <td class="num">{figure(indicator.unit, indicator.value)}</td>
                      <td class="num">{figure(indicator.unit, indicator.previous.value)}</td>
                    </tr>
                  ))}
                  {mission.external.map((external) => (
                    <tr key={`${external.code}-${external.period}`}>
                      <th scope="row">
                        {external.label[lang]} — {text.cpam(external.period)}{' '}
                        <code class="muted">{external.code}</code>
                        <br />
                        <span class="muted">
                          {text.source} : {external.source}
                        </span>
                      </th>
                      <td class="num">
                        {external.unit === 'share'
                          ? formatPercent(external.value, lang)
                          : `${formatNumber(external.value, lang, 2)} ‰`}
                      </td>
                      <td class="num">—</td>
                    </tr>
                  ))}
                </tbody>
              </TableRegion>
            )}
          </section>
        );
      })}

      <section class="card" aria-labelledby="pack-lines">
        <h2 id="pack-lines">{text.lines}</h2>
        <FinancingLinesTable label={text.lines} lines={f.lines} mission={missionLabel} />
      </section>

      <section class="card" aria-labelledby="pack-crises">
        <h2 id="pack-crises">{text.crises}</h2>
        <p>
          {pack.crisisPlan.draftedOn
            ? [
                text.planDrafted(date(pack.crisisPlan.draftedOn)),
                ...pack.crisisPlan.updates.map((u) => text.planUpdated(date(u))),
              ].join(', ')
            : text.noPlan}
        </p>
        {pack.crises.length === 0 ? (
          <p>{text.noCrisis}</p>
        ) : (
          <ul>
            {pack.crises.map((crisis) => (
              <li key={`${crisis.declaredOn}-${crisis.kind}`}>
                {text.crisis(
                  crisis.kind,
                  date(crisis.declaredOn),
                  crisis.endedOn ? date(crisis.endedOn) : undefined,
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
