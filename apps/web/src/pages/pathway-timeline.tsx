/**
 * The pathway view as the API gives it (`GET …/pathways/{id}`), what the forms derive from it (the live
 * discharges, the referrals still awaiting an answer), and its timeline rendered readably: each entry's
 * type, business and recorded times, who recorded it, and its data fields with labels, member names and
 * value labels instead of raw ids and codes.
 */
import { type ComponentChildren, Fragment } from 'preact';
import type { Lang } from '../i18n';
import { useLang, useText } from '../i18n';
import { formatDateTime } from '../format';
import { label, type LabelSet } from '../labels';
import { useMemberName, useMembers } from '../ui/members';

export interface PendingStep {
  kind: string;
  dueAt: string;
  overdue: boolean;
  summary: string;
  dischargeId?: string;
  referralId?: string;
  rcpId?: string;
  reviewOn?: string;
}

export interface TimelineEntry {
  eventId: string;
  type: string;
  at: string;
  recordedAt: string;
  actor: { id: string; role?: string };
  data: Record<string, unknown>;
  voided: boolean;
  corrected: boolean;
}

export interface PathwayView {
  id: string;
  patientId: string;
  kind: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  revision: number;
  pending: PendingStep[];
  timeline: TimelineEntry[];
}

// ---- what the forms need from the view ----------------------------------------------------------------

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const liveOf = (view: PathwayView, type: string) =>
  view.timeline.filter((entry) => entry.type === type && !entry.voided);

/** The discharges of the pathway (voided ones left out), oldest first. */
export function dischargesOf(view: PathwayView): TimelineEntry[] {
  return liveOf(view, 'DischargeNotified');
}

export type ReferralStatus = 'open' | 'accepted' | 'declined' | 'completed';

/** Each live referral with its status, as the API decides it (accept → complete, or decline). */
export function referralsOf(view: PathwayView): Array<{ entry: TimelineEntry; status: ReferralStatus }> {
  const answered = (type: string, referralId: unknown) =>
    liveOf(view, type).some((entry) => entry.data.referralId === referralId);
  return liveOf(view, 'PatientReferred').map((entry) => {
    const id = entry.data.referralId;
    const status: ReferralStatus = answered('ReferralCompleted', id)
      ? 'completed'
      : answered('ReferralDeclined', id)
        ? 'declined'
        : answered('ReferralAccepted', id)
          ? 'accepted'
          : 'open';
    return { entry, status };
  });
}

/** The timeline entry that recorded a discharge or a referral. */
export function entryOf(view: PathwayView, key: 'dischargeId' | 'referralId', id: string | undefined) {
  if (!id) return undefined;
  const type = key === 'dischargeId' ? 'DischargeNotified' : 'PatientReferred';
  return view.timeline.find((entry) => entry.type === type && entry.data[key] === id);
}

/** "CHU Nord, sortie le 3 nov. 2026 10:00" — a discharge as a user recognises it. */
export function dischargeTitle(entry: TimelineEntry, lang: Lang): string {
  const hospital = (entry.data.hospital as { name?: unknown } | undefined)?.name;
  const name = typeof hospital === 'string' ? hospital : '—';
  const when = formatDateTime(str(entry.data.dischargeAt), lang);
  return lang === 'fr' ? `${name}, sortie le ${when}` : `${name}, discharged ${when}`;
}

// ---- readable fields ------------------------------------------------------------------------------------

const TEXT = {
  fr: {
    fields: {
      kind: 'Type',
      openedAt: 'Ouvert le',
      reason: 'Motif',
      fromMemberId: 'Adressé par',
      to: 'Adressé à',
      urgency: 'Urgence',
      referredAt: 'Adressé le',
      channel: 'Canal',
      acceptedAt: 'Accepté le',
      appointmentAt: 'Rendez-vous',
      declinedAt: 'Refusé le',
      completedAt: 'Réalisé le',
      hospital: 'Établissement',
      ward: 'Service',
      admittedAt: 'Admission',
      dischargeAt: 'Sortie',
      notifiedAt: 'Notifiée le',
      treatmentChanged: 'Traitement modifié',
      complex: 'Sortie complexe',
      needs: 'Besoins',
      pharmacistMemberId: 'Pharmacien',
      gpMemberId: 'Médecin généraliste',
      toMemberId: 'Envoyée à',
      sentAt: 'Envoyée le',
      byMemberId: 'Par',
      at: 'Le',
      protocolCode: 'Protocole',
      protocolVersion: 'Version',
      appliedAt: 'Appliqué le',
      eligibility: 'Éligibilité',
      test: 'Test',
      outcome: 'Issue',
      mtInformedAt: 'Médecin traitant informé le',
      closedAt: 'Clos le',
      reopenedAt: 'Rouvert le',
      targetEventId: 'Entrée visée',
      correction: 'Nouvelles valeurs',
      dischargeId: 'Sortie',
      referralId: 'Adressage',
    } as Record<string, string>,
    yes: 'Oui',
    no: 'Non',
    none: 'aucun',
    eligible: 'Éligible',
    notEligible: 'Non éligible',
    present: 'critères présents :',
    recorded: 'enregistré le',
    by: 'par',
    system: 'le système',
    voided: 'Annulée',
    corrected: 'Corrigée',
    correct: 'Corriger',
    void: 'Annuler l’entrée',
    entryOn: (type: string, when: string) => `${type} du ${when}`,
    unknownEntry: 'entrée inconnue',
    empty: 'Aucune entrée.',
  },
  en: {
    fields: {
      kind: 'Kind',
      openedAt: 'Opened',
      reason: 'Reason',
      fromMemberId: 'Referred by',
      to: 'Referred to',
      urgency: 'Urgency',
      referredAt: 'Referred',
      channel: 'Channel',
      acceptedAt: 'Accepted',
      appointmentAt: 'Appointment',
      declinedAt: 'Declined',
      completedAt: 'Completed',
      hospital: 'Hospital',
      ward: 'Ward',
      admittedAt: 'Admitted',
      dischargeAt: 'Discharge',
      notifiedAt: 'Notified',
      treatmentChanged: 'Treatment changed',
      complex: 'Complex discharge',
      needs: 'Needs',
      pharmacistMemberId: 'Pharmacist',
      gpMemberId: 'General practitioner',
      toMemberId: 'Sent to',
      sentAt: 'Sent',
      byMemberId: 'By',
      at: 'At',
      protocolCode: 'Protocol',
      protocolVersion: 'Version',
      appliedAt: 'Applied',
      eligibility: 'Eligibility',
      test: 'Test',
      outcome: 'Outcome',
      mtInformedAt: 'Médecin traitant informed',
      closedAt: 'Closed',
      reopenedAt: 'Reopened',
      targetEventId: 'Entry',
      correction: 'New values',
      dischargeId: 'Discharge',
      referralId: 'Referral',
    } as Record<string, string>,
    yes: 'Yes',
    no: 'No',
    none: 'none',
    eligible: 'Eligible',
    notEligible: 'Not eligible',
    present: 'criteria present:',
    recorded: 'recorded',
    by: 'by',
    system: 'the system',
    voided: 'Voided',
    corrected: 'Corrected',
    correct: 'Correct',
    void: 'Void the entry',
    entryOn: (type: string, when: string) => `${type} of ${when}`,
    unknownEntry: 'unknown entry',
    empty: 'No entry.',
  },
};

type Texts = (typeof TEXT)['fr'];

/** Ids that tie entries together: shown through what they point at, never as raw ids. */
const HIDDEN_FIELDS = new Set(['patientId', 'applicationId']);
/** The id an entry gives what it creates (not a reference to another entry). */
const OWN_ID: Record<string, string> = { DischargeNotified: 'dischargeId', PatientReferred: 'referralId' };

/** The value labels of the coded fields, by entry type where a field name means two things. */
function labelSetOf(type: string, field: string): LabelSet | null {
  switch (field) {
    case 'kind':
      return type === 'FollowUpCompleted' ? 'followUpKind' : 'pathwayKind';
    case 'urgency':
      return 'urgency';
    case 'channel':
      return 'referralChannel';
    case 'outcome':
      return type === 'PathwayClosed' ? 'closureOutcome' : 'protocolOutcome';
    default:
      return null;
  }
}

interface Context {
  lang: Lang;
  text: Texts;
  memberName: (id: string | undefined | null) => string;
  view: PathwayView;
}

/** "Sortie d’hospitalisation notifiée du 3 nov. 2026" — an entry named for another entry's sake. */
export function entryName(entry: TimelineEntry | undefined, lang: Lang, text: Texts = TEXT[lang]): string {
  if (!entry) return text.unknownEntry;
  return text.entryOn(label(lang, 'eventType', entry.type), formatDateTime(entry.at, lang));
}

/** One data field of an entry of `type`, as a user reads it. */
function fieldValue(type: string, field: string, value: unknown, ctx: Context): ComponentChildren {
  const { lang, text, memberName, view } = ctx;
  if (value === undefined || value === null) return '—';
  if (field.endsWith('MemberId')) return memberName(str(value));
  if (typeof value === 'boolean') return value ? text.yes : text.no;
  if (field === 'dischargeId') {
    const discharge = entryOf(view, 'dischargeId', str(value));
    return discharge ? dischargeTitle(discharge, lang) : text.unknownEntry;
  }
  if (field === 'referralId') return entryName(entryOf(view, 'referralId', str(value)), lang, text);
  if (field === 'targetEventId') {
    return entryName(
      view.timeline.find((entry) => entry.eventId === value),
      lang,
      text,
    );
  }
  if (typeof value === 'string' && field.endsWith('At')) return formatDateTime(value, lang);
  const set = labelSetOf(type, field);
  if (set && typeof value === 'string') return label(lang, set, value);
  if (field === 'needs' && Array.isArray(value)) {
    return value.length === 0
      ? text.none
      : value.map((need) => label(lang, 'dischargeNeed', String(need))).join(', ');
  }
  if (field === 'hospital' && typeof value === 'object') {
    const hospital = value as { name?: unknown; finess?: unknown };
    return `${str(hospital.name) ?? '—'}${typeof hospital.finess === 'string' ? ` (FINESS ${hospital.finess})` : ''}`;
  }
  if (field === 'to' && typeof value === 'object') {
    const to = value as { memberId?: string; profession?: string; structure?: string };
    return [
      to.memberId ? memberName(to.memberId) : null,
      to.profession ? label(lang, 'profession', to.profession) : null,
      to.structure ?? null,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  if (field === 'eligibility' && typeof value === 'object') {
    const { eligible, answers } = value as { eligible?: boolean; answers?: Record<string, unknown> };
    const present = Object.entries(answers ?? {})
      .filter(([, answer]) => answer === true)
      .map(([code]) => code);
    return `${eligible ? text.eligible : text.notEligible}${present.length ? ` (${text.present} ${present.join(', ')})` : ''}`;
  }
  if (field === 'test' && typeof value === 'object') {
    const test = value as { kind?: string; result?: string };
    return `${test.kind ?? '—'} : ${label(lang, 'testResult', test.result)}`;
  }
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return <code>{JSON.stringify(value)}</code>;
}

/** The label of a field of an entry (the API's name when there is no label). */
export function fieldLabel(field: string, text: Texts): string {
  return text.fields[field] ?? field;
}

/** The entry's data as label/value pairs; a correction lists its new values under the target's labels. */
function Facts({ entry, ctx }: { entry: TimelineEntry; ctx: Context }) {
  const businessField = BUSINESS_TIME_FIELD[entry.type];
  const rows: Array<[string, ComponentChildren]> = [];
  for (const [field, value] of Object.entries(entry.data)) {
    if (HIDDEN_FIELDS.has(field) || field === businessField || OWN_ID[entry.type] === field) continue;
    if (field === 'correction' && value && typeof value === 'object') {
      const target = ctx.view.timeline.find((e) => e.eventId === entry.data.targetEventId);
      const type = target?.type ?? '';
      for (const [key, newValue] of Object.entries(value as Record<string, unknown>)) {
        rows.push([`${fieldLabel(key, ctx.text)} →`, fieldValue(type, key, newValue, ctx)]);
      }
      continue;
    }
    rows.push([fieldLabel(field, ctx.text), fieldValue(entry.type, field, value, ctx)]);
  }
  if (rows.length === 0) return null;
  return (
    <dl class="facts">
      {rows.map(([name, value], index) => (
        <Fragment key={index}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** The field that holds each type's business time (the entry's `at`: not repeated among its facts). */
export const BUSINESS_TIME_FIELD: Record<string, string> = {
  PathwayOpened: 'openedAt',
  PatientReferred: 'referredAt',
  ReferralAccepted: 'acceptedAt',
  ReferralDeclined: 'declinedAt',
  ReferralCompleted: 'completedAt',
  DischargeNotified: 'dischargeAt',
  MedicationReconciliationSent: 'sentAt',
  FollowUpCompleted: 'at',
  ProtocolApplied: 'appliedAt',
  PathwayClosed: 'closedAt',
  PathwayReopened: 'reopenedAt',
};

/** Entries the API lets one correct, and void (lifecycle entries have their own events). */
export const CORRECTABLE = new Set([
  'PathwayOpened',
  'PatientReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'DischargeNotified',
  'MedicationReconciliationSent',
  'FollowUpCompleted',
  'ProtocolApplied',
]);
export const VOIDABLE = new Set([...CORRECTABLE].filter((type) => type !== 'PathwayOpened'));

export function Timeline(props: {
  view: PathwayView;
  /** Writers get "Correct" and "Void" on each entry that allows them. */
  onCorrect?: (entry: TimelineEntry) => void;
  onVoid?: (entry: TimelineEntry) => void;
}) {
  const lang = useLang();
  const text = useText(TEXT);
  const memberName = useMemberName();
  const ctx: Context = { lang, text, memberName, view: props.view };
  // An actor is a member, or a signed-in user known by the token's subject: shown whole, not shortened.
  const members = new Map(useMembers().map((member) => [member.id, member.displayName]));
  const actorName = (actor: TimelineEntry['actor']) =>
    actor.id.startsWith('system:')
      ? text.system
      : `${members.get(actor.id) ?? actor.id}${actor.role ? ` (${label(lang, 'role', actor.role)})` : ''}`;

  if (props.view.timeline.length === 0) return <p class="empty">{text.empty}</p>;
  return (
    <ol class="timeline">
      {props.view.timeline.map((entry) => {
        const name = entryName(entry, lang, text);
        return (
          <li
            key={entry.eventId}
            class={entry.voided ? 'voided' : undefined}
            data-type={entry.type}
            data-event-id={entry.eventId}
          >
            <h3 class="entry-title">
              {label(lang, 'eventType', entry.type)}{' '}
              {entry.voided && <span class="badge neutral">{text.voided}</span>}{' '}
              {entry.corrected && <span class="badge due">{text.corrected}</span>}
            </h3>
            <p class="entry-when">
              <time dateTime={entry.at}>{formatDateTime(entry.at, lang)}</time>
              <span class="muted">
                {' '}
                · {text.recorded} {formatDateTime(entry.recordedAt, lang)} {text.by} {actorName(entry.actor)}
              </span>
            </p>
            <Facts entry={entry} ctx={ctx} />
            {!entry.voided && (props.onCorrect || props.onVoid) && (
              <div class="row-actions entry-actions">
                {props.onCorrect && CORRECTABLE.has(entry.type) && (
                  <button type="button" class="link" onClick={() => props.onCorrect?.(entry)}>
                    {text.correct}
                    <span class="visually-hidden"> : {name}</span>
                  </button>
                )}
                {props.onVoid && VOIDABLE.has(entry.type) && (
                  <button type="button" class="link" onClick={() => props.onVoid?.(entry)}>
                    {text.void}
                    <span class="visually-hidden"> : {name}</span>
                  </button>
                )}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export { TEXT as TIMELINE_TEXT };
