/**
 * One pathway (`#/pathways/<id>`): its facts, the steps it waits for, its timeline in business-time order
 * and, for coordinators and professionals, the forms that record what happens next. The open form is in
 * the route (`?action=discharge`, `?action=reconciliation&entry=<eventId of the discharge>`…), so the
 * worklist links straight to it and the browser's back button closes it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PageProps } from '../app';
import { tenant } from '../api';
import { formatDateTime, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label } from '../labels';
import { href, navigate } from '../router';
import { canWrite, hasRole } from '../session';
import { Loaded, PageTitle, useQuery } from '../ui/page';
import {
  ClosureForm,
  CorrectionForm,
  DischargeForm,
  FollowUpForm,
  type PathwayFormProps,
  ProtocolForm,
  ReconciliationForm,
  ReferralAnswerForm,
  ReferralForm,
  ReopeningForm,
  useSelectDefaults,
  VoidingForm,
} from './pathway-forms';
import {
  dischargesOf,
  entryOf,
  type PathwayView,
  type PendingStep,
  referralsOf,
  Timeline,
  type TimelineEntry,
} from './pathway-timeline';

const TEXT = {
  fr: {
    title: 'Parcours',
    titleOf: (kind: string) => `Parcours : ${kind}`,
    back: 'Tous les parcours',
    facts: 'Le parcours',
    kind: 'Type',
    status: 'Statut',
    opened: 'Ouvert le',
    closed: 'Clos le',
    outcome: 'Issue',
    patient: 'Patient',
    openPatient: (id: string) => `Patient ${id}`,
    revision: 'Révision',
    reload: 'Recharger',
    pending: 'Étapes en attente',
    noPending: 'Aucune étape en attente.',
    due: 'échéance',
    overdue: 'En retard',
    dueSoon: 'À faire',
    record: 'Enregistrer',
    actions: {
      referral: 'Adresser le patient',
      'referral-answer': 'Enregistrer une réponse d’adressage',
      discharge: 'Enregistrer une sortie',
      reconciliation: 'Enregistrer une conciliation',
      'follow-up': 'Enregistrer un suivi',
      protocol: 'Appliquer un protocole',
      closure: 'Clore le parcours',
      reopening: 'Rouvrir le parcours',
    } as Record<string, string>,
    stepActions: {
      'sortie.pharmacien': 'Enregistrer la conciliation',
      'sortie.suivi': 'Enregistrer le suivi',
      'adressage.reponse': 'Enregistrer la réponse',
      'rcp.revue': 'Enregistrer une RCP',
    } as Record<string, string>,
    close: 'Fermer sans enregistrer',
    closedNotice:
      'Le parcours est clos : seules une réouverture, une correction ou une annulation sont possibles.',
    unknownEntry: 'L’entrée demandée n’existe pas dans ce parcours.',
    timeline: 'Chronologie',
    saved: (what: string) => `Enregistré : ${what}.`,
  },
  en: {
    title: 'Pathway',
    titleOf: (kind: string) => `Pathway: ${kind}`,
    back: 'All pathways',
    facts: 'The pathway',
    kind: 'Kind',
    status: 'Status',
    opened: 'Opened',
    closed: 'Closed',
    outcome: 'Outcome',
    patient: 'Patient',
    openPatient: (id: string) => `Patient ${id}`,
    revision: 'Revision',
    reload: 'Reload',
    pending: 'Pending steps',
    noPending: 'No pending step.',
    due: 'due',
    overdue: 'Overdue',
    dueSoon: 'Due',
    record: 'Record',
    actions: {
      referral: 'Refer the patient',
      'referral-answer': 'Record a referral answer',
      discharge: 'Record a discharge',
      reconciliation: 'Record a reconciliation',
      'follow-up': 'Record a follow-up',
      protocol: 'Apply a protocol',
      closure: 'Close the pathway',
      reopening: 'Reopen the pathway',
    } as Record<string, string>,
    stepActions: {
      'sortie.pharmacien': 'Record the reconciliation',
      'sortie.suivi': 'Record the follow-up',
      'adressage.reponse': 'Record the answer',
      'rcp.revue': 'Record an RCP',
    } as Record<string, string>,
    close: 'Close without saving',
    closedNotice: 'The pathway is closed: only reopening, correcting or voiding is possible.',
    unknownEntry: 'The entry asked for is not in this pathway.',
    timeline: 'Timeline',
    saved: (what: string) => `Saved: ${what}.`,
  },
};

/** The forms the route may open, and whether each needs an entry of the timeline. */
const FORMS = {
  referral: ReferralForm,
  'referral-answer': ReferralAnswerForm,
  discharge: DischargeForm,
  reconciliation: ReconciliationForm,
  'follow-up': FollowUpForm,
  protocol: ProtocolForm,
  closure: ClosureForm,
  reopening: ReopeningForm,
} as const;
type Action = keyof typeof FORMS | 'correction' | 'voiding';

/** Forms that record something new: only on an open pathway. */
const NEEDS_OPEN = new Set<string>([
  'referral',
  'referral-answer',
  'discharge',
  'reconciliation',
  'follow-up',
  'protocol',
  'closure',
]);

export function PathwayPage({ session, route }: PageProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const id = route.segments[1] ?? '';
  const path = `/pathways/${id}`;
  const pathway = useQuery<PathwayView>(tenant(`/pathways/${encodeURIComponent(id)}`));
  const writer = canWrite(session);
  const [saved, setSaved] = useState<string | null>(null);
  const savedRef = useRef<HTMLDivElement>(null);
  const action = (route.params.get('action') ?? '') as Action | '';
  const entryId = route.params.get('entry') ?? undefined;

  const open = (next: Action, entry?: string) => {
    setSaved(null);
    navigate(href(path, { action: next, entry }));
  };
  const onDone = (type: string) => {
    setSaved(type);
    navigate(href(path));
    pathway.reload();
    setTimeout(() => savedRef.current?.focus(), 0);
  };

  const view = pathway.data;
  const title = view ? text.titleOf(label(lang, 'pathwayKind', view.kind)) : text.title;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <a href={href('/pathways')}>← {text.back}</a>
      </p>
      <div ref={savedRef} role="status" tabIndex={-1} class="saved-status">
        {saved && <p class="alert ok">{text.saved(label(lang, 'eventType', saved))}</p>}
      </div>
      <Loaded query={pathway}>
        {(data) => (
          <>
            <div class="grid">
              <Facts view={data} session={session} onReload={pathway.reload} />
              <Pending view={data} writer={writer} open={open} />
            </div>
            {writer && (
              <section class="card" aria-labelledby="pathway-actions">
                <h2 id="pathway-actions">{text.record}</h2>
                <ul class="pathway-actions">
                  {actionsFor(data).map((name) => (
                    <li key={name}>
                      <a
                        class="button"
                        href={href(path, { action: name })}
                        aria-current={action === name ? 'true' : undefined}
                        onClick={() => setSaved(null)}
                      >
                        {text.actions[name]}
                      </a>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {writer && action && (
              <OpenForm
                key={`${action}-${entryId ?? ''}`}
                view={data}
                action={action}
                entryId={entryId}
                onDone={onDone}
                onClose={() => navigate(href(path))}
              />
            )}
            <section aria-labelledby="pathway-timeline">
              <h2 id="pathway-timeline">{text.timeline}</h2>
              <Timeline
                view={data}
                onCorrect={writer ? (entry) => open('correction', entry.eventId) : undefined}
                onVoid={writer ? (entry) => open('voiding', entry.eventId) : undefined}
              />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/** The forms a writer may open on this pathway as it is. */
function actionsFor(view: PathwayView): Array<keyof typeof FORMS> {
  if (view.status === 'closed') return ['reopening'];
  const actions: Array<keyof typeof FORMS> = ['referral'];
  if (referralsOf(view).some(({ status }) => status === 'open' || status === 'accepted')) {
    actions.push('referral-answer');
  }
  actions.push('discharge');
  if (dischargesOf(view).length > 0) actions.push('reconciliation');
  actions.push('follow-up', 'protocol', 'closure');
  return actions;
}

function Facts(props: { view: PathwayView; session: PageProps['session']; onReload: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  const { view } = props;
  // The identity stays with those who may see the patient's record (api.md, roles).
  const seesPatient = hasRole(props.session, 'coordinator', 'auditor');
  const closure = [...view.timeline]
    .reverse()
    .find((entry) => entry.type === 'PathwayClosed' && !entry.voided);
  return (
    <section class="card" aria-labelledby="pathway-facts">
      <h2 id="pathway-facts">{text.facts}</h2>
      <dl class="facts">
        <dt>{text.kind}</dt>
        <dd>{label(lang, 'pathwayKind', view.kind)}</dd>
        <dt>{text.status}</dt>
        <dd>
          <span class={`badge ${view.status === 'open' ? 'ok' : 'neutral'}`}>
            {label(lang, 'pathwayStatus', view.status)}
          </span>
        </dd>
        <dt>{text.opened}</dt>
        <dd>{formatDateTime(view.openedAt, lang)}</dd>
        {view.status === 'closed' && (
          <>
            <dt>{text.closed}</dt>
            <dd>{formatDateTime(view.closedAt, lang)}</dd>
            {closure && (
              <>
                <dt>{text.outcome}</dt>
                <dd>
                  {label(
                    lang,
                    'closureOutcome',
                    typeof closure.data.outcome === 'string' ? closure.data.outcome : null,
                  )}
                </dd>
              </>
            )}
          </>
        )}
        {seesPatient && (
          <>
            <dt>{text.patient}</dt>
            <dd>
              <a href={href(`/patients/${view.patientId}`)}>{text.openPatient(shortId(view.patientId))}</a>
            </dd>
          </>
        )}
        <dt>{text.revision}</dt>
        <dd>{view.revision}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onReload}>
          {text.reload}
        </button>
      </div>
    </section>
  );
}

/** Where the form that closes a pending step opens (the worklist's links lead to the same places). */
function stepHref(view: PathwayView, step: PendingStep): string | null {
  const path = `/pathways/${view.id}`;
  switch (step.kind) {
    case 'sortie.pharmacien':
    case 'sortie.suivi':
      return href(path, {
        action: step.kind === 'sortie.pharmacien' ? 'reconciliation' : 'follow-up',
        entry: entryOf(view, 'dischargeId', step.dischargeId)?.eventId,
      });
    case 'adressage.reponse':
      return href(path, {
        action: 'referral-answer',
        entry: entryOf(view, 'referralId', step.referralId)?.eventId,
      });
    case 'rcp.revue':
      return href('/rcps', { action: 'new', pathwayId: view.id });
    default:
      return null;
  }
}

function Pending(props: {
  view: PathwayView;
  writer: boolean;
  open: (action: Action, entry?: string) => void;
}) {
  const text = useText(TEXT);
  const lang = useLang();
  const { view } = props;
  return (
    <section class="card" aria-labelledby="pathway-pending">
      <h2 id="pathway-pending">{text.pending}</h2>
      {view.pending.length === 0 ? (
        <p class="muted">{text.noPending}</p>
      ) : (
        <ul class="pending-steps">
          {view.pending.map((step) => {
            const link = props.writer ? stepHref(view, step) : null;
            return (
              <li
                key={`${step.kind}-${step.dischargeId ?? step.referralId ?? step.rcpId ?? ''}`}
                data-kind={step.kind}
              >
                <p>
                  <strong>{label(lang, 'worklistKind', step.kind)}</strong>{' '}
                  <span class={`badge ${step.overdue ? 'late' : 'due'}`}>
                    {step.overdue ? text.overdue : text.dueSoon}
                  </span>{' '}
                  <span class="muted">
                    {text.due} {formatDateTime(step.dueAt, lang)}
                  </span>
                </p>
                <p lang="fr">{step.summary}</p>
                {link && (
                  <a class="button" href={link}>
                    {text.stepActions[step.kind] ?? text.record}
                  </a>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The form the route names, given the timeline entry it is about; focused when it opens. */
function OpenForm(props: {
  view: PathwayView;
  action: Action;
  entryId?: string;
  onDone: (type: string) => void;
  onClose: () => void;
}) {
  const text = useText(TEXT);
  const ref = useRef<HTMLDivElement>(null);
  useSelectDefaults(ref);
  const { view, action } = props;
  const entry: TimelineEntry | undefined = props.entryId
    ? view.timeline.find((candidate) => candidate.eventId === props.entryId)
    : undefined;

  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'start' });
    ref.current?.querySelector<HTMLElement>('input:not([type="hidden"]), select, textarea')?.focus({
      preventScroll: true,
    });
  }, []);

  const intro = (
    <p>
      <button type="button" class="link" onClick={props.onClose}>
        {text.close}
      </button>
    </p>
  );
  let body: ComponentChildren;
  if (view.status === 'closed' && NEEDS_OPEN.has(action)) {
    body = <Notice message={text.closedNotice} onClose={props.onClose} />;
  } else if (action === 'correction' || action === 'voiding') {
    body = entry ? (
      action === 'correction' ? (
        <CorrectionForm view={view} entry={entry} onDone={props.onDone} intro={intro} />
      ) : (
        <VoidingForm view={view} entry={entry} onDone={props.onDone} intro={intro} />
      )
    ) : (
      <Notice message={text.unknownEntry} onClose={props.onClose} />
    );
  } else if (action in FORMS) {
    const Form: (formProps: PathwayFormProps) => ComponentChildren = FORMS[action];
    body = <Form view={view} entry={entry} onDone={props.onDone} intro={intro} />;
  } else {
    return null;
  }
  return (
    <div ref={ref} class="pathway-form">
      {body}
    </div>
  );
}

function Notice(props: { message: string; onClose: () => void }) {
  const text = useText(TEXT);
  return (
    <div class="alert" role="alert">
      <p>{props.message}</p>
      <button type="button" class="link" onClick={props.onClose}>
        {text.close}
      </button>
    </div>
  );
}
