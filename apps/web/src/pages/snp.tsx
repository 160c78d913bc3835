/**
 * Soins non programmés: the request log (`GET …/unscheduled-care?from=&to=&status=`), newest first, and
 * the forms of those who record: a new request, the orientation of one to a member's appointment
 * (`?orient=<id>`, as the worklist links), or its closure without appointment (`?close=<id>`).
 */
import { useRef, useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { type CommandResult, post, query, tenant } from '../api';
import { formatDateTime, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { canWrite, hasRole } from '../session';
import { Checkbox, CommandForm, DateTimeInput, Select, TextArea, TextInput } from '../ui/forms';
import { MemberSelect, useMemberName } from '../ui/members';
import { EntryChange } from '../ui/entry-change';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import { idIn } from './patient-shared';
import { TableRegion } from '../ui/table';

interface SnpRequest {
  id: string;
  receivedAt: string;
  channel: string;
  viaSas: boolean;
  motive: string;
  patientId?: string;
  status: 'requested' | 'oriented' | 'closed';
  orientedTo?: string;
  appointmentAt?: string;
  closedAt?: string;
}

/** How many rows the table shows before "show more" (the log is not paged by the API). */
const STEP = 50;
const DAY = 24 * 60 * 60 * 1000;

const TEXT = {
  fr: {
    change: 'Corriger',
    changeLabel: (date: string) => `Corriger ou annuler ce qui a été enregistré de la demande du ${date}`,
    changeTitle: 'Corriger ou annuler',
    theRequest: (date: string) => `la demande reçue le ${date}`,
    theOrientation: 'l’orientation',
    theClosure: 'la clôture',
    closedOn: 'Close le',
    savedChange: 'Correction enregistrée.',
    title: 'Soins non programmés',
    intro:
      'Les demandes de soins non programmés, la plus récente en premier, et la suite qui leur a été donnée.',
    newRequest: 'Enregistrer une demande',
    filters: 'Filtrer les demandes',
    from: 'Reçues du',
    to: 'Jusqu’au (exclu)',
    status: 'Statut',
    all: 'Tous',
    filter: 'Filtrer',
    table: 'Demandes de soins non programmés',
    received: 'Reçue le',
    channel: 'Canal',
    sas: 'Via le SAS',
    motive: 'Motif',
    orientedTo: 'Orientée vers',
    appointment: 'Rendez-vous',
    closedAt: (date: string) => `Close le ${date}`,
    actions: 'Actions',
    orient: 'Orienter',
    close: 'Clore',
    orientLabel: (date: string) => `Orienter la demande du ${date}`,
    closeLabel: (date: string) => `Clore la demande du ${date}`,
    patient: 'Patient',
    empty: 'Aucune demande ne correspond.',
    count: (shown: number, total: number) => `${shown} demande(s) affichée(s) sur ${total}.`,
    more: 'Afficher plus de demandes',
    // Forms
    requestTitle: 'Nouvelle demande de soins non programmés',
    requestSubmit: 'Enregistrer la demande',
    receivedAt: 'Reçue le',
    viaSas: 'Reçue via le Service d’accès aux soins (SAS)',
    motiveLabel: 'Motif',
    motiveHint: 'Tel qu’exprimé par le demandeur. Donnée de santé : pas d’identité ici.',
    patientId: 'Patient (identifiant, facultatif)',
    patientIdHint: 'Si le patient est inscrit dans la CPTS.',
    orientTitle: 'Orienter la demande',
    orientSubmit: 'Orienter vers ce rendez-vous',
    toMember: 'Professionnel qui reçoit le patient',
    appointmentAt: 'Date et heure du rendez-vous',
    appointmentHint: 'Au plus tard 30 jours après la demande.',
    closeTitle: 'Clore la demande sans rendez-vous',
    closeSubmit: 'Clore la demande',
    closedAtLabel: 'Close le',
    reason: 'Raison',
    reasonHint: 'Par exemple : le patient a trouvé une solution par ailleurs.',
    cancel: 'Annuler',
    requestFacts: (date: string, channel: string) => `Demande reçue le ${date} (${channel})`,
    alreadyAnswered: 'Cette demande a déjà reçu une suite.',
    latest: (date: string) => `Rendez-vous au plus tard le ${date}.`,
    savedRequest: 'Demande enregistrée.',
    savedOrientation: 'Demande orientée.',
    savedClosure: 'Demande close.',
    orientNow: 'L’orienter maintenant',
  },
  en: {
    change: 'Correct',
    changeLabel: (date: string) => `Correct or void what was recorded of the request of ${date}`,
    changeTitle: 'Correct or void',
    theRequest: (date: string) => `the request received on ${date}`,
    theOrientation: 'the orientation',
    theClosure: 'the closure',
    closedOn: 'Closed on',
    savedChange: 'Correction recorded.',
    title: 'Unscheduled care',
    intro: 'Requests for unscheduled care, newest first, and what came of them.',
    newRequest: 'Record a request',
    filters: 'Filter the requests',
    from: 'Received from',
    to: 'Until (excluded)',
    status: 'Status',
    all: 'All',
    filter: 'Filter',
    table: 'Unscheduled-care requests',
    received: 'Received',
    channel: 'Channel',
    sas: 'Via the SAS',
    motive: 'Motive',
    orientedTo: 'Oriented to',
    appointment: 'Appointment',
    closedAt: (date: string) => `Closed on ${date}`,
    actions: 'Actions',
    orient: 'Orient',
    close: 'Close',
    orientLabel: (date: string) => `Orient the request of ${date}`,
    closeLabel: (date: string) => `Close the request of ${date}`,
    patient: 'Patient',
    empty: 'No request matches.',
    count: (shown: number, total: number) => `${shown} request(s) shown of ${total}.`,
    more: 'Show more requests',
    requestTitle: 'New unscheduled-care request',
    requestSubmit: 'Record the request',
    receivedAt: 'Received at',
    viaSas: 'Came through the Service d’accès aux soins (SAS)',
    motiveLabel: 'Motive',
    motiveHint: 'In the requester’s words. Health data: no identity here.',
    patientId: 'Patient (id, optional)',
    patientIdHint: 'When the patient is registered in the CPTS.',
    orientTitle: 'Orient the request',
    orientSubmit: 'Orient to this appointment',
    toMember: 'Professional who sees the patient',
    appointmentAt: 'Appointment date and time',
    appointmentHint: 'At most 30 days after the request.',
    closeTitle: 'Close the request without appointment',
    closeSubmit: 'Close the request',
    closedAtLabel: 'Closed at',
    reason: 'Reason',
    reasonHint: 'For example: the patient found care elsewhere.',
    cancel: 'Cancel',
    requestFacts: (date: string, channel: string) => `Request received on ${date} (${channel})`,
    alreadyAnswered: 'This request has already been answered.',
    latest: (date: string) => `Appointment no later than ${date}.`,
    savedRequest: 'Request recorded.',
    savedOrientation: 'Request oriented.',
    savedClosure: 'Request closed.',
    orientNow: 'Orient it now',
  },
};

/** The request a form answers, as the log shows it (the form is usable even before it loads). */
function RequestFacts({ id }: { id: string }) {
  const text = useText(TEXT);
  const lang = useLang();
  const request = useQuery<SnpRequest>(tenant(`/unscheduled-care/${encodeURIComponent(id)}`));
  if (!request.data) return null;
  const data = request.data;
  return (
    <div class="alert">
      <p>
        <strong>
          {text.requestFacts(formatDateTime(data.receivedAt, lang), label(lang, 'snpChannel', data.channel))}
        </strong>
      </p>
      <p lang="fr">{data.motive}</p>
      {data.status === 'requested' ? (
        <p>
          {text.latest(formatDateTime(new Date(Date.parse(data.receivedAt) + 30 * DAY).toISOString(), lang))}
        </p>
      ) : (
        <p>{text.alreadyAnswered}</p>
      )}
    </div>
  );
}

function RequestForm(props: { onDone: (result: CommandResult) => void; onCancel: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.requestTitle}
      submitLabel={text.requestSubmit}
      fields={['receivedAt', 'channel', 'viaSas', 'motive', 'patientId']}
      submit={(values, idempotencyKey) =>
        post(
          tenant('/unscheduled-care'),
          {
            receivedAt: values.time('receivedAt') ?? '',
            channel: values.required('channel'),
            viaSas: values.bool('viaSas'),
            motive: values.required('motive'),
            patientId: idIn(values.text('patientId')),
          },
          { idempotencyKey },
        )
      }
      onDone={props.onDone}
    >
      <div class="grid">
        <DateTimeInput name="receivedAt" label={text.receivedAt} required />
        <Select name="channel" label={text.channel} required options={options(lang, 'snpChannel')} />
      </div>
      <Checkbox name="viaSas" label={text.viaSas} />
      <TextArea
        name="motive"
        label={text.motiveLabel}
        hint={text.motiveHint}
        required
        maxLength={1000}
        rows={2}
      />
      <TextInput name="patientId" label={text.patientId} hint={text.patientIdHint} />
      <p>
        <button type="button" class="link" onClick={props.onCancel}>
          {text.cancel}
        </button>
      </p>
    </CommandForm>
  );
}

function OrientForm(props: { id: string; onDone: (result: CommandResult) => void; onCancel: () => void }) {
  const text = useText(TEXT);
  return (
    <CommandForm
      title={text.orientTitle}
      intro={<RequestFacts id={props.id} />}
      submitLabel={text.orientSubmit}
      fields={['toMemberId', 'appointmentAt']}
      submit={(values, idempotencyKey) =>
        post(
          tenant(`/unscheduled-care/${props.id}/orientation`),
          { toMemberId: values.required('toMemberId'), appointmentAt: values.time('appointmentAt') ?? '' },
          { idempotencyKey },
        )
      }
      onDone={props.onDone}
    >
      <div class="grid">
        <MemberSelect name="toMemberId" label={text.toMember} required dateField="appointmentAt" />
        <DateTimeInput
          name="appointmentAt"
          label={text.appointmentAt}
          hint={text.appointmentHint}
          required
          defaultValue={null}
        />
      </div>
      <p>
        <button type="button" class="link" onClick={props.onCancel}>
          {text.cancel}
        </button>
      </p>
    </CommandForm>
  );
}

function CloseForm(props: { id: string; onDone: (result: CommandResult) => void; onCancel: () => void }) {
  const text = useText(TEXT);
  return (
    <CommandForm
      title={text.closeTitle}
      intro={<RequestFacts id={props.id} />}
      submitLabel={text.closeSubmit}
      fields={['closedAt', 'reason']}
      submit={(values, idempotencyKey) =>
        post(
          tenant(`/unscheduled-care/${props.id}/closure`),
          { closedAt: values.time('closedAt') ?? '', reason: values.required('reason') },
          { idempotencyKey },
        )
      }
      onDone={props.onDone}
    >
      <DateTimeInput name="closedAt" label={text.closedAtLabel} required />
      <TextArea name="reason" label={text.reason} hint={text.reasonHint} required maxLength={500} rows={2} />
      <p>
        <button type="button" class="link" onClick={props.onCancel}>
          {text.cancel}
        </button>
      </p>
    </CommandForm>
  );
}

interface SnpRecord {
  receivedAt: string;
  channel: string;
  motive: string;
  viaSas: boolean;
  orientation?: { toMemberId: string; appointmentAt: string };
  closure?: { closedAt: string; reason: string };
  entries: Array<{ eventId: string; type: string }>;
}

/** Correcting or voiding what was recorded of one request: the request, its orientation, its closure. */
function ChangeForm(props: { id: string; onDone: () => void; onCancel: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  const base = tenant(`/unscheduled-care/${encodeURIComponent(props.id)}`);
  const record = useQuery<SnpRecord>(base);
  const eventOf = (type: string) => record.data?.entries.find((entry) => entry.type === type)?.eventId;
  return (
    <section class="card form" aria-labelledby="snp-change-title">
      <h2 id="snp-change-title">{text.changeTitle}</h2>
      <Loaded query={record}>
        {(data) => {
          const received = formatDateTime(data.receivedAt, lang);
          const requestEvent = eventOf('UnscheduledCareRequested');
          const orientationEvent = eventOf('UnscheduledCareOriented');
          const closureEvent = eventOf('UnscheduledCareClosed');
          return (
            <>
              {requestEvent && (
                <div class="snp-entry">
                  <h3>{text.theRequest(received)}</h3>
                  <EntryChange
                    base={base}
                    eventId={requestEvent}
                    what={text.theRequest(received)}
                    fields={[
                      { name: 'receivedAt', label: text.received, kind: 'datetime', value: data.receivedAt },
                      {
                        name: 'channel',
                        label: text.channel,
                        kind: 'select',
                        options: options(lang, 'snpChannel'),
                        value: data.channel,
                      },
                      { name: 'viaSas', label: text.sas, kind: 'boolean', value: data.viaSas },
                      { name: 'motive', label: text.motive, kind: 'text', value: data.motive },
                    ]}
                    voidable
                    onDone={props.onDone}
                  />
                </div>
              )}
              {orientationEvent && data.orientation && (
                <div class="snp-entry">
                  <h3>{text.theOrientation}</h3>
                  <EntryChange
                    base={base}
                    eventId={orientationEvent}
                    what={text.theOrientation}
                    fields={[
                      {
                        name: 'appointmentAt',
                        label: text.appointment,
                        kind: 'datetime',
                        value: data.orientation.appointmentAt,
                      },
                    ]}
                    voidable
                    onDone={props.onDone}
                  />
                </div>
              )}
              {closureEvent && data.closure && (
                <div class="snp-entry">
                  <h3>{text.theClosure}</h3>
                  <EntryChange
                    base={base}
                    eventId={closureEvent}
                    what={text.theClosure}
                    fields={[
                      {
                        name: 'closedAt',
                        label: text.closedOn,
                        kind: 'datetime',
                        value: data.closure.closedAt,
                      },
                    ]}
                    voidable
                    onDone={props.onDone}
                  />
                </div>
              )}
            </>
          );
        }}
      </Loaded>
      <p>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {text.cancel}
        </button>
      </p>
    </section>
  );
}

export function SnpPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const memberName = useMemberName();
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const status = route.params.get('status') ?? '';
  const writer = canWrite(session);
  const seesPatients = hasRole(session, 'coordinator', 'auditor');
  const action = route.params.get('action');
  const orient = route.params.get('orient');
  const close = route.params.get('close');
  const change = route.params.get('change');
  const filters = { from, to, status };
  const log = useQuery<{ items: SnpRequest[]; count: number }>(tenant(`/unscheduled-care${query(filters)}`));
  const [shown, setShown] = useState(STEP);
  const [saved, setSaved] = useState<{ message: string; orientId?: string } | null>(null);
  const notice = useRef<HTMLDivElement>(null);

  const back = () => navigate(href('/snp', filters));
  const done = (message: string, orientId?: string) => () => {
    setSaved({ message, orientId });
    log.reload();
    back();
    setTimeout(() => notice.current?.focus(), 0);
  };

  let form = null;
  if (writer && orient) {
    form = (
      <OrientForm key={`orient-${orient}`} id={orient} onDone={done(text.savedOrientation)} onCancel={back} />
    );
  } else if (writer && close) {
    form = <CloseForm key={`close-${close}`} id={close} onDone={done(text.savedClosure)} onCancel={back} />;
  } else if (writer && change) {
    form = (
      <ChangeForm key={`change-${change}`} id={change} onDone={done(text.savedChange)} onCancel={back} />
    );
  } else if (writer && action === 'new') {
    form = <RequestForm onDone={(result) => done(text.savedRequest, result.id)()} onCancel={back} />;
  }

  return (
    <>
      <PageTitle title={text.title}>{text.title}</PageTitle>
      <p class="muted">{text.intro}</p>
      {saved && !form && (
        <div class="alert ok" role="status" tabIndex={-1} ref={notice}>
          <p>
            {saved.message}{' '}
            {saved.orientId && (
              <a href={href('/snp', { ...filters, orient: saved.orientId })}>{text.orientNow}</a>
            )}
          </p>
        </div>
      )}
      {form ??
        (writer && (
          <p>
            <a class="button" href={href('/snp', { ...filters, action: 'new' })}>
              {text.newRequest}
            </a>
          </p>
        ))}
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
          setShown(STEP);
          navigate(href('/snp', { from: pick('from'), to: pick('to'), status: pick('status') }));
        }}
      >
        <div class="field">
          <label for="snp-from">{text.from}</label>
          <input id="snp-from" name="from" type="date" defaultValue={from} />
        </div>
        <div class="field">
          <label for="snp-to">{text.to}</label>
          <input id="snp-to" name="to" type="date" defaultValue={to} />
        </div>
        <div class="field">
          <label for="snp-status">{text.status}</label>
          <select id="snp-status" name="status" defaultValue={status}>
            <option value="">{text.all}</option>
            {options(lang, 'snpStatus').map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {text.filter}
        </button>
      </form>
      <Loaded query={log}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="empty">{text.empty}</p>
          ) : (
            <>
              <p class="muted">{text.count(Math.min(shown, items.length), items.length)}</p>
              <TableRegion label={text.table} class="snp">
                <thead>
                  <tr>
                    <th scope="col">{text.received}</th>
                    <th scope="col">{text.channel}</th>
                    <th scope="col">{text.motive}</th>
                    <th scope="col">{text.status}</th>
                    <th scope="col">{text.orientedTo}</th>
                    <th scope="col">{text.appointment}</th>
                    {writer && <th scope="col">{text.actions}</th>}
                  </tr>
                </thead>
                <tbody>
                  {items.slice(0, shown).map((request) => {
                    const received = formatDateTime(request.receivedAt, lang);
                    return (
                      <tr key={request.id} data-request={request.id}>
                        <td>{received}</td>
                        <td>
                          {label(lang, 'snpChannel', request.channel)}
                          {request.viaSas && (
                            <>
                              {' '}
                              <span class="badge neutral">{text.sas}</span>
                            </>
                          )}
                        </td>
                        <td>
                          <span lang="fr">{request.motive}</span>
                          {request.patientId && seesPatients && (
                            <>
                              <br />
                              <a href={href(`/patients/${request.patientId}`)}>
                                {text.patient} <span class="mono">{shortId(request.patientId)}</span>
                              </a>
                            </>
                          )}
                        </td>
                        <td>
                          <span
                            class={`badge ${request.status === 'requested' ? 'due' : request.status === 'oriented' ? 'ok' : 'neutral'}`}
                          >
                            {label(lang, 'snpStatus', request.status)}
                          </span>
                        </td>
                        <td>{request.orientedTo ? memberName(request.orientedTo) : '—'}</td>
                        <td>
                          {request.appointmentAt
                            ? formatDateTime(request.appointmentAt, lang)
                            : request.closedAt
                              ? text.closedAt(formatDateTime(request.closedAt, lang))
                              : '—'}
                        </td>
                        {writer && (
                          <td>
                            <div class="row-actions">
                              <a
                                href={href('/snp', { ...filters, change: request.id })}
                                aria-label={text.changeLabel(received)}
                              >
                                {text.change}
                              </a>
                            </div>
                            {request.status === 'requested' && (
                              <div class="row-actions">
                                <a
                                  href={href('/snp', { ...filters, orient: request.id })}
                                  aria-label={text.orientLabel(received)}
                                >
                                  {text.orient}
                                </a>
                                <a
                                  href={href('/snp', { ...filters, close: request.id })}
                                  aria-label={text.closeLabel(received)}
                                >
                                  {text.close}
                                </a>
                              </div>
                            )}
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </TableRegion>
              {items.length > shown && (
                <p>
                  <button type="button" class="secondary" onClick={() => setShown(shown + STEP)}>
                    {text.more}
                  </button>
                </p>
              )}
            </>
          )
        }
      </Loaded>
    </>
  );
}
