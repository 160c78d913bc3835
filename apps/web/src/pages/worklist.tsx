/**
 * The coordinator's home: what is due or overdue, oldest first (`GET …/worklist`), each with a link to
 * the form that closes it.
 */
import type { PageProps } from '../app';
import { query, tenant } from '../api';
import { formatDateTime } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { canWrite, hasRole } from '../session';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

export interface WorklistItem {
  kind: string;
  dueAt: string;
  overdue: boolean;
  streamId: string;
  pathwayId?: string;
  patientId?: string;
  summary: string;
  openedBy: string;
}

const TEXT = {
  fr: {
    title: 'À faire',
    intro: 'Les étapes dues ou en retard, la plus ancienne en premier.',
    kind: 'Type',
    all: 'Tous',
    overdueOnly: 'En retard seulement',
    due: 'Échéance',
    what: 'Étape',
    action: 'Action',
    overdue: 'En retard',
    dueSoon: 'À faire',
    empty: 'Rien à faire : aucune étape due.',
    count: (shown: number, total: number) => `${shown} étape(s) affichée(s) sur ${total}.`,
    open: 'Ouvrir le parcours',
    patient: 'Ouvrir le patient',
    filter: 'Filtrer',
    actions: {
      'sortie.pharmacien': 'Enregistrer la conciliation',
      'sortie.suivi': 'Enregistrer le suivi',
      'adressage.reponse': 'Enregistrer la réponse',
      'rcp.revue': 'Enregistrer une RCP',
      'snp.orientation': 'Orienter la demande',
      'mt.recherche': 'Attribuer un médecin traitant',
    } as Record<string, string>,
    table: 'Étapes à faire',
  },
  en: {
    title: 'Worklist',
    intro: 'Steps due or overdue, oldest first.',
    kind: 'Kind',
    all: 'All',
    overdueOnly: 'Overdue only',
    due: 'Due',
    what: 'Step',
    action: 'Action',
    overdue: 'Overdue',
    dueSoon: 'Due',
    empty: 'Nothing to do: no step is due.',
    count: (shown: number, total: number) => `${shown} step(s) shown of ${total}.`,
    open: 'Open the pathway',
    patient: 'Open the patient',
    filter: 'Filter',
    actions: {
      'sortie.pharmacien': 'Record the reconciliation',
      'sortie.suivi': 'Record the follow-up',
      'adressage.reponse': 'Record the answer',
      'rcp.revue': 'Record an RCP',
      'snp.orientation': 'Orient the request',
      'mt.recherche': 'Assign a médecin traitant',
    } as Record<string, string>,
    table: 'Steps to do',
  },
};

const idOfStream = (streamId: string) => streamId.slice(streamId.lastIndexOf('.') + 1);

/** Where the form that closes an item is. */
export function actionHref(item: WorklistItem): string | null {
  switch (item.kind) {
    case 'sortie.pharmacien':
      return item.pathwayId
        ? href(`/pathways/${item.pathwayId}`, { action: 'reconciliation', entry: item.openedBy })
        : null;
    case 'sortie.suivi':
      return item.pathwayId
        ? href(`/pathways/${item.pathwayId}`, { action: 'follow-up', entry: item.openedBy })
        : null;
    case 'adressage.reponse':
      return item.pathwayId
        ? href(`/pathways/${item.pathwayId}`, { action: 'referral-answer', entry: item.openedBy })
        : null;
    case 'rcp.revue':
      return href('/rcps', { action: 'new', pathwayId: item.pathwayId });
    case 'snp.orientation':
      return href('/snp', { orient: idOfStream(item.streamId) });
    case 'mt.recherche':
      return item.patientId ? href(`/patients/${item.patientId}`, { action: 'medecin-traitant' }) : null;
    default:
      return null;
  }
}

export function WorklistPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const kind = route.params.get('kind') ?? '';
  const overdue = route.params.get('overdue') === 'true';
  const list = useQuery<{ items: WorklistItem[]; total: number }>(
    tenant(`/worklist${query({ kind, overdue: overdue ? 'true' : undefined, limit: 200 })}`),
  );
  const writer = canWrite(session);
  const seesPatients = hasRole(session, 'coordinator');

  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const chosen = data.get('kind');
          navigate(
            href('/worklist', {
              kind: typeof chosen === 'string' ? chosen : '',
              overdue: data.get('overdue') ? 'true' : '',
            }),
          );
        }}
      >
        <div class="field">
          <label for="worklist-kind">{text.kind}</label>
          <select id="worklist-kind" name="kind" defaultValue={kind}>
            <option value="">{text.all}</option>
            {options(lang, 'worklistKind').map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <input id="worklist-overdue" type="checkbox" name="overdue" defaultChecked={overdue} />
          <label for="worklist-overdue">{text.overdueOnly}</label>
        </div>
        <button type="submit" class="secondary">
          {text.filter}
        </button>
      </form>
      <Loaded query={list}>
        {({ items, total }) =>
          items.length === 0 ? (
            <p class="empty">{text.empty}</p>
          ) : (
            <>
              <p class="muted" role="status">
                {text.count(items.length, total)}
              </p>
              <TableRegion label={text.table} class="worklist">
                <thead>
                  <tr>
                    <th scope="col">{text.due}</th>
                    <th scope="col">{text.what}</th>
                    <th scope="col">{text.action}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => {
                    const action = writer ? actionHref(item) : null;
                    return (
                      <tr
                        key={`${item.kind}-${item.openedBy}`}
                        data-kind={item.kind}
                        data-pathway={item.pathwayId}
                        data-opened-by={item.openedBy}
                      >
                        <td>
                          <span class={`badge ${item.overdue ? 'late' : 'due'}`}>
                            {item.overdue ? text.overdue : text.dueSoon}
                          </span>{' '}
                          {formatDateTime(item.dueAt, lang)}
                        </td>
                        <td>
                          <strong>{label(lang, 'worklistKind', item.kind)}</strong>
                          <br />
                          <span lang="fr">{item.summary}</span>
                        </td>
                        <td>
                          <div class="row-actions">
                            {action && (
                              <a class="button" href={action}>
                                {text.actions[item.kind] ?? text.open}
                              </a>
                            )}
                            {item.pathwayId && <a href={href(`/pathways/${item.pathwayId}`)}>{text.open}</a>}
                            {!item.pathwayId && item.patientId && seesPatients && (
                              <a href={href(`/patients/${item.patientId}`)}>{text.patient}</a>
                            )}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </TableRegion>
            </>
          )
        }
      </Loaded>
    </>
  );
}
