/**
 * The pathways of the CPTS (`#/pathways?kind=&status=&patientId=&after=`), newest first, filtered by
 * kind, status or patient, a page at a time; and, for coordinators and professionals, the form that opens
 * a new pathway and leads to it.
 */
import type { PageProps } from '../app';
import { post, query, tenant } from '../api';
import { formatDateTime, parisToday, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { canWrite, hasRole } from '../session';
import { CommandForm, DateTimeInput, Select, TextArea, TextInput } from '../ui/forms';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

export interface PathwaySummary {
  id: string;
  patientId: string;
  kind: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  revision: number;
  pendingCount: number;
  nextDueAt?: string;
}

const PAGE_SIZE = 50;

const TEXT = {
  fr: {
    title: 'Parcours',
    intro: 'Les parcours de la CPTS, les plus récents en premier.',
    filters: 'Filtrer les parcours',
    kind: 'Type',
    status: 'Statut',
    patientId: 'Identifiant du patient',
    patientHint: 'L’identifiant complet (UUID).',
    all: 'Tous',
    filter: 'Filtrer',
    reset: 'Effacer les filtres',
    table: 'Liste des parcours',
    opened: 'Ouvert le',
    patient: 'Patient',
    pending: 'Étapes en attente',
    nextDue: 'Prochaine échéance',
    link: 'Parcours',
    open: 'Ouvrir',
    openLabel: (kind: string, date: string) => ` le parcours ${kind} du ${date}`,
    overdue: 'En retard',
    empty: 'Aucun parcours ne correspond à ces filtres.',
    count: (n: number) => `${n} parcours affiché(s).`,
    next: 'Suivant',
    first: 'Première page',
    pagination: 'Pages',
    newTitle: 'Ouvrir un parcours',
    newIntro: 'Le patient doit être enregistré dans la CPTS ; son identifiant figure sur sa fiche.',
    openedAt: 'Ouvert le',
    reason: 'Motif',
    submit: 'Ouvrir le parcours',
  },
  en: {
    title: 'Pathways',
    intro: 'The pathways of the CPTS, newest first.',
    filters: 'Filter the pathways',
    kind: 'Kind',
    status: 'Status',
    patientId: 'Patient id',
    patientHint: 'The full id (UUID).',
    all: 'All',
    filter: 'Filter',
    reset: 'Clear the filters',
    table: 'List of pathways',
    opened: 'Opened',
    patient: 'Patient',
    pending: 'Pending steps',
    nextDue: 'Next due',
    link: 'Pathway',
    open: 'Open',
    openLabel: (kind: string, date: string) => ` the ${kind} pathway of ${date}`,
    overdue: 'Overdue',
    empty: 'No pathway matches these filters.',
    count: (n: number) => `${n} pathway(s) shown.`,
    next: 'Next',
    first: 'First page',
    pagination: 'Pages',
    newTitle: 'Open a pathway',
    newIntro: 'The patient must be registered in the CPTS; their id is on their record.',
    openedAt: 'Opened',
    reason: 'Reason',
    submit: 'Open the pathway',
  },
};

/** A due time (or a due day, overdue once that Paris day is over) that has passed. */
export function isOverdue(dueAt: string | undefined, now = Date.now()): boolean {
  if (!dueAt) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(dueAt)) return dueAt < parisToday();
  const ms = Date.parse(dueAt);
  return Number.isFinite(ms) && ms < now;
}

export function PathwaysPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const kind = route.params.get('kind') ?? '';
  const status = route.params.get('status') ?? '';
  const patientId = route.params.get('patientId') ?? '';
  const after = route.params.get('after') ?? '';
  const list = useQuery<{ items: PathwaySummary[]; nextAfter?: string | null }>(
    tenant(`/pathways${query({ kind, status, patientId, after, limit: PAGE_SIZE })}`),
  );
  const seesPatients = hasRole(session, 'coordinator', 'auditor');
  const filters = { kind, status, patientId };

  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <form
        class="filters"
        role="search"
        aria-label={text.filters}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const value = (name: string) => {
            const v = data.get(name);
            return typeof v === 'string' ? v.trim() : '';
          };
          navigate(
            href('/pathways', {
              kind: value('kind'),
              status: value('status'),
              patientId: value('patientId'),
            }),
          );
        }}
      >
        <div class="field">
          <label for="pathways-kind">{text.kind}</label>
          <select id="pathways-kind" name="kind">
            <option value="">{text.all}</option>
            {options(lang, 'pathwayKind').map(([value, name]) => (
              <option key={value} value={value} selected={value === kind}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pathways-status">{text.status}</label>
          <select id="pathways-status" name="status">
            <option value="">{text.all}</option>
            {options(lang, 'pathwayStatus').map(([value, name]) => (
              <option key={value} value={value} selected={value === status}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pathways-patient">{text.patientId}</label>
          <input
            id="pathways-patient"
            name="patientId"
            type="search"
            defaultValue={patientId}
            aria-describedby="pathways-patient-hint"
            spellcheck={false}
            autoComplete="off"
          />
          <p class="hint" id="pathways-patient-hint">
            {text.patientHint}
          </p>
        </div>
        <button type="submit" class="secondary">
          {text.filter}
        </button>
        {(kind || status || patientId) && <a href={href('/pathways')}>{text.reset}</a>}
      </form>
      <Loaded query={list}>
        {({ items, nextAfter }) =>
          items.length === 0 ? (
            <p class="empty">{text.empty}</p>
          ) : (
            <>
              <p class="muted" role="status">
                {text.count(items.length)}
              </p>
              <TableRegion label={text.table} class="pathways">
                <thead>
                  <tr>
                    <th scope="col">{text.kind}</th>
                    <th scope="col">{text.status}</th>
                    <th scope="col">{text.opened}</th>
                    {seesPatients && <th scope="col">{text.patient}</th>}
                    <th scope="col" class="num">
                      {text.pending}
                    </th>
                    <th scope="col">{text.nextDue}</th>
                    <th scope="col">{text.link}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => {
                    const kindLabel = label(lang, 'pathwayKind', item.kind);
                    const opened = formatDateTime(item.openedAt, lang);
                    return (
                      <tr key={item.id} data-pathway={item.id}>
                        <td>{kindLabel}</td>
                        <td>
                          <span class={`badge ${item.status === 'open' ? 'ok' : 'neutral'}`}>
                            {label(lang, 'pathwayStatus', item.status)}
                          </span>
                        </td>
                        <td>{opened}</td>
                        {seesPatients && (
                          <td>
                            <a href={href(`/patients/${item.patientId}`)} class="mono">
                              {shortId(item.patientId)}
                            </a>
                          </td>
                        )}
                        <td class="num">{item.pendingCount}</td>
                        <td>
                          {item.nextDueAt ? (
                            <>
                              {formatDateTime(item.nextDueAt, lang)}
                              {isOverdue(item.nextDueAt) && (
                                <>
                                  {' '}
                                  <span class="badge late">{text.overdue}</span>
                                </>
                              )}
                            </>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>
                          <a href={href(`/pathways/${item.id}`)}>
                            {text.open}
                            <span class="visually-hidden">{text.openLabel(kindLabel, opened)}</span>
                          </a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </TableRegion>
              {(after || nextAfter) && (
                <nav class="pagination row-actions" aria-label={text.pagination}>
                  {after && <a href={href('/pathways', filters)}>{text.first}</a>}
                  {nextAfter && (
                    <a class="button" href={href('/pathways', { ...filters, after: nextAfter })}>
                      {text.next}
                    </a>
                  )}
                </nav>
              )}
            </>
          )
        }
      </Loaded>
      {canWrite(session) && <OpenPathwayForm patientId={patientId} />}
    </>
  );
}

function OpenPathwayForm({ patientId }: { patientId: string }) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.newTitle}
      intro={<p class="muted">{text.newIntro}</p>}
      submitLabel={text.submit}
      fields={['patientId', 'kind', 'openedAt', 'reason']}
      submit={(values, key) =>
        post(
          tenant('/pathways'),
          {
            patientId: values.required('patientId'),
            kind: values.required('kind'),
            openedAt: values.time('openedAt') ?? '',
            reason: values.text('reason'),
          },
          { idempotencyKey: key },
        )
      }
      onDone={(result) => navigate(href(`/pathways/${result.id}`))}
    >
      <div class="form-row">
        <TextInput name="patientId" label={text.patientId} required defaultValue={patientId} />
        <Select name="kind" label={text.kind} required options={options(lang, 'pathwayKind')} />
        <DateTimeInput name="openedAt" label={text.openedAt} required />
      </div>
      <TextArea name="reason" label={text.reason} maxLength={1000} />
    </CommandForm>
  );
}
