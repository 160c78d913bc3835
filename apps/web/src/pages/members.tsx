/**
 * The members' directory (`#/members`, `GET …/members`): name, profession, structure, SAS, and the
 * protocols each has adhered to (from each protocol's adherents), in French alphabetical order, searchable
 * by name. A member's row opens their page (`#/members/<id>`), where a coordinator sees their
 * participations and corrects or voids one (`POST …/members/{id}/corrections`, `…/voidings`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { get, tenant } from '../api';
import { formatDate } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href } from '../router';
import { hasRole } from '../session';
import { EntryChange } from '../ui/entry-change';
import { MemberEmailCard } from './member-email';
import { folded, FRENCH } from '../ui/members';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

interface DirectoryMember {
  id: string;
  displayName: string;
  profession: string;
  structure?: { kind: string; name: string };
  mode: string;
  joinedOn: string;
  leftOn?: string;
  sasParticipant: boolean;
}

interface Participation {
  eventId: string;
  activity: string;
  on: string;
  hours: number;
}

const TEXT = {
  fr: {
    title: 'Membres de la CPTS',
    intro: 'L’annuaire des professionnels adhérents, par ordre alphabétique.',
    search: 'Rechercher un membre (nom)',
    filters: 'Filtrer l’annuaire',
    profession: 'Profession',
    all: 'Toutes',
    showLeft: 'Afficher aussi les membres partis',
    table: 'Membres',
    name: 'Nom',
    structure: 'Structure',
    sas: 'SAS',
    protocols: 'Protocoles adhérés',
    yes: 'Oui',
    no: 'Non',
    left: (on: string) => `parti le ${on}`,
    count: (n: number) => `${n} membre(s).`,
    back: '← Tous les membres',
    member: (name: string) => `Membre : ${name}`,
    joined: 'Adhésion',
    participations: 'Participations',
    noParticipation: 'Aucune participation enregistrée.',
    activity: 'Activité',
    on: 'Date',
    hours: 'Heures',
    change: 'Corriger ou annuler',
    what: (activity: string, on: string) => `la participation « ${activity} » du ${on}`,
  },
  en: {
    title: 'Members of the CPTS',
    intro: 'The directory of the member professionals, in alphabetical order.',
    search: 'Search a member (name)',
    filters: 'Filter the directory',
    profession: 'Profession',
    all: 'All',
    showLeft: 'Also show members who left',
    table: 'Members',
    name: 'Name',
    structure: 'Structure',
    sas: 'SAS',
    protocols: 'Protocols adhered to',
    yes: 'Yes',
    no: 'No',
    left: (on: string) => `left on ${on}`,
    count: (n: number) => `${n} member(s).`,
    back: '← All members',
    member: (name: string) => `Member: ${name}`,
    joined: 'Joined',
    participations: 'Participations',
    noParticipation: 'No participation recorded.',
    activity: 'Activity',
    on: 'Date',
    hours: 'Hours',
    change: 'Correct or void',
    what: (activity: string, on: string) => `the participation “${activity}” of ${on}`,
  },
};

/** Protocol titles by member id, from each protocol's adherents. */
function useAdherence(): Map<string, string[]> {
  const [byMember, setByMember] = useState(new Map<string, string[]>());
  useEffect(() => {
    let live = true;
    void (async () => {
      const { items } = await get<{ items: Array<{ code: string; title: string }> }>(tenant('/protocols'));
      const found = new Map<string, string[]>();
      for (const protocol of items) {
        const detail = await get<{ adherents: Array<{ memberId: string }> }>(
          tenant(`/protocols/${encodeURIComponent(protocol.code)}`),
        );
        for (const { memberId } of detail.adherents) {
          const titles = found.get(memberId) ?? [];
          if (!titles.includes(protocol.title)) found.set(memberId, [...titles, protocol.title]);
        }
      }
      if (live) setByMember(found);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return byMember;
}

function Directory() {
  const text = useText(TEXT);
  const lang = useLang();
  const [search, setSearch] = useState('');
  const [profession, setProfession] = useState('');
  const [showLeft, setShowLeft] = useState(false);
  const list = useQuery<{ items: DirectoryMember[] }>(tenant('/members'));
  const adherence = useAdherence();
  const wanted = folded(search.trim());
  return (
    <>
      <div class="filters" role="search" aria-label={text.filters}>
        <div class="field">
          <label for="members-search">{text.search}</label>
          <input
            id="members-search"
            type="search"
            autocomplete="off"
            value={search}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="members-profession">{text.profession}</label>
          <select
            id="members-profession"
            value={profession}
            onChange={(event) => setProfession(event.currentTarget.value)}
          >
            <option value="">{text.all}</option>
            {options(lang, 'profession').map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <input
            id="members-left"
            type="checkbox"
            checked={showLeft}
            onChange={(event) => setShowLeft(event.currentTarget.checked)}
          />
          <label for="members-left">{text.showLeft}</label>
        </div>
      </div>
      <Loaded query={list}>
        {({ items }) => {
          const shown = items
            .filter(
              (member) =>
                (showLeft || !member.leftOn) &&
                (profession === '' || member.profession === profession) &&
                (wanted === '' || folded(member.displayName).includes(wanted)),
            )
            .sort((a, b) => FRENCH.compare(a.displayName, b.displayName));
          return (
            <>
              <p class="muted" role="status">
                {text.count(shown.length)}
              </p>
              <TableRegion label={text.table} class="members">
                <thead>
                  <tr>
                    <th scope="col">{text.name}</th>
                    <th scope="col">{text.profession}</th>
                    <th scope="col">{text.structure}</th>
                    <th scope="col">{text.sas}</th>
                    <th scope="col">{text.protocols}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((member) => (
                    <tr key={member.id} data-member={member.id}>
                      <td>
                        <a href={href(`/members/${member.id}`)}>{member.displayName}</a>
                        {member.leftOn && (
                          <span class="muted"> ({text.left(formatDate(member.leftOn, lang))})</span>
                        )}
                      </td>
                      <td>{label(lang, 'profession', member.profession)}</td>
                      <td>{member.structure?.name ?? '—'}</td>
                      <td>{member.sasParticipant ? text.yes : text.no}</td>
                      <td>{(adherence.get(member.id) ?? []).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </TableRegion>
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function MemberDetail({ id, coordinator }: { id: string; coordinator: boolean }) {
  const text = useText(TEXT);
  const lang = useLang();
  const member = useQuery<
    DirectoryMember & {
      revision: number;
      email?: string;
      entries: { participations: Participation[] };
    }
  >(tenant(`/members/${encodeURIComponent(id)}`));
  return (
    <Loaded query={member}>
      {(found) => {
        const title = text.member(found.displayName);
        return (
          <>
            <PageTitle title={title}>{title}</PageTitle>
            <p>
              <a href={href('/members')}>{text.back}</a>
            </p>
            <dl class="facts card">
              <dt>{text.profession}</dt>
              <dd>{label(lang, 'profession', found.profession)}</dd>
              <dt>{text.structure}</dt>
              <dd>{found.structure?.name ?? '—'}</dd>
              <dt>{text.sas}</dt>
              <dd>{found.sasParticipant ? text.yes : text.no}</dd>
              <dt>{text.joined}</dt>
              <dd>{formatDate(found.joinedOn, lang)}</dd>
            </dl>
            {coordinator && !found.leftOn && (
              <MemberEmailCard memberId={id} email={found.email} onDone={member.reload} />
            )}
            {coordinator && (
              <section class="card" aria-labelledby="participations-title">
                <h2 id="participations-title">{text.participations}</h2>
                {found.entries.participations.length === 0 ? (
                  <p class="muted">{text.noParticipation}</p>
                ) : (
                  <ul class="list-plain participations">
                    {[...found.entries.participations]
                      .sort((a, b) => (a.on < b.on ? 1 : a.on > b.on ? -1 : 0))
                      .map((participation) => {
                        const activity = label(lang, 'activity', participation.activity);
                        const on = formatDate(participation.on, lang);
                        return (
                          <li key={participation.eventId} data-event={participation.eventId}>
                            <strong>{activity}</strong> — {on}, {participation.hours} h
                            <EntryChange
                              base={tenant(`/members/${encodeURIComponent(id)}`)}
                              eventId={participation.eventId}
                              what={text.what(activity, on)}
                              fields={[
                                {
                                  name: 'hours',
                                  label: text.hours,
                                  kind: 'number',
                                  value: participation.hours,
                                },
                                { name: 'on', label: text.on, kind: 'date', value: participation.on },
                                {
                                  name: 'activity',
                                  label: text.activity,
                                  kind: 'select',
                                  options: options(lang, 'activity'),
                                  value: participation.activity,
                                },
                              ]}
                              voidable
                              onDone={member.reload}
                            />
                          </li>
                        );
                      })}
                  </ul>
                )}
              </section>
            )}
          </>
        );
      }}
    </Loaded>
  );
}

export function MembersPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const id = route.segments[1];
  if (id) return <MemberDetail id={id} coordinator={hasRole(session, 'coordinator')} />;
  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      <Directory />
    </>
  );
}
