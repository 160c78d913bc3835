/**
 * The events behind one figure (`#/indicators/<code>?from=&to=&asOf=`, `GET …/indicators/{code}/events`):
 * each with its type, business time and recorded time. Coordinators and auditors also get links to the
 * pathway or patient and to the stream's audited history; analysts never see a stream id nor a link to
 * a patient's records.
 */
import type { PageProps } from '../app';
import { query, tenant } from '../api';
import { formatDate, formatDateTime, formatNumber, shortId } from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { label, type LabelSet } from '../labels';
import { href } from '../router';
import { hasRole } from '../session';
import { EntryChange } from '../ui/entry-change';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import {
  addDays,
  eventTypeLabel,
  type Figure,
  formatFigure,
  formatRatio,
  indicatorDefinition,
  indicatorName,
  INDICATOR_TEXT,
  isDate,
} from './indicator-common';
import { TableRegion } from '../ui/table';

/** Events per page: enough for a year of most indicators on one screen. */
const PAGE = 500;

interface IndicatorEvent {
  eventId: string;
  type: string;
  /** Absent for analysts when it names a patient. */
  streamId?: string;
  at: string | null;
  recordedAt: string;
  correctedBy?: string;
  inNumerator?: boolean;
  category?: string;
  amount?: number;
}

interface DrillDown extends Figure {
  from: string;
  to: string;
  asOf?: string;
  total: number;
  limit: number;
  offset: number;
  events: IndicatorEvent[];
}

/** The label set of an item's category, by the type of its event (a protocol's code@version has none). */
const CATEGORY_SET: Record<string, LabelSet> = {
  MedecinTraitantSearchRegistered: 'priority',
  UnscheduledCareRequested: 'snpChannel',
  MemberJoined: 'profession',
  InternHosted: 'profession',
  PathwayOpened: 'pathwayKind',
  PathwayClosed: 'closureOutcome',
  PatientReferred: 'urgency',
  RcpHeld: 'rcpFormat',
  WorkItemAssigned: 'worklistKind',
};

/** What an item's amount is, by indicator. */
const AMOUNT: Record<string, [fr: string, en: string]> = {
  'parcours.rcp': ['Cas discutés', 'Cases discussed'],
  'prevention.actions': ['Personnes touchées', 'People reached'],
  'qualite.formations': ['Participants', 'Participants'],
  'adhesion.population': ['Population', 'Population'],
};

const TEXT = {
  fr: {
    thisAction: 'cette action',
    heldOn: 'Date',
    reached: 'Personnes touchées',
    theme: 'Thème',
    title: (name: string) => `${name} : les événements`,
    back: 'Retour aux indicateurs',
    period: 'Période',
    asOf: 'Tel que connu le',
    figure: 'Chiffre',
    count: (n: string) => `${n} événement(s) derrière ce chiffre.`,
    range: (first: string, last: string, total: string) => `Événements ${first} à ${last} sur ${total}.`,
    rateNote:
      'Pour un taux, la liste est celle du dénominateur ; la colonne « Au numérateur » dit lesquels comptent au numérateur.',
    snapshotNote:
      'Pour un chiffre mesuré au dernier jour de la période, les événements peuvent dater d’avant la période.',
    empty: 'Aucun événement derrière ce chiffre sur cette période.',
    table: 'Événements derrière le chiffre',
    event: 'Événement',
    type: 'Type',
    at: 'Date de l’événement',
    recordedAt: 'Enregistré le',
    numerator: 'Au numérateur',
    yes: 'Oui',
    no: 'Non',
    category: 'Catégorie',
    amount: 'Quantité',
    links: 'Voir',
    corrected: 'corrigé',
    pathway: 'Le parcours',
    patient: 'Le patient',
    history: 'L’historique (audit)',
    previousPage: 'Page précédente',
    nextPage: 'Page suivante',
    pages: 'Pages',
    unknown: 'Cet indicateur n’existe pas.',
    badPeriod: 'La période de l’adresse n’est pas valide.',
  },
  en: {
    thisAction: 'this action',
    heldOn: 'Date',
    reached: 'People reached',
    theme: 'Theme',
    title: (name: string) => `${name}: the events`,
    back: 'Back to the indicators',
    period: 'Period',
    asOf: 'As known on',
    figure: 'Figure',
    count: (n: string) => `${n} event(s) behind this figure.`,
    range: (first: string, last: string, total: string) => `Events ${first} to ${last} of ${total}.`,
    rateNote:
      'For a rate, the list is the denominator; the “In the numerator” column says which count in the numerator.',
    snapshotNote: 'For a figure measured on the last day of the period, events may date from before it.',
    empty: 'No event behind this figure in this period.',
    table: 'Events behind the figure',
    event: 'Event',
    type: 'Type',
    at: 'Date of the event',
    recordedAt: 'Recorded on',
    numerator: 'In the numerator',
    yes: 'Yes',
    no: 'No',
    category: 'Category',
    amount: 'Quantity',
    links: 'See',
    corrected: 'corrected',
    pathway: 'The pathway',
    patient: 'The patient',
    history: 'The history (audit)',
    previousPage: 'Previous page',
    nextPage: 'Next page',
    pages: 'Pages',
    unknown: 'There is no such indicator.',
    badPeriod: 'The period in the address is not valid.',
  },
};

type Text = (typeof TEXT)['fr'];

const idOfStream = (streamId: string) => streamId.slice(streamId.lastIndexOf('.') + 1);

function categoryLabel(lang: Lang, type: string, category: string): string {
  const set = CATEGORY_SET[type];
  return set ? label(lang, set, category) : category;
}

export function IndicatorEventsPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const code = route.segments[1] ?? '';
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const asOf = route.params.get('asOf') || undefined;
  const offset = Math.max(0, Number(route.params.get('offset') ?? 0) || 0);
  const known = INDICATOR_TEXT[code] !== undefined;
  const valid = known && isDate(from) && isDate(to) && to > from;
  const drill = useQuery<DrillDown>(
    valid
      ? tenant(
          `/indicators/${encodeURIComponent(code)}/events${query({ from, to, asOf, limit: PAGE, offset })}`,
        )
      : null,
  );
  const name = indicatorName(lang, code);
  const title = known ? text.title(name) : code;
  const back = href('/indicators', { from, to, asOf });
  // Coordinators and auditors may open pathways, patients and stream histories; analysts none.
  const seesRecords = hasRole(session, 'coordinator', 'auditor');
  const pageHref = (start: number) =>
    href(`/indicators/${encodeURIComponent(code)}`, {
      from,
      to,
      asOf,
      offset: start > 0 ? String(start) : undefined,
    });

  return (
    <>
      <p class="back">
        <a href={back}>← {text.back}</a>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {known && <p class="muted">{indicatorDefinition(lang, code)}</p>}
      {!known && (
        <div class="alert error" role="alert">
          {text.unknown}
        </div>
      )}
      {known && !valid && (
        <div class="alert error" role="alert">
          {text.badPeriod}
        </div>
      )}
      {valid && (
        <Loaded query={drill}>
          {(data) => (
            <>
              <dl class="facts card">
                <dt>{text.period}</dt>
                <dd>
                  {formatDate(from, lang)} – {formatDate(addDays(to, -1), lang)}
                </dd>
                {asOf && (
                  <>
                    <dt>{text.asOf}</dt>
                    <dd>{formatDateTime(asOf, lang)}</dd>
                  </>
                )}
                <dt>{text.figure}</dt>
                <dd>
                  <strong>{formatFigure(data, lang)}</strong>
                  {formatRatio(data, lang) && <> ({formatRatio(data, lang)})</>}
                </dd>
              </dl>
              <p role="status">
                <strong>{text.count(formatNumber(data.total, lang))}</strong>
              </p>
              {data.denominator !== undefined && <p class="muted">{text.rateNote}</p>}
              {INDICATOR_TEXT[code]?.snapshot && <p class="muted">{text.snapshotNote}</p>}
              {data.events.length === 0 ? (
                <p class="empty">{text.empty}</p>
              ) : (
                <>
                  <EventsTable
                    text={text}
                    lang={lang}
                    code={code}
                    data={data}
                    seesRecords={seesRecords}
                    editsActions={hasRole(session, 'coordinator') && !asOf}
                    onChanged={drill.reload}
                  />
                  {data.total > data.limit && (
                    <nav class="pager" aria-label={text.pages}>
                      <span>
                        {text.range(
                          formatNumber(data.offset + 1, lang),
                          formatNumber(data.offset + data.events.length, lang),
                          formatNumber(data.total, lang),
                        )}
                      </span>
                      {data.offset > 0 && (
                        <a href={pageHref(Math.max(0, data.offset - data.limit))}>{text.previousPage}</a>
                      )}
                      {data.offset + data.events.length < data.total && (
                        <a href={pageHref(data.offset + data.limit)}>{text.nextPage}</a>
                      )}
                    </nav>
                  )}
                </>
              )}
            </>
          )}
        </Loaded>
      )}
    </>
  );
}

function EventsTable(props: {
  text: Text;
  lang: Lang;
  code: string;
  data: DrillDown;
  seesRecords: boolean;
  /** A coordinator corrects or voids the prevention actions and trainings listed (they have no page). */
  editsActions: boolean;
  onChanged: () => void;
}) {
  const { text, lang, code, data, seesRecords } = props;
  const { events } = data;
  const isRate = data.denominator !== undefined;
  const hasCategory = events.some((event) => event.category !== undefined);
  const hasAmount = events.some((event) => event.amount !== undefined);
  const hasLinks = seesRecords && events.some((event) => event.streamId !== undefined);
  return (
    <TableRegion label={text.table} class="indicator-events">
      <thead>
        <tr>
          <th scope="col">{text.type}</th>
          <th scope="col">{text.at}</th>
          <th scope="col">{text.recordedAt}</th>
          {isRate && <th scope="col">{text.numerator}</th>}
          {hasCategory && <th scope="col">{text.category}</th>}
          {hasAmount && (
            <th scope="col" class="num">
              {AMOUNT[code]?.[lang === 'fr' ? 0 : 1] ?? text.amount}
            </th>
          )}
          <th scope="col">{text.event}</th>
          {hasLinks && <th scope="col">{text.links}</th>}
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.eventId} data-event={event.eventId}>
            <td>
              {eventTypeLabel(lang, event.type)}
              {event.correctedBy && (
                <>
                  {' '}
                  <span class="badge neutral">{text.corrected}</span>
                </>
              )}
            </td>
            <td>{formatDateTime(event.at, lang)}</td>
            <td>{formatDateTime(event.recordedAt, lang)}</td>
            {isRate && (
              <td>
                <span class={`badge ${event.inNumerator ? 'ok' : 'neutral'}`}>
                  {event.inNumerator ? text.yes : text.no}
                </span>
              </td>
            )}
            {hasCategory && <td>{event.category ? categoryLabel(lang, event.type, event.category) : '—'}</td>}
            {hasAmount && (
              <td class="num">{event.amount === undefined ? '—' : formatNumber(event.amount, lang)}</td>
            )}
            <td>
              <code title={event.eventId}>{shortId(event.eventId)}</code>
            </td>
            {hasLinks && (
              <td>
                {event.streamId && <RecordLinks text={text} streamId={event.streamId} />}
                {props.editsActions && event.streamId?.startsWith('action-') && (
                  <EntryChange
                    base={tenant(`/actions/${idOfStream(event.streamId)}`)}
                    eventId={event.eventId}
                    what={text.thisAction}
                    fields={[
                      { name: 'heldOn', label: text.heldOn, kind: 'date', value: event.at?.slice(0, 10) },
                      ...(event.type === 'PreventionActionHeld'
                        ? [
                            {
                              name: 'participants',
                              label: text.reached,
                              kind: 'number' as const,
                              value: event.amount,
                            },
                          ]
                        : []),
                      { name: 'theme', label: text.theme, kind: 'text' as const },
                    ]}
                    voidable
                    onDone={props.onChanged}
                  />
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}

/** Where a coordinator or an auditor can look further: the pathway or patient, and the raw history. */
function RecordLinks({ text, streamId }: { text: Text; streamId: string }) {
  const id = idOfStream(streamId);
  return (
    <div class="row-actions">
      {streamId.startsWith('pathway-') && <a href={href(`/pathways/${id}`)}>{text.pathway}</a>}
      {streamId.startsWith('patient-') && <a href={href(`/patients/${id}`)}>{text.patient}</a>}
      <a href={href('/audit', { stream: streamId })}>{text.history}</a>
    </div>
  );
}
