/**
 * The signed-in member's notifications (`#/inbox`, `GET …/inbox`): what they were told of, newest first,
 * how many they have not read, each one marked read on request. A notification says the kind of event and
 * links to the pathway (or the patient, for an emergency access told to the coordinators); what happened is
 * read there, under the usual access rules. Below, how the member wants to be told beyond the inbox.
 */
import type { PageProps } from '../app';
import { post, tenant } from '../api';
import { formatDateTime, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label } from '../labels';
import { href } from '../router';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';
import { inboxChanged } from '../ui/unread';
import { InboxPreferences } from './inbox-preferences';

interface Inbox {
  unread: number;
  items: Array<{
    id: string;
    kind: string;
    pathwayId: string | null;
    patientId: string | null;
    at: string;
    read: boolean;
  }>;
}

const TEXT = {
  fr: {
    title: 'Notifications',
    unread: (n: number) =>
      n === 0 ? 'Aucune notification non lue.' : n === 1 ? '1 non lue' : `${n} non lues`,
    empty: 'Aucune notification.',
    table: 'Vos notifications',
    what: 'Quoi',
    when: 'Quand',
    pathway: 'Parcours',
    patient: 'Patient',
    status: 'État',
    read: 'Lue',
    unreadBadge: 'Non lue',
    markRead: 'Marquer comme lue',
  },
  en: {
    title: 'Notifications',
    unread: (n: number) => (n === 0 ? 'No unread notification.' : n === 1 ? '1 unread' : `${n} unread`),
    empty: 'No notification.',
    table: 'Your notifications',
    what: 'What',
    when: 'When',
    pathway: 'Pathway',
    patient: 'Patient',
    status: 'Status',
    read: 'Read',
    unreadBadge: 'Unread',
    markRead: 'Mark as read',
  },
};

export function InboxPage(_props: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const inbox = useQuery<Inbox>(tenant('/inbox'));
  const markRead = (id: string) => {
    const done = () => {
      inbox.reload();
      inboxChanged();
    };
    void post(tenant(`/inbox/${id}/read`), {}).then(done, done);
  };
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <Loaded query={inbox}>
        {(box) => (
          <>
            <p role="status" data-testid="unread">
              {text.unread(box.unread)}
            </p>
            {box.items.length === 0 ? (
              <p>{text.empty}</p>
            ) : (
              <TableRegion label={text.table}>
                <thead>
                  <tr>
                    <th scope="col">{text.what}</th>
                    <th scope="col">{text.when}</th>
                    <th scope="col">{text.pathway}</th>
                    <th scope="col">{text.status}</th>
                  </tr>
                </thead>
                <tbody>
                  {box.items.map((item) => (
                    <tr key={item.id} class={item.read ? undefined : 'unread'}>
                      <td>{label(lang, 'notificationKind', item.kind)}</td>
                      <td>{formatDateTime(item.at, lang)}</td>
                      <td>
                        {item.pathwayId ? (
                          <a href={href(`/pathways/${item.pathwayId}`)} class="mono">
                            {shortId(item.pathwayId)}
                          </a>
                        ) : item.patientId ? (
                          <a href={href(`/patients/${item.patientId}`)}>
                            {text.patient} <span class="mono">{shortId(item.patientId)}</span>
                          </a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        {item.read ? (
                          text.read
                        ) : (
                          <>
                            <span class="badge due">{text.unreadBadge}</span>{' '}
                            <button type="button" class="secondary" onClick={() => markRead(item.id)}>
                              {text.markRead}
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableRegion>
            )}
          </>
        )}
      </Loaded>
      <InboxPreferences />
    </>
  );
}
