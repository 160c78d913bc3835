/**
 * The coordinator's home: what is due or overdue (`GET …/worklist`), what came in today first or oldest
 * first, by pages, each with its patient (their names for the roles that read identities, read once for
 * the page and logged by the server) and a link to the form that closes it. On a phone each row is a card.
 */
import type { PageProps } from '../app';
import { post, query, tenant } from '../api';
import { formatDateTime, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { canWrite, hasRole } from '../session';
import { useState } from 'preact/hooks';
import { FilterSelect } from '../ui/forms';
import { MemberSelect, useMemberName } from '../ui/members';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

export interface WorklistItem {
  kind: string;
  dueAt: string;
  overdue: boolean;
  streamId: string;
  pathwayId?: string;
  patientId?: string;
  patient?: {
    id: string;
    sex: string;
    birthYear: number;
    erased: boolean;
    identity?: { familyName: string; givenName: string };
  };
  summary: string;
  openedBy: string;
  assignee?: { itemId: string; memberId?: string; coordinatorId?: string; assignedAt: string };
}

const PAGE = 50;

const TEXT = {
  fr: {
    title: 'À faire',
    intro: 'Les étapes dues ou en retard : ce qui est arrivé aujourd’hui d’abord, puis ce qui est en retard.',
    sort: 'Ordre',
    sorts: { priority: 'Du jour et en retard d’abord', oldest: 'La plus ancienne d’abord' } as Record<
      string,
      string
    >,
    pathwayKind: 'Parcours',
    names: 'Afficher les noms des patients (consultation enregistrée au journal des accès)',
    who: 'Patient',
    pseudonym: (sex: string, year: number, id: string) => `${sex}, né(e) en ${year} — ${id}`,
    noPatient: '—',
    previous: 'Page précédente',
    nextPage: 'Page suivante',
    range: (from: number, to: number, total: number) => `Étapes ${from} à ${to} sur ${total}.`,
    assigned: 'Affectation',
    assignedAll: 'Toutes',
    assignedMe: 'Affectées à moi',
    assignedNone: 'Non affectées',
    assignedTo: (who: string) => `Affecté à ${who}`,
    take: 'Me l’affecter',
    giveBack: 'Rendre à l’équipe',
    assignTo: 'Affecter à…',
    assignMember: 'Membre',
    assign: 'Affecter',
    assignFailed: 'L’affectation a échoué :',
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
    intro: 'Steps due or overdue: what came in today first, then what is overdue.',
    sort: 'Order',
    sorts: { priority: 'Today’s and overdue first', oldest: 'Oldest first' } as Record<string, string>,
    pathwayKind: 'Pathway',
    names: 'Show the patients’ names (each reading goes to the access log)',
    who: 'Patient',
    pseudonym: (sex: string, year: number, id: string) => `${sex}, born ${year} — ${id}`,
    noPatient: '—',
    previous: 'Previous page',
    nextPage: 'Next page',
    range: (from: number, to: number, total: number) => `Steps ${from} to ${to} of ${total}.`,
    assigned: 'Assignment',
    assignedAll: 'All',
    assignedMe: 'Assigned to me',
    assignedNone: 'Unassigned',
    assignedTo: (who: string) => `Assigned to ${who}`,
    take: 'Take it',
    giveBack: 'Give back to the team',
    assignTo: 'Assign to…',
    assignMember: 'Member',
    assign: 'Assign',
    assignFailed: 'The assignment failed:',
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

/**
 * Who works an item, and the controls to change it (`POST …/worklist/assignments`): take it, give it back,
 * and for coordinators assign it to a member.
 */
function Assignment(props: { item: WorklistItem; session: PageProps['session']; onChanged: () => void }) {
  const text = useText(TEXT);
  const memberName = useMemberName();
  const { item, session } = props;
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const professional = hasRole(session, 'professional') && !hasRole(session, 'coordinator');
  const me = professional ? { memberId: session.sub } : { coordinatorId: session.sub };
  const { assignee } = item;
  const mine =
    assignee !== undefined && (assignee.memberId === session.sub || assignee.coordinatorId === session.sub);
  const send = (to: { memberId: string } | { coordinatorId: string } | null) => {
    setBusy(true);
    setProblem(null);
    post(tenant('/worklist/assignments'), {
      kind: item.kind,
      openedBy: item.openedBy,
      assignee: to,
      assignedAt: new Date().toISOString(),
    }).then(
      () => {
        setBusy(false);
        props.onChanged();
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  };
  const who = assignee?.memberId ? memberName(assignee.memberId) : (assignee?.coordinatorId ?? '');
  return (
    <div class="assignment">
      {assignee && <p class="assignee">{text.assignedTo(who)}</p>}
      {!mine && (
        <button type="button" class="secondary" disabled={busy} onClick={() => send(me)}>
          {text.take}
        </button>
      )}
      {mine && (
        <button type="button" class="link" disabled={busy} onClick={() => send(null)}>
          {text.giveBack}
        </button>
      )}
      {hasRole(session, 'coordinator') && (
        <details class="assign-to">
          <summary>{text.assignTo}</summary>
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              const chosen = new FormData(event.currentTarget).get('memberId');
              if (typeof chosen === 'string' && chosen) send({ memberId: chosen });
            }}
          >
            <MemberSelect name="memberId" label={text.assignMember} required />
            <button type="submit" class="secondary" disabled={busy}>
              {text.assign}
            </button>
          </form>
        </details>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {text.assignFailed} {problem}
        </p>
      )}
    </div>
  );
}

/** The patient of an item: their names when the server gave them, else what is known without identity. */
function PatientCell({ item }: { item: WorklistItem }) {
  const text = useText(TEXT);
  const lang = useLang();
  const { patient } = item;
  if (!patient) return <span class="muted">{text.noPatient}</span>;
  const name = patient.identity
    ? `${patient.identity.familyName.toUpperCase()} ${patient.identity.givenName}`
    : text.pseudonym(label(lang, 'sex', patient.sex), patient.birthYear, shortId(patient.id));
  return <span class={patient.identity ? 'patient-name' : 'mono'}>{name}</span>;
}

export function WorklistPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const kind = route.params.get('kind') ?? '';
  const overdue = route.params.get('overdue') === 'true';
  const sort = route.params.get('sort') === 'oldest' ? 'oldest' : 'priority';
  const pathwayKind = route.params.get('pathwayKind') ?? '';
  const offset = Math.max(0, Number(route.params.get('offset') ?? '0') || 0);
  // A professional's worklist is theirs unless they ask for the team's.
  const assignedParam = route.params.get('assigned');
  const assigned =
    assignedParam === 'me' || assignedParam === 'none'
      ? assignedParam
      : assignedParam === null && hasRole(session, 'professional') && !hasRole(session, 'coordinator')
        ? 'me'
        : '';
  const readsNames = hasRole(session, 'coordinator', 'professional', 'auditor');
  // Coordinators see names by default (their worklist is about people); anyone may turn them off.
  const namesParam = route.params.get('names');
  const names = readsNames && (namesParam === null ? hasRole(session, 'coordinator') : namesParam === 'true');
  const filters = {
    kind,
    overdue: overdue ? 'true' : '',
    sort: sort === 'oldest' ? 'oldest' : '',
    pathwayKind,
    names: namesParam ?? '',
    assigned: assignedParam ?? '',
  };
  const list = useQuery<{ items: WorklistItem[]; total: number; offset: number }>(
    tenant(
      `/worklist${query({
        kind,
        overdue: overdue ? 'true' : undefined,
        sort,
        pathwayKind,
        assigned,
        offset,
        limit: PAGE,
        names: names ? 'true' : undefined,
      })}`,
    ),
    names ? { headers: { 'X-Purpose': 'liste-de-travail' } } : undefined,
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
          const pick = (name: string) => {
            const value = data.get(name);
            return typeof value === 'string' ? value : '';
          };
          navigate(
            href('/worklist', {
              kind: pick('kind'),
              overdue: data.get('overdue') ? 'true' : '',
              sort: pick('sort') === 'oldest' ? 'oldest' : '',
              pathwayKind: pick('pathwayKind'),
              assigned: pick('assigned') || 'all',
              names: readsNames ? (data.get('names') ? 'true' : 'false') : '',
            }),
          );
        }}
      >
        <FilterSelect
          id="worklist-sort"
          name="sort"
          label={text.sort}
          value={sort}
          choices={Object.entries(text.sorts)}
        />
        <FilterSelect
          id="worklist-kind"
          name="kind"
          label={text.kind}
          value={kind}
          all={text.all}
          choices={options(lang, 'worklistKind')}
        />
        <FilterSelect
          id="worklist-pathway-kind"
          name="pathwayKind"
          label={text.pathwayKind}
          value={pathwayKind}
          all={text.all}
          choices={options(lang, 'pathwayKind')}
        />
        <FilterSelect
          id="worklist-assigned"
          name="assigned"
          label={text.assigned}
          value={assigned}
          all={text.assignedAll}
          choices={[
            ['me', text.assignedMe],
            ['none', text.assignedNone],
          ]}
        />
        <div class="field inline">
          <input id="worklist-overdue" type="checkbox" name="overdue" defaultChecked={overdue} />
          <label for="worklist-overdue">{text.overdueOnly}</label>
        </div>
        {readsNames && (
          <div class="field inline">
            <input id="worklist-names" type="checkbox" name="names" defaultChecked={names} />
            <label for="worklist-names">{text.names}</label>
          </div>
        )}
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
                {text.range(offset + 1, offset + items.length, total)}
              </p>
              <TableRegion label={text.table} class="worklist">
                <thead>
                  <tr>
                    <th scope="col">{text.due}</th>
                    <th scope="col">{text.who}</th>
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
                        <td data-label={text.due}>
                          <span class={`badge ${item.overdue ? 'late' : 'due'}`}>
                            {item.overdue ? text.overdue : text.dueSoon}
                          </span>{' '}
                          {formatDateTime(item.dueAt, lang)}
                        </td>
                        <td data-label={text.who}>
                          {item.patient && seesPatients ? (
                            <a href={href(`/patients/${item.patient.id}`)}>
                              <PatientCell item={item} />
                            </a>
                          ) : (
                            <PatientCell item={item} />
                          )}
                        </td>
                        <td data-label={text.what}>
                          <strong>{label(lang, 'worklistKind', item.kind)}</strong>
                          <br />
                          <span lang="fr">{item.summary}</span>
                        </td>
                        <td data-label={text.action}>
                          <div class="row-actions">
                            {action && (
                              <a class="button" href={action}>
                                {text.actions[item.kind] ?? text.open}
                              </a>
                            )}
                            {item.pathwayId && <a href={href(`/pathways/${item.pathwayId}`)}>{text.open}</a>}
                          </div>
                          {writer && <Assignment item={item} session={session} onChanged={list.reload} />}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </TableRegion>
              <div class="row-actions pager">
                {offset > 0 && (
                  <a href={href('/worklist', { ...filters, offset: String(Math.max(0, offset - PAGE)) })}>
                    {text.previous}
                  </a>
                )}
                {offset + items.length < total && (
                  <a href={href('/worklist', { ...filters, offset: String(offset + PAGE) })}>
                    {text.nextPage}
                  </a>
                )}
              </div>
            </>
          )
        }
      </Loaded>
    </>
  );
}
