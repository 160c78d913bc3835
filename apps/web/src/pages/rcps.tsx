/**
 * The RCP register (`GET …/rcps?from=&to=`), newest first, with the form that records one
 * (`?action=new`, and `&pathwayId=<id>` to pre-fill the first case, as the worklist links), and the
 * detail of one RCP (`#/rcps/<id>`: `GET …/rcps/{id}`, with its participants and decisions).
 */
import { useRef, useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { query, tenant } from '../api';
import { formatDate, formatDateTime, formatNumber, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { canWrite } from '../session';
import { useMembers } from '../ui/members';
import { EntryChange } from '../ui/entry-change';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { YesNo } from './patient-shared';
import { participantText, RcpForm } from './rcp-form';
import { TableRegion } from '../ui/table';

interface RcpRegisterItem {
  id: string;
  heldAt: string;
  convenedBy: string;
  format: string;
  complex: boolean;
  durationMinutes: number;
  participantCount: number;
  professions: string[];
  cases: Array<{ pathwayId: string; reviewOn?: string }>;
}

interface Rcp {
  id: string;
  /** The RcpHeld a correction or a voiding targets. */
  eventId: string;
  convenedBy: string;
  heldAt: string;
  durationMinutes: number;
  complex: boolean;
  format: string;
  participants: Array<{ memberId?: string; name?: string; profession?: string }>;
  patientPresent: boolean;
  familyPresent: boolean;
  cases: Array<{ pathwayId: string; decisions: string[]; reviewOn?: string }>;
}

const TEXT = {
  fr: {
    thisRcp: 'cette RCP',
    title: 'RCP',
    longTitle: 'Réunions de concertation pluriprofessionnelle',
    intro: 'Le registre des RCP, la plus récente en premier.',
    record: 'Enregistrer une RCP',
    filters: 'Filtrer le registre',
    from: 'Du',
    to: 'Jusqu’au (exclu)',
    filter: 'Filtrer',
    table: 'Registre des RCP',
    heldAt: 'Date',
    format: 'Format',
    complex: 'Cas complexe',
    duration: 'Durée',
    minutes: (n: string) => `${n} min`,
    participants: 'Participants',
    professions: 'Professions',
    cases: 'Cas (parcours)',
    reviewOn: (date: string) => `à revoir le ${date}`,
    empty: 'Aucune RCP sur cette période.',
    count: (n: number) => `${n} RCP.`,
    saved: 'RCP enregistrée.',
    openSaved: 'Voir la RCP',
    detail: (date: string) => `RCP du ${date}`,
    back: 'Retour au registre',
    convenedBy: 'Convoquée par',
    patientPresent: 'Patient présent',
    familyPresent: 'Famille ou aidant présent',
    name: 'Nom',
    profession: 'Profession',
    external: 'extérieur',
    participantsTable: 'Participants de la RCP',
    meeting: 'La réunion',
    casesTitle: 'Cas discutés et décisions',
    case: (n: number) => `Cas ${n}`,
    pathway: 'Parcours',
    decisions: 'Décisions',
  },
  en: {
    thisRcp: 'this RCP',
    title: 'RCP',
    longTitle: 'Multi-professional coordination meetings (RCP)',
    intro: 'The RCP register, newest first.',
    record: 'Record an RCP',
    filters: 'Filter the register',
    from: 'From',
    to: 'Until (excluded)',
    filter: 'Filter',
    table: 'RCP register',
    heldAt: 'Date',
    format: 'Format',
    complex: 'Complex case',
    duration: 'Duration',
    minutes: (n: string) => `${n} min`,
    participants: 'Participants',
    professions: 'Professions',
    cases: 'Cases (pathways)',
    reviewOn: (date: string) => `review on ${date}`,
    empty: 'No RCP in this period.',
    count: (n: number) => `${n} RCP(s).`,
    saved: 'RCP recorded.',
    openSaved: 'See the RCP',
    detail: (date: string) => `RCP of ${date}`,
    back: 'Back to the register',
    convenedBy: 'Convened by',
    patientPresent: 'Patient present',
    familyPresent: 'Family or carer present',
    name: 'Name',
    profession: 'Profession',
    external: 'outside',
    participantsTable: 'Participants of the RCP',
    meeting: 'The meeting',
    casesTitle: 'Cases discussed and decisions',
    case: (n: number) => `Case ${n}`,
    pathway: 'Pathway',
    decisions: 'Decisions',
  },
};

function RcpDetail({ id, editable }: { id: string; editable: boolean }) {
  const text = useText(TEXT);
  const lang = useLang();
  const members = useMembers();
  const byId = new Map(members.map((member) => [member.id, member]));
  const rcp = useQuery<Rcp>(tenant(`/rcps/${encodeURIComponent(id)}`));
  const title = rcp.data ? text.detail(formatDateTime(rcp.data.heldAt, lang)) : text.title;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <a href={href('/rcps')}>{text.back}</a>
      </p>
      <Loaded query={rcp}>
        {(data) => (
          <div class="columns">
            <div>
              <section class="card" aria-labelledby="rcp-cases-title">
                <h2 id="rcp-cases-title">{text.casesTitle}</h2>
                {data.cases.map((rcpCase, index) => (
                  <div class="rcp-case" key={rcpCase.pathwayId}>
                    <h3>
                      {text.case(index + 1)} —{' '}
                      <a href={href(`/pathways/${rcpCase.pathwayId}`)}>
                        {text.pathway} <span class="mono">{shortId(rcpCase.pathwayId)}</span>
                      </a>
                    </h3>
                    <ul>
                      {rcpCase.decisions.map((decision, n) => (
                        <li key={n} lang="fr">
                          {decision}
                        </li>
                      ))}
                    </ul>
                    {rcpCase.reviewOn && (
                      <p class="muted">{text.reviewOn(formatDate(rcpCase.reviewOn, lang))}</p>
                    )}
                  </div>
                ))}
              </section>
            </div>
            <div>
              <section class="card" aria-labelledby="rcp-facts-title">
                <h2 id="rcp-facts-title">{text.meeting}</h2>
                <dl class="facts">
                  <dt>{text.heldAt}</dt>
                  <dd>{formatDateTime(data.heldAt, lang)}</dd>
                  <dt>{text.convenedBy}</dt>
                  <dd>{byId.get(data.convenedBy)?.displayName ?? shortId(data.convenedBy)}</dd>
                  <dt>{text.duration}</dt>
                  <dd>{text.minutes(formatNumber(data.durationMinutes, lang))}</dd>
                  <dt>{text.format}</dt>
                  <dd>{label(lang, 'rcpFormat', data.format)}</dd>
                  <dt>{text.complex}</dt>
                  <dd>
                    <YesNo value={data.complex} />
                  </dd>
                  <dt>{text.patientPresent}</dt>
                  <dd>
                    <YesNo value={data.patientPresent} />
                  </dd>
                  <dt>{text.familyPresent}</dt>
                  <dd>
                    <YesNo value={data.familyPresent} />
                  </dd>
                </dl>
                {editable && (
                  <EntryChange
                    base={tenant(`/rcps/${encodeURIComponent(id)}`)}
                    eventId={data.eventId}
                    what={text.thisRcp}
                    fields={[
                      { name: 'heldAt', label: text.heldAt, kind: 'datetime', value: data.heldAt },
                      {
                        name: 'durationMinutes',
                        label: text.duration,
                        kind: 'number',
                        value: data.durationMinutes,
                      },
                      {
                        name: 'format',
                        label: text.format,
                        kind: 'select',
                        options: options(lang, 'rcpFormat'),
                        value: data.format,
                      },
                      { name: 'complex', label: text.complex, kind: 'boolean', value: data.complex },
                    ]}
                    voidable
                    onDone={(change) => (change === 'voided' ? navigate(href('/rcps')) : rcp.reload())}
                  />
                )}
              </section>
              <section class="card" aria-labelledby="rcp-participants-title">
                <h2 id="rcp-participants-title">{text.participants}</h2>
                <TableRegion label={text.participantsTable}>
                  <thead>
                    <tr>
                      <th scope="col">{text.name}</th>
                      <th scope="col">{text.profession}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.participants.map((participant, index) => {
                      const shown = participantText(participant, (memberId) => byId.get(memberId), lang);
                      return (
                        <tr key={index}>
                          <td>
                            {shown.name}
                            {shown.external && <span class="muted"> ({text.external})</span>}
                          </td>
                          <td>{shown.profession}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </TableRegion>
              </section>
            </div>
          </div>
        )}
      </Loaded>
    </>
  );
}

function RcpRegister({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const recording = canWrite(session) && route.params.get('action') === 'new';
  const pathwayId = route.params.get('pathwayId') ?? undefined;
  const register = useQuery<{ items: RcpRegisterItem[]; count: number }>(
    tenant(`/rcps${query({ from, to })}`),
  );
  const [saved, setSaved] = useState<string | null>(null);
  const notice = useRef<HTMLParagraphElement>(null);

  return (
    <>
      <PageTitle title={text.longTitle}>{text.longTitle}</PageTitle>
      <p class="muted">{text.intro}</p>
      {saved && (
        <p class="alert ok" role="status" tabIndex={-1} ref={notice}>
          {text.saved} <a href={href(`/rcps/${saved}`)}>{text.openSaved}</a>
        </p>
      )}
      {recording ? (
        <RcpForm
          key={pathwayId ?? 'new'}
          pathwayId={pathwayId}
          onCancel={() => navigate(href('/rcps', { from, to }))}
          onDone={(result) => {
            setSaved(result.id);
            register.reload();
            navigate(href('/rcps', { from, to }));
            setTimeout(() => notice.current?.focus(), 0);
          }}
        />
      ) : (
        canWrite(session) && (
          <p>
            <a class="button" href={href('/rcps', { from, to, action: 'new' })}>
              {text.record}
            </a>
          </p>
        )
      )}
      <h2>{text.table}</h2>
      <form
        class="filters"
        role="search"
        aria-label={text.filters}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const pick = (name: string) => {
            const value = data.get(name);
            return typeof value === 'string' ? value : '';
          };
          navigate(href('/rcps', { from: pick('from'), to: pick('to') }));
        }}
      >
        <div class="field">
          <label for="rcps-from">{text.from}</label>
          <input id="rcps-from" name="from" type="date" defaultValue={from} />
        </div>
        <div class="field">
          <label for="rcps-to">{text.to}</label>
          <input id="rcps-to" name="to" type="date" defaultValue={to} />
        </div>
        <button type="submit" class="secondary">
          {text.filter}
        </button>
      </form>
      <Loaded query={register}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="empty">{text.empty}</p>
          ) : (
            <>
              <p class="muted">{text.count(items.length)}</p>
              <TableRegion label={text.table} class="rcps">
                <thead>
                  <tr>
                    <th scope="col">{text.heldAt}</th>
                    <th scope="col">{text.format}</th>
                    <th scope="col">{text.complex}</th>
                    <th scope="col" class="num">
                      {text.duration}
                    </th>
                    <th scope="col" class="num">
                      {text.participants}
                    </th>
                    <th scope="col">{text.professions}</th>
                    <th scope="col">{text.cases}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((rcp) => (
                    <tr key={rcp.id} data-rcp={rcp.id}>
                      <td>
                        <a href={href(`/rcps/${rcp.id}`)}>{formatDateTime(rcp.heldAt, lang)}</a>
                      </td>
                      <td>{label(lang, 'rcpFormat', rcp.format)}</td>
                      <td>
                        <YesNo value={rcp.complex} />
                      </td>
                      <td class="num">{text.minutes(formatNumber(rcp.durationMinutes, lang))}</td>
                      <td class="num">{rcp.participantCount}</td>
                      <td>{rcp.professions.map((p) => label(lang, 'profession', p)).join(', ')}</td>
                      <td>
                        <ul class="list-plain">
                          {rcp.cases.map((rcpCase) => (
                            <li key={rcpCase.pathwayId}>
                              <a class="mono" href={href(`/pathways/${rcpCase.pathwayId}`)}>
                                {shortId(rcpCase.pathwayId)}
                              </a>
                              {rcpCase.reviewOn && (
                                <span class="muted review-on">
                                  {text.reviewOn(formatDate(rcpCase.reviewOn, lang))}
                                </span>
                              )}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableRegion>
            </>
          )
        }
      </Loaded>
    </>
  );
}

export function RcpsPage(props: PageProps) {
  const id = props.route.segments[1];
  return id ? <RcpDetail id={id} editable={canWrite(props.session)} /> : <RcpRegister {...props} />;
}
