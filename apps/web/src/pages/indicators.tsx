/**
 * The indicators dashboard (`#/indicators?from=&to=&asOf=&mission=`): for a period `[from, to)` of Paris
 * dates, every indicator of `indicators.md` grouped by ACI mission, each with its figure, the change
 * since the previous period of the same length, a monthly chart, its breakdown, and a link to the events
 * behind it (`#/indicators/<code>?…`, `indicator-events.tsx`).
 *
 * Three reads: `GET …/indicators` for the period and for the previous one, and `GET …/indicators/series`
 * over both (the chart shows the previous period's months lighter).
 */
import { useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { ApiError, getFile, query, tenant } from '../api';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  parisIso,
  parisLocal,
  parisToday,
} from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { type Bar, BarChart } from '../ui/chart';
import { ErrorMessage, Loaded, Loading, PageTitle, useQuery } from '../ui/page';
import {
  addDays,
  addMonths,
  addYears,
  breakdownLabel,
  type Figure,
  type Figures,
  firstOfMonth,
  formatFigure,
  formatRatio,
  indicatorDefinition,
  indicatorName,
  INDICATOR_TEXT,
  isDate,
  isRate,
  monthCount,
  monthTitle,
  previousPeriod,
  type Series,
  shortMonth,
} from './indicator-common';
import { IndicatorEventsPage } from './indicator-events';
import { ExternalFigures, type ExternalFigure } from './indicators-external';

/** The series route answers at most this many months. */
const SERIES_MAX_MONTHS = 120;

/** Missions in the order of the ACI contract; `null` is the Plan 100 % CPTS (membership). */
const MISSIONS: Array<string | null> = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
  'qualite-pertinence',
  'accompagnement-professionnels',
  null,
];

/** Indicators where a fall is the good news, and those where a change is neither good nor bad. */
const LOWER_IS_BETTER = new Set(['acces.mt.sans-mt']);
const NEUTRAL = new Set(['parcours.clos', 'adhesion.population']);

const TEXT = {
  fr: {
    title: 'Indicateurs',
    intro:
      'Les indicateurs de l’accord conventionnel interprofessionnel (ACI), calculés à partir des événements enregistrés, comparés à la période précédente de même durée.',
    period: 'Période',
    from: 'Du',
    to: 'Au (inclus)',
    asOf: 'Tel que connu le (facultatif)',
    asOfHint:
      'Les chiffres tels qu’ils étaient connus à cette date et heure : seuls comptent les événements enregistrés avant, sans les saisies, corrections ni annulations faites depuis. Utile pour retrouver un chiffre déjà transmis.',
    mission: 'Mission',
    allMissions: 'Toutes les missions',
    show: 'Afficher',
    quick: 'Périodes rapides',
    quickLabel: 'Périodes rapides :',
    thisYear: 'Cette année',
    last12: '12 derniers mois',
    contractYear: (n: number) => `Année de contrat ${n} (en cours)`,
    lastContractYear: (n: number) => `Année de contrat ${n}`,
    badPeriod: 'Indiquez deux dates, la fin le même jour que le début ou après.',
    badAsOf: 'Indiquez une date et une heure complètes, ou laissez le champ vide.',
    shown: (from: string, last: string, prevFrom: string, prevLast: string) =>
      `Du ${from} au ${last}, comparé au ${prevFrom} – ${prevLast}.`,
    asOfBanner: (at: string) => `Chiffres tels qu’ils étaient connus le ${at}.`,
    current: 'Revenir aux chiffres actuels',
    csv: 'Télécharger les séries mensuelles (CSV)',
    csvBusy: 'Préparation du fichier…',
    csvDone: 'Fichier CSV téléchargé.',
    seriesError: 'Les graphiques mensuels ne sont pas disponibles :',
    seriesTooLong: 'Période trop longue pour les graphiques mensuels (10 ans au plus).',
    adhesion: 'Adhésion (Plan 100 % CPTS)',
    noIndicator: 'Pas d’indicateur calculé pour cette mission.',
    previous: 'Période précédente',
    vs: 'par rapport à la période précédente',
    noComparison: 'Pas de comparaison possible avec la période précédente',
    same: 'Stable par rapport à la période précédente',
    points: (n: string) => `${n} point(s)`,
    was: (value: string) => `(${value} auparavant)`,
    ratio: (ratio: string) => `soit ${ratio}`,
    nothing: 'Rien à mesurer sur la période.',
    drill: 'Voir les événements',
    drillOf: (name: string) => ` : ${name}`,
    breakdown: 'Répartition',
    category: 'Catégorie',
    thisPeriod: 'Période',
    chartTitle: (name: string) => `${name}, par mois`,
    chartCount: (total: string, min: string, max: string) =>
      `${total} sur la période, de ${min} à ${max} par mois.`,
    chartSnapshot: (min: string, max: string) => `De ${min} à ${max} selon les mois (au dernier jour).`,
    chartRate: (min: string, max: string) => `De ${min} à ${max} selon les mois.`,
    chartEmpty: 'Aucune valeur sur la période.',
    chartPrevious: 'Les mois de la période précédente sont plus clairs.',
    ratioColumn: 'Numérateur / dénominateur',
  },
  en: {
    title: 'Indicators',
    intro:
      'The indicators of the interprofessional agreement (ACI), computed from the events recorded, compared with the previous period of the same length.',
    period: 'Period',
    from: 'From',
    to: 'To (inclusive)',
    asOf: 'As known on (optional)',
    asOfHint:
      'The figures as they were known at that date and time: only events recorded before count, without the entries, corrections and voidings made since. Useful to find a figure already reported.',
    mission: 'Mission',
    allMissions: 'All missions',
    show: 'Show',
    quick: 'Quick periods',
    quickLabel: 'Quick periods:',
    thisYear: 'This year',
    last12: 'Last 12 months',
    contractYear: (n: number) => `Contract year ${n} (current)`,
    lastContractYear: (n: number) => `Contract year ${n}`,
    badPeriod: 'Give two dates, the end on or after the start.',
    badAsOf: 'Give a full date and time, or leave the field empty.',
    shown: (from: string, last: string, prevFrom: string, prevLast: string) =>
      `From ${from} to ${last}, compared with ${prevFrom} – ${prevLast}.`,
    asOfBanner: (at: string) => `Figures as they were known on ${at}.`,
    current: 'Back to the current figures',
    csv: 'Download the monthly series (CSV)',
    csvBusy: 'Preparing the file…',
    csvDone: 'CSV file downloaded.',
    seriesError: 'The monthly charts are not available:',
    seriesTooLong: 'Period too long for the monthly charts (10 years at most).',
    adhesion: 'Membership (Plan 100 % CPTS)',
    noIndicator: 'No indicator is computed for this mission.',
    previous: 'Previous period',
    vs: 'compared with the previous period',
    noComparison: 'No comparison possible with the previous period',
    same: 'Unchanged from the previous period',
    points: (n: string) => `${n} point(s)`,
    was: (value: string) => `(${value} before)`,
    ratio: (ratio: string) => `that is ${ratio}`,
    nothing: 'Nothing to measure in the period.',
    drill: 'See the events',
    drillOf: (name: string) => `: ${name}`,
    breakdown: 'Breakdown',
    category: 'Category',
    thisPeriod: 'Period',
    chartTitle: (name: string) => `${name}, by month`,
    chartCount: (total: string, min: string, max: string) =>
      `${total} in the period, from ${min} to ${max} a month.`,
    chartSnapshot: (min: string, max: string) => `From ${min} to ${max} depending on the month (last day).`,
    chartRate: (min: string, max: string) => `From ${min} to ${max} depending on the month.`,
    chartEmpty: 'No value in the period.',
    chartPrevious: 'The months of the previous period are lighter.',
    ratioColumn: 'Numerator / denominator',
  },
};

type Text = (typeof TEXT)['fr'];

interface Period {
  from: string;
  to: string;
  asOf?: string;
}

interface CptsSummary {
  contract?: { signedOn: string };
}

/** `#/indicators/<code>` is the drill-down; `#/indicators` the dashboard. */
export function IndicatorsPage(props: PageProps) {
  return props.route.segments[1] ? <IndicatorEventsPage {...props} /> : <Dashboard {...props} />;
}

/** The link to the events behind a figure, with the same period. */
export function drillDownHref(code: string, period: Period): string {
  return href(`/indicators/${encodeURIComponent(code)}`, {
    from: period.from,
    to: period.to,
    asOf: period.asOf,
  });
}

/** The dashboard's link for a period, keeping the other choices. */
function dashboardHref(period: Period, mission: string): string {
  return href('/indicators', { from: period.from, to: period.to, asOf: period.asOf, mission });
}

/** The 12 whole months before the current one: what the dashboard opens on. */
function lastTwelveMonths(today: string): { from: string; to: string } {
  const to = firstOfMonth(today);
  return { from: addMonths(to, -12), to };
}

function Dashboard({ route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const today = parisToday();
  const fallback = lastTwelveMonths(today);
  const from = route.params.get('from') ?? fallback.from;
  const to = route.params.get('to') ?? fallback.to;
  const asOf = route.params.get('asOf') || undefined;
  const mission = route.params.get('mission') ?? '';
  const valid = isDate(from) && isDate(to) && to > from;
  const period: Period = { from, to, asOf };
  const previous = valid ? previousPeriod(from, to) : null;

  // The series covers the previous period too when it fits, for the lighter bars.
  const seriesFrom =
    previous && monthCount(previous.from, to) <= SERIES_MAX_MONTHS
      ? previous.from
      : valid && monthCount(from, to) <= SERIES_MAX_MONTHS
        ? from
        : null;

  const figures = useQuery<Figures>(valid ? tenant(`/indicators${query({ from, to, asOf })}`) : null);
  const before = useQuery<Figures>(previous ? tenant(`/indicators${query({ ...previous, asOf })}`) : null);
  const series = useQuery<Series>(
    seriesFrom ? tenant(`/indicators/series${query({ from: seriesFrom, to, asOf })}`) : null,
  );
  const cpts = useQuery<CptsSummary>(tenant(''));

  const choices = quickChoices(text, today, cpts.data?.contract?.signedOn);

  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <PeriodForm key={route.params.toString()} text={text} lang={lang} period={period} mission={mission} />
      <nav class="period-choices" aria-label={text.quick}>
        <span class="muted">{text.quickLabel}</span>
        <ul>
          {choices.map((choice) => {
            const active = choice.from === from && choice.to === to;
            return (
              <li key={choice.label}>
                <a
                  href={dashboardHref({ ...choice, asOf }, mission)}
                  aria-current={active ? 'true' : undefined}
                >
                  {choice.label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>

      {!valid && (
        <div class="alert error" role="alert">
          {text.badPeriod}
        </div>
      )}

      {valid && previous && (
        <>
          <div class="period-summary">
            <p>
              <strong>
                {text.shown(
                  formatDate(from, lang),
                  formatDate(addDays(to, -1), lang),
                  formatDate(previous.from, lang),
                  formatDate(addDays(previous.to, -1), lang),
                )}
              </strong>
            </p>
            <CsvDownload text={text} period={period} />
          </div>
          {asOf && (
            <div class="alert" role="status">
              <p>
                <strong>{text.asOfBanner(formatDateTime(asOf, lang))}</strong>
              </p>
              <a href={dashboardHref({ from, to }, mission)}>{text.current}</a>
            </div>
          )}
          {seriesFrom === null && <p class="muted">{text.seriesTooLong}</p>}
          {series.loading && figures.data && <Loading />}
          {series.error && (
            <div class="alert error" role="alert">
              {text.seriesError} {series.error.message}
            </div>
          )}
          <Loaded query={figures}>
            {(data) => (
              <Sections
                text={text}
                lang={lang}
                figures={data.indicators}
                external={data.external ?? []}
                previous={before.data?.indicators}
                series={series.data}
                period={period}
                mission={mission}
              />
            )}
          </Loaded>
          {before.error && <ErrorMessage error={before.error} />}
        </>
      )}
    </>
  );
}

/** This year so far, the last 12 whole months, and the contract years when a contract is signed. */
function quickChoices(
  text: Text,
  today: string,
  signedOn: string | undefined,
): Array<{ label: string; from: string; to: string }> {
  const tomorrow = addDays(today, 1);
  const choices = [
    { label: text.thisYear, from: `${today.slice(0, 4)}-01-01`, to: tomorrow },
    { label: text.last12, ...lastTwelveMonths(today) },
  ];
  if (signedOn && isDate(signedOn) && signedOn <= today) {
    let year = 1;
    while (addYears(signedOn, year) <= today) year += 1;
    const start = addYears(signedOn, year - 1);
    if (year > 1) {
      choices.push({ label: text.lastContractYear(year - 1), from: addYears(signedOn, year - 2), to: start });
    }
    choices.push({ label: text.contractYear(year), from: start, to: tomorrow });
  }
  return choices;
}

function PeriodForm(props: { text: Text; lang: Lang; period: Period; mission: string }) {
  const { text, lang, period } = props;
  const [problem, setProblem] = useState<string | null>(null);
  const validDates = isDate(period.from) && isDate(period.to);
  return (
    <form
      class="filters indicator-filters"
      role="search"
      aria-label={text.period}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const value = (name: string) => {
          const raw = data.get(name);
          return typeof raw === 'string' ? raw.trim() : '';
        };
        const from = value('from');
        const last = value('to');
        if (!isDate(from) || !isDate(last) || last < from) {
          setProblem(text.badPeriod);
          return;
        }
        const asOfLocal = value('asOf');
        const asOf = asOfLocal === '' ? undefined : parisIso(asOfLocal);
        if (asOf === null) {
          setProblem(text.badAsOf);
          return;
        }
        setProblem(null);
        navigate(dashboardHref({ from, to: addDays(last, 1), asOf }, value('mission')));
      }}
    >
      {problem && (
        <div class="alert error form-problem" role="alert">
          {problem}
        </div>
      )}
      <div class="field">
        <label for="indicators-from">{text.from}</label>
        <input
          id="indicators-from"
          type="date"
          name="from"
          defaultValue={validDates ? period.from : ''}
          required
        />
      </div>
      <div class="field">
        <label for="indicators-to">{text.to}</label>
        <input
          id="indicators-to"
          type="date"
          name="to"
          defaultValue={validDates ? addDays(period.to, -1) : ''}
          required
        />
      </div>
      <div class="field as-of">
        <label for="indicators-as-of">{text.asOf}</label>
        <input
          id="indicators-as-of"
          type="datetime-local"
          name="asOf"
          defaultValue={period.asOf ? parisLocal(period.asOf) : ''}
          aria-describedby="indicators-as-of-hint"
        />
      </div>
      <div class="field">
        <label for="indicators-mission">{text.mission}</label>
        <select id="indicators-mission" name="mission">
          <option value="" selected={props.mission === ''}>
            {text.allMissions}
          </option>
          {options(lang, 'mission')
            .filter(([value]) => value !== 'crises-sanitaires')
            .map(([value, name]) => (
              <option key={value} value={value} selected={props.mission === value}>
                {value === 'adhesion' ? text.adhesion : name}
              </option>
            ))}
        </select>
      </div>
      <button type="submit" class="primary">
        {text.show}
      </button>
      <p id="indicators-as-of-hint" class="hint as-of-hint">
        {text.asOfHint}
      </p>
    </form>
  );
}

/** The CSV export needs the bearer token: fetched with the API client, then saved as a file. */
function CsvDownload({ text, period }: { text: Text; period: Period }) {
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = useState<ApiError | null>(null);
  const download = async () => {
    setState('busy');
    setError(null);
    try {
      // The French-Excel dialect (`;`, decimal comma, BOM, labels): fetched as bytes to keep the BOM.
      const { blob, name } = await getFile(
        tenant(`/exports/indicators.csv${query({ ...period, granularity: 'month', dialect: 'excel-fr' })}`),
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name ?? `indicateurs-${period.from}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState('done');
    } catch (caught: unknown) {
      setError(caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) }));
      setState('idle');
    }
  };
  return (
    <div class="csv-download">
      <button type="button" class="secondary" disabled={state === 'busy'} onClick={() => void download()}>
        {state === 'busy' ? text.csvBusy : text.csv}
      </button>
      <span role="status" class="ok">
        {state === 'done' ? text.csvDone : ''}
      </span>
      {error && <ErrorMessage error={error} />}
    </div>
  );
}

function Sections(props: {
  text: Text;
  lang: Lang;
  figures: Figure[];
  external: ExternalFigure[];
  previous: Figure[] | undefined;
  series: Series | undefined;
  period: Period;
  mission: string;
}) {
  const { text, lang, figures, period } = props;
  const previousByCode = new Map((props.previous ?? []).map((figure) => [figure.code, figure]));
  const shown = MISSIONS.filter((mission) =>
    props.mission === '' ? true : (mission ?? 'adhesion') === props.mission,
  );
  return (
    <>
      {shown.map((mission) => {
        const ofMission = figures.filter((figure) => figure.mission === mission);
        // Crises sanitaires have no indicator: the section is left out rather than empty.
        if (ofMission.length === 0 && props.mission === '') return null;
        const id = `mission-${mission ?? 'adhesion'}`;
        return (
          <section key={id} class="mission" aria-labelledby={id}>
            <h2 id={id}>{mission === null ? text.adhesion : label(lang, 'mission', mission)}</h2>
            {ofMission.length === 0 ? (
              <p class="empty">{text.noIndicator}</p>
            ) : (
              <div class="indicator-grid">
                {ofMission.map((figure) => (
                  <IndicatorCard
                    key={figure.code}
                    text={text}
                    lang={lang}
                    figure={figure}
                    previous={previousByCode.get(figure.code)}
                    series={props.series}
                    period={period}
                  />
                ))}
              </div>
            )}
            {mission === 'acces-soins' && <ExternalFigures figures={props.external} lang={lang} />}
          </section>
        );
      })}
    </>
  );
}

function IndicatorCard(props: {
  text: Text;
  lang: Lang;
  figure: Figure;
  previous: Figure | undefined;
  series: Series | undefined;
  period: Period;
}) {
  const { text, lang, figure, previous, period } = props;
  const name = indicatorName(lang, figure.code);
  const ratio = formatRatio(figure, lang);
  const headingId = `indicator-${figure.code.replace(/\./g, '-')}`;
  return (
    <article class="card indicator" data-code={figure.code} aria-labelledby={headingId}>
      <h3 id={headingId}>{name}</h3>
      <p class="muted definition">{indicatorDefinition(lang, figure.code)}</p>
      <p class="figure" data-testid="figure">
        {formatFigure(figure, lang)}
        {ratio && <span class="ratio"> {text.ratio(ratio)}</span>}
      </p>
      {figure.value === null && <p class="muted">{text.nothing}</p>}
      <Delta text={text} lang={lang} figure={figure} previous={previous} />
      <p>
        <a href={drillDownHref(figure.code, period)}>
          {text.drill}
          <span class="visually-hidden">{text.drillOf(name)}</span>
        </a>
      </p>
      {props.series && (
        <MonthlyChart text={text} lang={lang} code={figure.code} series={props.series} period={period} />
      )}
      {figure.breakdown && Object.keys(figure.breakdown).length > 0 && (
        <Breakdown text={text} lang={lang} figure={figure} previous={previous} name={name} />
      )}
    </article>
  );
}

/** The change since the previous period: a difference of counts (and its %), or of rates in points. */
function Delta(props: { text: Text; lang: Lang; figure: Figure; previous: Figure | undefined }) {
  const { text, lang, figure, previous } = props;
  if (!previous) return null;
  if (figure.value === null || previous.value === null) {
    return <p class="delta muted">{text.noComparison}</p>;
  }
  const rate = isRate(figure);
  const difference = rate
    ? Math.round((figure.value - previous.value) * 1000) / 10
    : figure.value - previous.value;
  const was = text.was(formatFigure(previous, lang));
  if (difference === 0) {
    return (
      <p class="delta same">
        = {text.same} {was}
      </p>
    );
  }
  const sign = difference > 0 ? '+' : '−';
  const magnitude = formatNumber(Math.abs(difference), lang, rate ? 1 : 0);
  let change = rate ? text.points(`${sign}${magnitude}`) : `${sign}${magnitude}`;
  if (!rate && previous.value !== 0) {
    const ratio = Math.round((Math.abs(difference) / previous.value) * 100) / 100;
    change += ` (${sign}${formatPercent(ratio, lang)})`;
  }
  const good = LOWER_IS_BETTER.has(figure.code) ? difference < 0 : difference > 0;
  const tone = NEUTRAL.has(figure.code) ? 'same' : good ? 'up' : 'down';
  return (
    <p class={`delta ${tone}`}>
      <span aria-hidden="true">{difference > 0 ? '▲' : '▼'} </span>
      {change} {text.vs} {was}
    </p>
  );
}

function MonthlyChart(props: { text: Text; lang: Lang; code: string; series: Series; period: Period }) {
  const { text, lang, code, series, period } = props;
  const bars: Bar[] = series.months.map((month) => {
    const figure = month.indicators.find((f) => f.code === code);
    const value = figure?.value ?? null;
    return {
      label: shortMonth(month.from, lang),
      title: monthTitle(month.from, month.to, lang),
      value,
      display: figure ? formatFigure(figure, lang) : '—',
      detail: figure ? formatRatio(figure, lang) : undefined,
      previous: month.from < period.from,
    };
  });
  const rate = series.months[0]?.indicators.find((f) => f.code === code)?.denominator !== undefined;
  const name = indicatorName(lang, code);
  const current = bars.filter((bar) => !bar.previous && bar.value !== null);
  const values = current.map((bar) => bar.value ?? 0);
  const show = (n: number) => (rate ? formatPercent(n, lang) : formatNumber(n, lang));
  let summary: string;
  if (values.length === 0) summary = text.chartEmpty;
  else {
    const min = show(Math.min(...values));
    const max = show(Math.max(...values));
    summary = rate
      ? text.chartRate(min, max)
      : INDICATOR_TEXT[code]?.snapshot
        ? text.chartSnapshot(min, max)
        : text.chartCount(
            formatNumber(
              values.reduce((sum, n) => sum + n, 0),
              lang,
            ),
            min,
            max,
          );
  }
  if (bars.some((bar) => bar.previous)) summary += ` ${text.chartPrevious}`;
  return (
    <BarChart
      title={text.chartTitle(name)}
      summary={summary}
      bars={bars}
      max={rate ? 1 : undefined}
      detailLabel={text.ratioColumn}
    />
  );
}

function Breakdown(props: {
  text: Text;
  lang: Lang;
  figure: Figure;
  previous: Figure | undefined;
  name: string;
}) {
  const { text, lang, figure, previous, name } = props;
  // Keys of both periods (protocol versions come and go), the current period's first.
  const keys = [
    ...new Set([...Object.keys(figure.breakdown ?? {}), ...Object.keys(previous?.breakdown ?? {})]),
  ];
  const caption = `${text.breakdown} : ${name}`;
  return (
    <div class="table-wrap breakdown" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{text.category}</th>
            <th scope="col" class="num">
              {text.thisPeriod}
            </th>
            {previous && (
              <th scope="col" class="num">
                {text.previous}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <td>{breakdownLabel(lang, figure.code, key)}</td>
              <td class="num">{formatNumber(figure.breakdown?.[key] ?? 0, lang)}</td>
              {previous && <td class="num">{formatNumber(previous.breakdown?.[key] ?? 0, lang)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
