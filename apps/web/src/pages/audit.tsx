/**
 * Audit (`#/audit?stream=&pathway=&asOf=`), for auditors and coordinators: the hash-chain check of the
 * whole log (`GET …/audit/verify`), one stream's raw history with its hashes (`GET …/audit/streams/{id}`),
 * a pathway as it was known at a given time (`GET …/pathways/{id}?asOf=`), and, for auditors only, who
 * read which patient's identity (`GET …/audit/access-log`).
 */
import { useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { ApiError, get, query, tenant } from '../api';
import { formatDateTime, formatNumber, parisIso, parisLocal, parisToday, shortId } from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { label } from '../labels';
import { href, navigate } from '../router';
import { hasRole } from '../session';
import { ErrorMessage, Loaded, PageTitle, useQuery } from '../ui/page';
import { addDays, eventTypeLabel, isDate } from './indicator-common';
import { TableRegion } from '../ui/table';
import { EmergencyAccesses } from './audit-break-glass';

interface Verification {
  cptsId: string;
  ok: boolean;
  streams: number;
  events: number;
  broken: Array<{
    streamId: string;
    revision: number;
    position: string;
    eventId: string;
    problem: string;
    detail: string;
  }>;
}

interface Actor {
  id: string;
  role: string;
}

interface AuditedEvent {
  revision: number;
  position: string;
  type: string;
  data: unknown;
  metadata: {
    eventId?: string;
    recordedAt?: string;
    actor?: Actor;
    prevHash?: string;
    hash?: string;
    [key: string]: unknown;
  };
}

interface AuditedStream {
  streamId: string;
  category: string;
  events: AuditedEvent[];
  verified: { revision?: number; problem?: string; detail?: string } | null;
}

interface PathwayAsOf {
  id: string;
  patientId: string;
  kind: string;
  status: string;
  openedAt: string;
  revision: number;
  pending: Array<{ kind: string; dueAt: string; overdue: boolean; summary: string }>;
  timeline: Array<{
    eventId: string;
    type: string;
    at: string | null;
    recordedAt: string;
    actor?: Actor;
    voided: boolean;
    corrected: boolean;
  }>;
}

interface AccessLogEntry {
  id: string;
  at: string;
  patientId: string;
  actorId: string;
  role: string;
  purpose: string;
  requestId: string;
}

const TEXT = {
  fr: {
    title: 'Audit',
    intro:
      'Vérifier que le journal des événements n’a pas été altéré, relire l’historique brut d’un dossier et retrouver ce qui était connu à une date donnée.',
    notForYou: 'Cette page est réservée aux auditeurs et à la coordination.',
    verifyTitle: 'Intégrité du journal',
    verifyIntro:
      'Chaque événement porte l’empreinte (hash) du précédent de son flux : une modification ou une suppression après coup casse la chaîne. La vérification recalcule toutes les empreintes de la CPTS.',
    verify: 'Vérifier l’intégrité',
    verifying: 'Vérification en cours…',
    verifyOk: (streams: string, events: string) =>
      `Intégrité vérifiée : ${streams} flux et ${events} événements, aucune chaîne rompue.`,
    verifyBroken: (n: string) => `Attention : ${n} rupture(s) de chaîne détectée(s).`,
    brokenTable: 'Ruptures de chaîne',
    stream: 'Flux',
    problem: 'Problème',
    detail: 'Détail',
    streamTitle: 'Historique d’un flux',
    streamId: 'Identifiant du flux',
    streamHint: 'Par exemple pathway-cpts-demo.0193… (parcours), patient-…, member-…, cpts-<CPTS>.',
    showStream: 'Afficher l’historique',
    streamOk: 'Chaîne de ce flux intacte.',
    streamBroken: (revision: string, problem: string) =>
      `Chaîne rompue à la révision ${revision} : ${problem}.`,
    eventsOf: (n: string) => `${n} événement(s).`,
    historyTable: 'Événements du flux, avec leurs empreintes',
    revision: 'Rév.',
    position: 'Position',
    type: 'Type',
    recordedAt: 'Enregistré le',
    actor: 'Auteur',
    prevHash: 'Empreinte précédente',
    hash: 'Empreinte',
    data: 'Contenu',
    showData: 'Données et métadonnées',
    pathwayTitle: 'Un parcours à une date',
    pathwayIntro:
      'Le parcours rejoué à partir du journal, avec les seuls événements enregistrés à cette date et heure : son statut, ce qui restait à faire et sa chronologie, tels qu’on les connaissait alors.',
    pathwayId: 'Identifiant du parcours',
    pathwayHint: 'L’identifiant du parcours, ou son flux pathway-….',
    asOf: 'Tel que connu le',
    showPathway: 'Afficher le parcours à cette date',
    badAsOf: 'Indiquez une date et une heure complètes.',
    badPathway: 'Indiquez l’identifiant du parcours.',
    unknownThen: 'Ce parcours n’était pas connu à cette date (ou n’existe pas).',
    knownAt: (at: string) => `Tel que connu le ${at}`,
    kind: 'Type',
    status: 'Statut',
    openedAt: 'Ouvert le',
    patient: 'Patient',
    revisionAt: 'Révision',
    pending: 'Restait à faire',
    noPending: 'Rien ne restait à faire.',
    due: 'Échéance',
    overdue: 'En retard',
    dueSoon: 'À faire',
    timeline: 'Chronologie',
    voided: 'annulé',
    corrected: 'corrigé',
    recorded: 'enregistré le',
    by: 'par',
    openPathway: 'Ouvrir le parcours tel qu’il est aujourd’hui',
    openHistory: 'Voir l’historique brut de ce parcours',
    accessTitle: 'Journal des accès aux données des patients',
    accessIntro:
      'Qui a consulté l’identité de quel patient, quand et pourquoi. Ce journal est en ajout seul : il ne peut être ni modifié ni effacé.',
    from: 'Du',
    to: 'Au (inclus)',
    patientId: 'Patient (identifiant, facultatif)',
    search: 'Rechercher',
    accessTable: 'Accès aux données des patients',
    at: 'Date',
    user: 'Utilisateur',
    role: 'Rôle',
    purpose: 'Motif',
    request: 'Requête',
    noAccess: 'Aucun accès sur cette période.',
    accessCount: (n: string) => `${n} accès, du plus récent au plus ancien.`,
    truncated: 'Seuls les accès les plus récents sont affichés : resserrez la période.',
    badDates: 'Indiquez deux dates, la fin le même jour que le début ou après.',
  },
  en: {
    title: 'Audit',
    intro:
      'Check that the event log was not tampered with, read the raw history of a record, and find what was known at a given time.',
    notForYou: 'This page is for auditors and coordinators.',
    verifyTitle: 'Integrity of the log',
    verifyIntro:
      'Each event carries the fingerprint (hash) of the previous one in its stream: changing or deleting one afterwards breaks the chain. The check recomputes every fingerprint of the CPTS.',
    verify: 'Check the integrity',
    verifying: 'Checking…',
    verifyOk: (streams: string, events: string) =>
      `Integrity verified: ${streams} streams and ${events} events, no broken chain.`,
    verifyBroken: (n: string) => `Warning: ${n} broken chain link(s) found.`,
    brokenTable: 'Broken chain links',
    stream: 'Stream',
    problem: 'Problem',
    detail: 'Detail',
    streamTitle: 'History of a stream',
    streamId: 'Stream id',
    streamHint: 'For example pathway-cpts-demo.0193… (pathway), patient-…, member-…, cpts-<CPTS>.',
    showStream: 'Show the history',
    streamOk: 'This stream’s chain is intact.',
    streamBroken: (revision: string, problem: string) => `Chain broken at revision ${revision}: ${problem}.`,
    eventsOf: (n: string) => `${n} event(s).`,
    historyTable: 'Events of the stream, with their fingerprints',
    revision: 'Rev.',
    position: 'Position',
    type: 'Type',
    recordedAt: 'Recorded on',
    actor: 'Actor',
    prevHash: 'Previous hash',
    hash: 'Hash',
    data: 'Content',
    showData: 'Data and metadata',
    pathwayTitle: 'A pathway at a given time',
    pathwayIntro:
      'The pathway replayed from the log with only the events recorded by that date and time: its status, what was left to do and its timeline, as they were known then.',
    pathwayId: 'Pathway id',
    pathwayHint: 'The pathway’s id, or its stream pathway-….',
    asOf: 'As known on',
    showPathway: 'Show the pathway at that time',
    badAsOf: 'Give a full date and time.',
    badPathway: 'Give the pathway’s id.',
    unknownThen: 'This pathway was not known at that time (or does not exist).',
    knownAt: (at: string) => `As known on ${at}`,
    kind: 'Kind',
    status: 'Status',
    openedAt: 'Opened on',
    patient: 'Patient',
    revisionAt: 'Revision',
    pending: 'Left to do',
    noPending: 'Nothing was left to do.',
    due: 'Due',
    overdue: 'Overdue',
    dueSoon: 'Due',
    timeline: 'Timeline',
    voided: 'voided',
    corrected: 'corrected',
    recorded: 'recorded on',
    by: 'by',
    openPathway: 'Open the pathway as it is today',
    openHistory: 'See the raw history of this pathway',
    accessTitle: 'Log of reads of patients’ data',
    accessIntro:
      'Who read which patient’s identity, when and why. This log is append-only: it can be neither changed nor erased.',
    from: 'From',
    to: 'To (inclusive)',
    patientId: 'Patient (id, optional)',
    search: 'Search',
    accessTable: 'Reads of patients’ data',
    at: 'Date',
    user: 'User',
    role: 'Role',
    purpose: 'Purpose',
    request: 'Request',
    noAccess: 'No read in this period.',
    accessCount: (n: string) => `${n} read(s), newest first.`,
    truncated: 'Only the most recent reads are shown: narrow the period.',
    badDates: 'Give two dates, the end on or after the start.',
  },
};

type Text = (typeof TEXT)['fr'];

const idOfStream = (streamId: string) => streamId.slice(streamId.lastIndexOf('.') + 1);

const asApiError = (error: unknown) =>
  error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) });

export function AuditPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  if (!hasRole(session, 'auditor', 'coordinator')) {
    return (
      <>
        <PageTitle title={text.title}>{text.title}</PageTitle>
        <p class="empty">{text.notForYou}</p>
      </>
    );
  }
  const params = route.params;
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <IntegrityCheck text={text} lang={lang} />
      <StreamHistory text={text} lang={lang} params={params} />
      <PathwayAsOfSection text={text} lang={lang} params={params} />
      <EmergencyAccesses />
      {hasRole(session, 'auditor') && <AccessLog text={text} lang={lang} />}
    </>
  );
}

/** A hash, shortened; the full value on demand (and in its title). */
function Hash({ value }: { value: string | undefined }) {
  if (!value) return <span class="muted">—</span>;
  return (
    <details class="hash">
      <summary title={value}>
        <code>{value.slice(0, 10)}…</code>
      </summary>
      <code>{value}</code>
    </details>
  );
}

function IntegrityCheck({ text, lang }: { text: Text; lang: Lang }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await get<Verification>(tenant('/audit/verify')));
    } catch (caught: unknown) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="audit-verify">
      <h2 id="audit-verify">{text.verifyTitle}</h2>
      <p>{text.verifyIntro}</p>
      <button type="button" class="primary" disabled={busy} onClick={() => void run()}>
        {busy ? text.verifying : text.verify}
      </button>
      <div role="status" class="verify-result">
        {result?.ok && (
          <p class="alert ok">
            {text.verifyOk(formatNumber(result.streams, lang), formatNumber(result.events, lang))}
          </p>
        )}
      </div>
      {error && <ErrorMessage error={error} />}
      {result && !result.ok && (
        <>
          <div class="alert error" role="alert">
            {text.verifyBroken(formatNumber(result.broken.length, lang))}
          </div>
          <TableRegion label={text.brokenTable}>
            <thead>
              <tr>
                <th scope="col">{text.stream}</th>
                <th scope="col">{text.revision}</th>
                <th scope="col">{text.position}</th>
                <th scope="col">{text.problem}</th>
                <th scope="col">{text.detail}</th>
              </tr>
            </thead>
            <tbody>
              {result.broken.map((broken) => (
                <tr key={`${broken.streamId}-${broken.revision}`}>
                  <td>
                    <a href={href('/audit', { stream: broken.streamId })}>
                      <code>{broken.streamId}</code>
                    </a>
                  </td>
                  <td class="num">{broken.revision}</td>
                  <td class="num">{broken.position}</td>
                  <td>
                    <code>{broken.problem}</code>
                  </td>
                  <td>{broken.detail}</td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        </>
      )}
    </section>
  );
}

function StreamHistory({ text, lang, params }: { text: Text; lang: Lang; params: URLSearchParams }) {
  const streamId = params.get('stream')?.trim() ?? '';
  const stream = useQuery<AuditedStream>(
    streamId ? tenant(`/audit/streams/${encodeURIComponent(streamId)}`) : null,
  );
  return (
    <section class="card" aria-labelledby="audit-stream">
      <h2 id="audit-stream">{text.streamTitle}</h2>
      <form
        key={streamId}
        class="filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const value = new FormData(event.currentTarget).get('streamId');
          const next = typeof value === 'string' ? value.trim() : '';
          navigate(href('/audit', { ...Object.fromEntries(params), stream: next }));
        }}
      >
        <div class="field wide">
          <label for="audit-stream-id">{text.streamId}</label>
          <input
            id="audit-stream-id"
            type="text"
            name="streamId"
            defaultValue={streamId}
            aria-describedby="audit-stream-hint"
            spellcheck={false}
            autoComplete="off"
          />
          <p id="audit-stream-hint" class="hint">
            {text.streamHint}
          </p>
        </div>
        <button type="submit" class="primary">
          {text.showStream}
        </button>
      </form>
      {streamId && (
        <Loaded query={stream}>{(data) => <StreamEvents text={text} lang={lang} stream={data} />}</Loaded>
      )}
    </section>
  );
}

function StreamEvents({ text, lang, stream }: { text: Text; lang: Lang; stream: AuditedStream }) {
  const pathwayId = stream.category === 'pathway' ? idOfStream(stream.streamId) : null;
  return (
    <>
      <h3>
        <code>{stream.streamId}</code>
      </h3>
      <p role="status">
        {stream.verified === null ? (
          <span class="badge ok">{text.streamOk}</span>
        ) : (
          <span class="badge late">
            {text.streamBroken(String(stream.verified.revision ?? '?'), stream.verified.problem ?? '')}
          </span>
        )}{' '}
        {text.eventsOf(formatNumber(stream.events.length, lang))}
      </p>
      {pathwayId && (
        <p>
          <a href={href(`/pathways/${pathwayId}`)}>{text.openPathway}</a>
        </p>
      )}
      <TableRegion label={text.historyTable} class="audit-history">
        <thead>
          <tr>
            <th scope="col">{text.revision}</th>
            <th scope="col">{text.position}</th>
            <th scope="col">{text.type}</th>
            <th scope="col">{text.recordedAt}</th>
            <th scope="col">{text.actor}</th>
            <th scope="col">{text.prevHash}</th>
            <th scope="col">{text.hash}</th>
            <th scope="col">{text.data}</th>
          </tr>
        </thead>
        <tbody>
          {stream.events.map((event) => {
            const { prevHash, hash, ...metadata } = event.metadata;
            return (
              <tr key={event.revision} data-revision={event.revision}>
                <td class="num">{event.revision}</td>
                <td class="num">{event.position}</td>
                <td>
                  {eventTypeLabel(lang, event.type)}
                  <br />
                  <code class="muted">{event.type}</code>
                </td>
                <td>{formatDateTime(event.metadata.recordedAt, lang)}</td>
                <td>
                  {event.metadata.actor ? (
                    <>
                      <code class="actor">{event.metadata.actor.id}</code>
                      <br />
                      <span class="muted">{roleLabel(lang, event.metadata.actor.role)}</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <Hash value={prevHash} />
                </td>
                <td>
                  <Hash value={hash} />
                </td>
                <td>
                  <details>
                    <summary>{text.showData}</summary>
                    <pre class="json">{JSON.stringify({ data: event.data, metadata }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableRegion>
    </>
  );
}

/** A role's label; `system` (the demo, imports) shows as itself. */
function roleLabel(lang: Lang, role: string): string {
  return label(lang, 'role', role);
}

function PathwayAsOfSection({ text, lang, params }: { text: Text; lang: Lang; params: URLSearchParams }) {
  const pathwayId = params.get('pathway')?.trim() ?? '';
  const asOf = params.get('asOf') ?? '';
  const [problem, setProblem] = useState<string | null>(null);
  const pathway = useQuery<PathwayAsOf>(
    pathwayId && asOf ? tenant(`/pathways/${encodeURIComponent(pathwayId)}${query({ asOf })}`) : null,
  );
  return (
    <section class="card" aria-labelledby="audit-pathway">
      <h2 id="audit-pathway">{text.pathwayTitle}</h2>
      <p>{text.pathwayIntro}</p>
      <form
        key={`${pathwayId}|${asOf}`}
        class="filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const rawId = data.get('pathwayId');
          const id = typeof rawId === 'string' ? idOfStream(rawId.trim()) : '';
          const rawAt = data.get('asOf');
          const at = typeof rawAt === 'string' ? parisIso(rawAt) : null;
          const invalid = !id ? text.badPathway : !at ? text.badAsOf : null;
          setProblem(invalid);
          if (invalid || !at) return;
          navigate(href('/audit', { ...Object.fromEntries(params), pathway: id, asOf: at }));
        }}
      >
        {problem && (
          <div class="alert error form-problem" role="alert">
            {problem}
          </div>
        )}
        <div class="field wide">
          <label for="audit-pathway-id">{text.pathwayId}</label>
          <input
            id="audit-pathway-id"
            type="text"
            name="pathwayId"
            defaultValue={pathwayId}
            aria-describedby="audit-pathway-hint"
            spellcheck={false}
            autoComplete="off"
          />
          <p id="audit-pathway-hint" class="hint">
            {text.pathwayHint}
          </p>
        </div>
        <div class="field">
          <label for="audit-pathway-as-of">{text.asOf}</label>
          <input
            id="audit-pathway-as-of"
            type="datetime-local"
            name="asOf"
            defaultValue={asOf ? parisLocal(asOf) : parisLocal()}
          />
        </div>
        <button type="submit" class="primary">
          {text.showPathway}
        </button>
      </form>
      {pathwayId && asOf && (
        <>
          {pathway.error?.status === 404 ? (
            <div class="alert error" role="alert">
              {text.unknownThen}
            </div>
          ) : (
            <Loaded query={pathway}>
              {(data) => <PathwayView text={text} lang={lang} pathway={data} asOf={asOf} />}
            </Loaded>
          )}
        </>
      )}
    </section>
  );
}

function PathwayView(props: { text: Text; lang: Lang; pathway: PathwayAsOf; asOf: string }) {
  const { text, lang, pathway } = props;
  return (
    <div class="pathway-as-of" data-testid="pathway-as-of">
      <h3>{text.knownAt(formatDateTime(props.asOf, lang))}</h3>
      <dl class="facts">
        <dt>{text.kind}</dt>
        <dd>{label(lang, 'pathwayKind', pathway.kind)}</dd>
        <dt>{text.status}</dt>
        <dd>
          <span class={`badge ${pathway.status === 'open' ? 'ok' : 'neutral'}`}>
            {label(lang, 'pathwayStatus', pathway.status)}
          </span>
        </dd>
        <dt>{text.openedAt}</dt>
        <dd>{formatDateTime(pathway.openedAt, lang)}</dd>
        <dt>{text.patient}</dt>
        <dd>
          <code>{pathway.patientId}</code>
        </dd>
        <dt>{text.revisionAt}</dt>
        <dd>{pathway.revision}</dd>
      </dl>
      <p class="row-actions">
        <a href={href(`/pathways/${pathway.id}`)}>{text.openPathway}</a>
        <a href={href('/audit', { stream: `pathway-${tenantId()}.${pathway.id}` })}>{text.openHistory}</a>
      </p>
      <h3>{text.pending}</h3>
      {pathway.pending.length === 0 ? (
        <p class="muted">{text.noPending}</p>
      ) : (
        <ul class="pending">
          {pathway.pending.map((item, i) => (
            <li key={`${item.kind}-${i}`}>
              <span class={`badge ${item.overdue ? 'late' : 'due'}`}>
                {item.overdue ? text.overdue : text.dueSoon}
              </span>{' '}
              <strong>{label(lang, 'worklistKind', item.kind)}</strong> — {text.due}{' '}
              {formatDateTime(item.dueAt, lang)}
              <br />
              <span lang="fr">{item.summary}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>{text.timeline}</h3>
      <ol class="timeline">
        {pathway.timeline.map((entry) => (
          <li key={entry.eventId} class={entry.voided ? 'voided' : undefined}>
            <span class="entry-title">{eventTypeLabel(lang, entry.type)}</span>
            {entry.voided && <span class="badge neutral"> {text.voided}</span>}
            {entry.corrected && <span class="badge neutral"> {text.corrected}</span>}
            <br />
            {formatDateTime(entry.at, lang)}
            <span class="muted">
              {' '}
              — {text.recorded} {formatDateTime(entry.recordedAt, lang)}
              {entry.actor && (
                <>
                  {' '}
                  {text.by} <code>{entry.actor.id}</code>
                </>
              )}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The signed-in CPTS, from the API client's tenant path. */
function tenantId(): string {
  return decodeURIComponent(tenant('').split('/').pop() ?? '');
}

function AccessLog({ text, lang }: { text: Text; lang: Lang }) {
  const today = parisToday();
  const [path, setPath] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const log = useQuery<{ entries: AccessLogEntry[]; truncated: boolean }>(path);
  return (
    <section class="card" aria-labelledby="audit-access">
      <h2 id="audit-access">{text.accessTitle}</h2>
      <p>{text.accessIntro}</p>
      <form
        class="filters"
        role="search"
        aria-label={text.accessTitle}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const value = (name: string) => {
            const raw = data.get(name);
            return typeof raw === 'string' ? raw.trim() : '';
          };
          const from = value('from');
          const to = value('to');
          const valid = isDate(from) && isDate(to) && to >= from;
          setProblem(valid ? null : text.badDates);
          if (!valid) return;
          setPath(
            tenant(`/audit/access-log${query({ from, to, patientId: value('patientId') || undefined })}`),
          );
        }}
      >
        {problem && (
          <div class="alert error form-problem" role="alert">
            {problem}
          </div>
        )}
        <div class="field">
          <label for="access-from">{text.from}</label>
          <input id="access-from" type="date" name="from" defaultValue={addDays(today, -30)} />
        </div>
        <div class="field">
          <label for="access-to">{text.to}</label>
          <input id="access-to" type="date" name="to" defaultValue={today} />
        </div>
        <div class="field wide">
          <label for="access-patient">{text.patientId}</label>
          <input id="access-patient" type="text" name="patientId" spellcheck={false} autoComplete="off" />
        </div>
        <button type="submit" class="primary">
          {text.search}
        </button>
      </form>
      {path && (
        <Loaded query={log}>
          {(data) =>
            data.entries.length === 0 ? (
              <p class="empty">{text.noAccess}</p>
            ) : (
              <>
                <p role="status">{text.accessCount(formatNumber(data.entries.length, lang))}</p>
                {data.truncated && <p class="alert">{text.truncated}</p>}
                <TableRegion label={text.accessTable}>
                  <thead>
                    <tr>
                      <th scope="col">{text.at}</th>
                      <th scope="col">{text.patient}</th>
                      <th scope="col">{text.user}</th>
                      <th scope="col">{text.role}</th>
                      <th scope="col">{text.purpose}</th>
                      <th scope="col">{text.request}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.entries.map((entry) => (
                      <tr key={entry.id}>
                        <td>{formatDateTime(entry.at, lang)}</td>
                        <td>
                          <code>{entry.patientId}</code>
                        </td>
                        <td>
                          <code>{entry.actorId}</code>
                        </td>
                        <td>{roleLabel(lang, entry.role)}</td>
                        <td>{entry.purpose}</td>
                        <td>
                          <code title={entry.requestId}>{shortId(entry.requestId)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </TableRegion>
              </>
            )
          }
        </Loaded>
      )}
    </section>
  );
}
