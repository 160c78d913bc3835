/**
 * The forms of the pathway page, one per command of `POST …/pathways/{id}/…`. Each sends `If-Match` with
 * the revision the user saw (a stale page gets the API's 412), names its inputs with the API's field
 * paths (errors come back next to them) and, once recorded, tells the page what was recorded.
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type CommandResult, post, tenant } from '../api';
import { formatDateTime, parisLocal } from '../format';
import { type Lang, useLang, useText } from '../i18n';
import { label, options } from '../labels';
import {
  Checkbox,
  CheckboxGroup,
  CommandForm,
  DateTimeInput,
  type FormValues,
  InputError,
  Select,
  TextArea,
  TextInput,
} from '../ui/forms';
import { MemberSelect } from '../ui/members';
import { loadSession } from '../session';
import { ErrorMessage, Loaded, Loading, useQuery } from '../ui/page';
import {
  BUSINESS_TIME_FIELD,
  dischargesOf,
  dischargeTitle,
  entryName,
  fieldLabel,
  type PathwayView,
  referralsOf,
  type ReferralStatus,
  TIMELINE_TEXT,
  type TimelineEntry,
} from './pathway-timeline';

const TEXT = {
  fr: {
    save: 'Enregistrer',
    optional: 'facultatif',
    // discharge
    discharge: 'Enregistrer une sortie d’hospitalisation',
    hospitalName: 'Établissement',
    finess: 'FINESS de l’établissement',
    finessHint: '9 chiffres.',
    ward: 'Service',
    admittedAt: 'Admission le',
    dischargeAt: 'Sortie le',
    dischargeAtHint: 'Peut être à venir quand la sortie est annoncée à l’avance.',
    notifiedAt: 'Notifiée à la CPTS le',
    treatmentChanged: 'Le traitement a été modifié',
    complex: 'Sortie complexe',
    needs: 'Besoins à la sortie',
    pharmacist: 'Pharmacien du patient',
    gp: 'Médecin généraliste du patient',
    saveDischarge: 'Enregistrer la sortie',
    // reconciliation
    reconciliation: 'Enregistrer une conciliation médicamenteuse',
    dischargeChoice: 'Sortie concernée',
    noDischarge: 'Aucune sortie n’est enregistrée dans ce parcours.',
    toPharmacist: 'Pharmacien destinataire',
    sentAt: 'Envoyée le',
    saveReconciliation: 'Enregistrer la conciliation',
    // follow-up
    followUp: 'Enregistrer un suivi',
    followUpDischarge: 'Sortie suivie',
    noneDischarge: 'Sans lien avec une sortie (ne clôt aucune étape de sortie)',
    chooseDischarge:
      'Choisissez la sortie que ce suivi concerne, ou indiquez qu’il est sans lien avec une sortie.',
    chooseDischargePlaceholder: '— choisir —',
    by: 'Réalisé par',
    at: 'Le',
    followUpKind: 'Type de suivi',
    saveFollowUp: 'Enregistrer le suivi',
    // referral
    referral: 'Adresser le patient',
    from: 'Adressé par',
    to: 'Adressé à (au moins une des trois indications)',
    toMember: 'Membre de la CPTS',
    toProfession: 'Profession',
    toStructure: 'Structure ou service',
    reason: 'Motif',
    urgency: 'Urgence',
    referredAt: 'Adressé le',
    channel: 'Canal',
    saveReferral: 'Enregistrer l’adressage',
    // referral answer
    referralAnswer: 'Enregistrer la réponse à un adressage',
    referralChoice: 'Adressage',
    noReferral: 'Aucun adressage n’attend de réponse dans ce parcours.',
    chooseReferral: 'Choisissez l’adressage.',
    referralStatus: { open: 'en attente de réponse', accepted: 'accepté' } as Record<string, string>,
    answer: 'Réponse',
    accept: 'Accepté',
    decline: 'Refusé',
    complete: 'Réalisé',
    acceptedAt: 'Accepté le',
    appointmentAt: 'Rendez-vous fixé au',
    declinedAt: 'Refusé le',
    declineReason: 'Motif du refus',
    completedAt: 'Réalisé le',
    saveAnswer: 'Enregistrer la réponse',
    // protocol
    protocol: 'Appliquer un protocole',
    protocolChoice: 'Protocole',
    noProtocol: 'Aucun protocole n’est en vigueur dans la CPTS.',
    version: (version: number, from: string) => `Version ${version}, en vigueur depuis le ${from}.`,
    appliedBy: 'Appliqué par',
    appliedByHint: 'Un adhérent du protocole (délégation signée) parmi les professions autorisées.',
    patientFacts: (sex: string, year: number, age: number) =>
      `Patient : ${sex.toLowerCase()}, né(e) en ${year} (${age - 1} ou ${age} ans) — l’âge et le sexe comptent pour l’éligibilité.`,
    appliedAt: 'Appliqué le',
    exclusions: 'Critères d’exclusion : cochez ceux que présente le patient',
    noExclusion: 'Ce protocole ne liste pas de critère d’exclusion.',
    eligible: 'Le patient est éligible',
    testKind: 'Test réalisé',
    testResult: 'Résultat du test',
    outcome: 'Issue',
    mtInformedAt: 'Médecin traitant informé le',
    mtHint:
      'Obligatoire pour une dispensation, sauf si le patient a refusé le partage avec son médecin traitant.',
    saveProtocol: 'Enregistrer l’application',
    // closure, reopening
    closure: 'Clore le parcours',
    closedAt: 'Clos le',
    closureOutcome: 'Issue du parcours',
    saveClosure: 'Clore le parcours',
    reopening: 'Rouvrir le parcours',
    reopenedAt: 'Rouvert le',
    reopenReason: 'Motif de la réouverture',
    saveReopening: 'Rouvrir le parcours',
    // correction, voiding
    correction: 'Corriger une entrée',
    correctionIntro: (entry: string) =>
      `Entrée à corriger : ${entry}. La correction s’ajoute à la chronologie ; l’entrée d’origine reste consultable.`,
    field: 'Champ à corriger',
    severalFields: 'Plusieurs champs (JSON)',
    newValue: (field: string) => `Nouvelle valeur : ${field}`,
    json: 'Champs corrigés (objet JSON)',
    jsonHint: (fields: string) =>
      `Seulement les champs à remplacer, par exemple { "ward": "Cardiologie" }. Champs possibles : ${fields}.`,
    jsonFieldHint: 'Valeur JSON complète de ce champ.',
    invalidJson: 'Ce n’est pas un objet JSON valide.',
    correctionReason: 'Motif de la correction',
    saveCorrection: 'Enregistrer la correction',
    voiding: 'Annuler une entrée',
    voidingIntro: (entry: string) =>
      `Entrée à annuler : ${entry}. Elle reste dans la chronologie, marquée annulée, et ne compte plus.`,
    voidReason: 'Motif de l’annulation',
    saveVoiding: 'Enregistrer l’annulation',
    yes: 'Oui',
    no: 'Non',
  },
  en: {
    save: 'Save',
    optional: 'optional',
    discharge: 'Record a hospital discharge',
    hospitalName: 'Hospital',
    finess: 'Hospital FINESS',
    finessHint: '9 digits.',
    ward: 'Ward',
    admittedAt: 'Admitted',
    dischargeAt: 'Discharged',
    dischargeAtHint: 'May lie ahead when the discharge is announced in advance.',
    notifiedAt: 'CPTS notified',
    treatmentChanged: 'The treatment was changed',
    complex: 'Complex discharge',
    needs: 'Needs at discharge',
    pharmacist: 'The patient’s pharmacist',
    gp: 'The patient’s general practitioner',
    saveDischarge: 'Record the discharge',
    reconciliation: 'Record a medication reconciliation',
    dischargeChoice: 'Discharge',
    noDischarge: 'No discharge is recorded in this pathway.',
    toPharmacist: 'Pharmacist it was sent to',
    sentAt: 'Sent',
    saveReconciliation: 'Record the reconciliation',
    followUp: 'Record a follow-up',
    followUpDischarge: 'Discharge followed up',
    noneDischarge: 'Not about a discharge (closes no discharge step)',
    chooseDischarge: 'Choose the discharge this follow-up is about, or say it is about none.',
    chooseDischargePlaceholder: '— choose —',
    by: 'Done by',
    at: 'At',
    followUpKind: 'Kind of follow-up',
    saveFollowUp: 'Record the follow-up',
    referral: 'Refer the patient',
    from: 'Referred by',
    to: 'Referred to (at least one of the three)',
    toMember: 'CPTS member',
    toProfession: 'Profession',
    toStructure: 'Structure or ward',
    reason: 'Reason',
    urgency: 'Urgency',
    referredAt: 'Referred',
    channel: 'Channel',
    saveReferral: 'Record the referral',
    referralAnswer: 'Record the answer to a referral',
    referralChoice: 'Referral',
    noReferral: 'No referral awaits an answer in this pathway.',
    chooseReferral: 'Choose the referral.',
    referralStatus: { open: 'awaiting an answer', accepted: 'accepted' } as Record<string, string>,
    answer: 'Answer',
    accept: 'Accepted',
    decline: 'Declined',
    complete: 'Completed',
    acceptedAt: 'Accepted',
    appointmentAt: 'Appointment on',
    declinedAt: 'Declined',
    declineReason: 'Reason for declining',
    completedAt: 'Completed',
    saveAnswer: 'Record the answer',
    protocol: 'Apply a protocol',
    protocolChoice: 'Protocol',
    noProtocol: 'No protocol is in force in the CPTS.',
    version: (version: number, from: string) => `Version ${version}, in force since ${from}.`,
    appliedBy: 'Applied by',
    appliedByHint: 'An adherent of the protocol (signed delegation) among the allowed professions.',
    patientFacts: (sex: string, year: number, age: number) =>
      `Patient: ${sex.toLowerCase()}, born in ${year} (${age - 1} or ${age} years old) — age and sex count for eligibility.`,
    appliedAt: 'Applied',
    exclusions: 'Exclusion criteria: tick those the patient presents',
    noExclusion: 'This protocol lists no exclusion criterion.',
    eligible: 'The patient is eligible',
    testKind: 'Test done',
    testResult: 'Test result',
    outcome: 'Outcome',
    mtInformedAt: 'Médecin traitant informed',
    mtHint: 'Required for a dispensing, unless the patient refused sharing with their médecin traitant.',
    saveProtocol: 'Record the application',
    closure: 'Close the pathway',
    closedAt: 'Closed',
    closureOutcome: 'Outcome of the pathway',
    saveClosure: 'Close the pathway',
    reopening: 'Reopen the pathway',
    reopenedAt: 'Reopened',
    reopenReason: 'Reason for reopening',
    saveReopening: 'Reopen the pathway',
    correction: 'Correct an entry',
    correctionIntro: (entry: string) =>
      `Entry to correct: ${entry}. The correction is added to the timeline; the original entry stays readable.`,
    field: 'Field to correct',
    severalFields: 'Several fields (JSON)',
    newValue: (field: string) => `New value: ${field}`,
    json: 'Corrected fields (JSON object)',
    jsonHint: (fields: string) =>
      `Only the fields to replace, e.g. { "ward": "Cardiology" }. Possible fields: ${fields}.`,
    jsonFieldHint: 'The whole JSON value of this field.',
    invalidJson: 'This is not a valid JSON object.',
    correctionReason: 'Reason for the correction',
    saveCorrection: 'Record the correction',
    voiding: 'Void an entry',
    voidingIntro: (entry: string) =>
      `Entry to void: ${entry}. It stays in the timeline, marked voided, and no longer counts.`,
    voidReason: 'Reason for voiding',
    saveVoiding: 'Record the voiding',
    yes: 'Yes',
    no: 'No',
  },
};

export interface PathwayFormProps {
  view: PathwayView;
  /** The timeline entry the form is about: a discharge, a referral, the entry to correct or void. */
  entry?: TimelineEntry;
  /** Recorded: the type of the event recorded. */
  onDone: (type: string) => void;
  /** Under the form's heading (e.g. a "close" button). */
  intro?: ComponentChildren;
}

/** A pathway command, conditional on the revision the page shows. */
function send(view: PathwayView, path: string, body: unknown, key: string): Promise<CommandResult> {
  return post(tenant(`/pathways/${encodeURIComponent(view.id)}${path}`), body, {
    idempotencyKey: key,
    ifMatch: view.revision,
  });
}

/** A required time: sent even when empty so that the API names the field. */
const time = (values: FormValues, name: string) => values.time(name) ?? '';

const done = (props: PathwayFormProps, type: string) => () => props.onDone(type);

// ---- discharge ------------------------------------------------------------------------------------------

export function DischargeForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.discharge}
      intro={props.intro}
      submitLabel={text.saveDischarge}
      fields={[
        'hospital',
        'ward',
        'admittedAt',
        'dischargeAt',
        'notifiedAt',
        'treatmentChanged',
        'complex',
        'needs',
        'pharmacistMemberId',
        'gpMemberId',
      ]}
      submit={(values, key) =>
        send(
          props.view,
          '/discharges',
          {
            hospital: { name: values.required('hospital.name'), finess: values.text('hospital.finess') },
            ward: values.text('ward'),
            admittedAt: values.time('admittedAt'),
            dischargeAt: time(values, 'dischargeAt'),
            notifiedAt: time(values, 'notifiedAt'),
            treatmentChanged: values.bool('treatmentChanged'),
            complex: values.bool('complex'),
            needs: values.all('needs'),
            pharmacistMemberId: values.text('pharmacistMemberId'),
            gpMemberId: values.text('gpMemberId'),
          },
          key,
        )
      }
      onDone={done(props, 'DischargeNotified')}
    >
      <div class="form-row">
        <TextInput name="hospital.name" label={text.hospitalName} required maxLength={200} />
        <TextInput name="hospital.finess" label={text.finess} hint={text.finessHint} maxLength={9} />
      </div>
      <TextInput name="ward" label={text.ward} maxLength={200} />
      <div class="form-row">
        <DateTimeInput name="admittedAt" label={text.admittedAt} defaultValue={null} />
        <DateTimeInput name="dischargeAt" label={text.dischargeAt} hint={text.dischargeAtHint} required />
        <DateTimeInput name="notifiedAt" label={text.notifiedAt} required />
      </div>
      <Checkbox name="treatmentChanged" label={text.treatmentChanged} />
      <Checkbox name="complex" label={text.complex} />
      <CheckboxGroup name="needs" label={text.needs} options={options(lang, 'dischargeNeed')} />
      <div class="form-row">
        <MemberSelect
          name="pharmacistMemberId"
          label={text.pharmacist}
          professions={['pharmacien']}
          dateField="dischargeAt"
        />
        <MemberSelect
          name="gpMemberId"
          label={text.gp}
          professions={['medecin-generaliste']}
          dateField="dischargeAt"
        />
      </div>
    </CommandForm>
  );
}

// ---- medication reconciliation, follow-up ---------------------------------------------------------------

function dischargeChoices(view: PathwayView, lang: Lang): Array<[string, string]> {
  return dischargesOf(view).map((entry) => [String(entry.data.dischargeId), dischargeTitle(entry, lang)]);
}

const dischargeIdOf = (entry: TimelineEntry | undefined) =>
  entry?.type === 'DischargeNotified' && typeof entry.data.dischargeId === 'string'
    ? entry.data.dischargeId
    : undefined;

export function ReconciliationForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const choices = dischargeChoices(props.view, lang);
  const [dischargeId, setDischargeId] = useState(
    dischargeIdOf(props.entry) ?? (choices.length === 1 ? choices[0]?.[0] : undefined),
  );
  const discharge = dischargesOf(props.view).find((entry) => entry.data.dischargeId === dischargeId);
  const pharmacist = discharge?.data.pharmacistMemberId;
  if (choices.length === 0)
    return <Unavailable title={text.reconciliation} intro={props.intro} message={text.noDischarge} />;
  return (
    <CommandForm
      title={text.reconciliation}
      intro={props.intro}
      submitLabel={text.saveReconciliation}
      fields={['dischargeId', 'toMemberId', 'sentAt']}
      submit={(values, key) =>
        send(
          props.view,
          '/medication-reconciliations',
          {
            dischargeId: values.required('dischargeId'),
            toMemberId: values.required('toMemberId'),
            sentAt: time(values, 'sentAt'),
          },
          key,
        )
      }
      onDone={done(props, 'MedicationReconciliationSent')}
    >
      <Select
        name="dischargeId"
        label={text.dischargeChoice}
        required
        options={choices}
        defaultValue={dischargeId}
        placeholder="—"
        onChange={(value) => setDischargeId(value || undefined)}
      />
      <MemberSelect
        key={dischargeId ?? ''}
        name="toMemberId"
        label={text.toPharmacist}
        professions={['pharmacien']}
        dateField="sentAt"
        required
        defaultValue={typeof pharmacist === 'string' ? pharmacist : undefined}
      />
      <DateTimeInput name="sentAt" label={text.sentAt} required />
    </CommandForm>
  );
}

/** The follow-up's explicit "not about a discharge" choice (never the default on a pathway with one). */
const NO_DISCHARGE = 'none';

export function FollowUpForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const discharges = dischargeChoices(props.view, lang);
  // Bound to a discharge when the pathway has any: the one the page came from, or the only one; else the
  // user chooses, and "none" is a choice to state, not a default that silently counts for nothing.
  const preset = dischargeIdOf(props.entry) ?? (discharges.length === 1 ? discharges[0][0] : undefined);
  return (
    <CommandForm
      title={text.followUp}
      intro={props.intro}
      submitLabel={text.saveFollowUp}
      fields={['dischargeId', 'byMemberId', 'at', 'kind']}
      submit={(values, key) => {
        const chosen = values.text('dischargeId');
        if (discharges.length > 0 && !chosen) throw new InputError('dischargeId', text.chooseDischarge);
        return send(
          props.view,
          '/follow-ups',
          {
            dischargeId: chosen === NO_DISCHARGE ? undefined : chosen,
            byMemberId: values.required('byMemberId'),
            at: time(values, 'at'),
            kind: values.required('kind'),
          },
          key,
        );
      }}
      onDone={done(props, 'FollowUpCompleted')}
    >
      {discharges.length > 0 && (
        <Select
          name="dischargeId"
          label={text.followUpDischarge}
          required
          options={[...discharges, [NO_DISCHARGE, text.noneDischarge]]}
          defaultValue={preset}
          placeholder={text.chooseDischargePlaceholder}
        />
      )}
      <MemberSelect
        name="byMemberId"
        label={text.by}
        required
        defaultValue={loadSession()?.sub}
        dateField="at"
      />
      <DateTimeInput name="at" label={text.at} required />
      <Select name="kind" label={text.followUpKind} required options={options(lang, 'followUpKind')} />
    </CommandForm>
  );
}

// ---- referral and its answers -----------------------------------------------------------------------------

export function ReferralForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  // The profession chosen narrows the members offered; the member stays optional.
  const [profession, setProfession] = useState<string | undefined>(undefined);
  const me = loadSession()?.sub;
  return (
    <CommandForm
      title={text.referral}
      intro={props.intro}
      submitLabel={text.saveReferral}
      fields={[
        'fromMemberId',
        'to.memberId',
        'to.profession',
        'to.structure',
        'reason',
        'urgency',
        'referredAt',
        'channel',
      ]}
      submit={(values, key) =>
        send(
          props.view,
          '/referrals',
          {
            fromMemberId: values.required('fromMemberId'),
            to: {
              memberId: values.text('to.memberId'),
              profession: values.text('to.profession'),
              structure: values.text('to.structure'),
            },
            reason: values.required('reason'),
            urgency: values.required('urgency'),
            referredAt: time(values, 'referredAt'),
            channel: values.text('channel'),
          },
          key,
        )
      }
      onDone={done(props, 'PatientReferred')}
    >
      <MemberSelect name="fromMemberId" label={text.from} required defaultValue={me} dateField="referredAt" />
      <fieldset>
        <legend>{text.to}</legend>
        <Select
          name="to.profession"
          label={text.toProfession}
          options={options(lang, 'profession')}
          placeholder="—"
          onChange={(value) => setProfession(value || undefined)}
        />
        <MemberSelect
          name="to.memberId"
          label={text.toMember}
          professions={profession ? [profession] : undefined}
          dateField="referredAt"
        />
        <TextInput name="to.structure" label={text.toStructure} maxLength={200} />
      </fieldset>
      <TextArea name="reason" label={text.reason} required maxLength={1000} />
      <div class="form-row">
        <Select name="urgency" label={text.urgency} required options={options(lang, 'urgency')} />
        <DateTimeInput name="referredAt" label={text.referredAt} required />
        <Select
          name="channel"
          label={text.channel}
          options={options(lang, 'referralChannel')}
          placeholder="—"
        />
      </div>
    </CommandForm>
  );
}

type Answer = 'accept' | 'decline' | 'complete';
const ANSWERS: Record<'open' | 'accepted', Answer[]> = {
  open: ['accept', 'decline'],
  accepted: ['complete'],
};
const ANSWER_PATH: Record<Answer, string> = {
  accept: 'acceptance',
  decline: 'decline',
  complete: 'completion',
};
const ANSWER_TYPE: Record<Answer, string> = {
  accept: 'ReferralAccepted',
  decline: 'ReferralDeclined',
  complete: 'ReferralCompleted',
};

function referralTitle(entry: TimelineEntry, status: ReferralStatus, lang: Lang, text: (typeof TEXT)['fr']) {
  const to = (entry.data.to ?? {}) as { profession?: string; structure?: string };
  const towards = to.profession ? label(lang, 'profession', to.profession) : (to.structure ?? '');
  const urgency = label(lang, 'urgency', typeof entry.data.urgency === 'string' ? entry.data.urgency : null);
  return `${formatDateTime(entry.at, lang)}${towards ? ` → ${towards}` : ''} (${urgency}, ${text.referralStatus[status] ?? status})`;
}

export function ReferralAnswerForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  const answerable = referralsOf(props.view).filter(
    ({ status }) => status === 'open' || status === 'accepted',
  );
  const fromEntry =
    props.entry?.type === 'PatientReferred' && typeof props.entry.data.referralId === 'string'
      ? props.entry.data.referralId
      : undefined;
  const [referralId, setReferralId] = useState<string | undefined>(
    fromEntry ?? (answerable.length === 1 ? String(answerable[0]?.entry.data.referralId) : undefined),
  );
  const chosen = answerable.find(({ entry }) => entry.data.referralId === referralId);
  const possible = chosen ? ANSWERS[chosen.status as 'open' | 'accepted'] : [];
  const [answer, setAnswer] = useState<Answer | undefined>(possible[0]);
  const current = answer && possible.includes(answer) ? answer : possible[0];
  if (answerable.length === 0)
    return <Unavailable title={text.referralAnswer} intro={props.intro} message={text.noReferral} />;

  const submit = (values: FormValues, key: string) => {
    const id = values.text('referralId');
    if (!id || !current) throw new InputError('referralId', text.chooseReferral);
    const path = `/referrals/${encodeURIComponent(id)}/${ANSWER_PATH[current]}`;
    const body =
      current === 'accept'
        ? { acceptedAt: time(values, 'acceptedAt'), appointmentAt: values.time('appointmentAt') }
        : current === 'decline'
          ? { declinedAt: time(values, 'declinedAt'), reason: values.required('reason') }
          : { completedAt: time(values, 'completedAt') };
    return send(props.view, path, body, key);
  };

  return (
    <CommandForm
      title={text.referralAnswer}
      intro={props.intro}
      submitLabel={text.saveAnswer}
      fields={['referralId', 'acceptedAt', 'appointmentAt', 'declinedAt', 'reason', 'completedAt']}
      submit={submit}
      onDone={() =>
        props.onDone(label(lang, 'eventType', current ? ANSWER_TYPE[current] : 'PatientReferred'))
      }
    >
      <Select
        name="referralId"
        label={text.referralChoice}
        required
        options={answerable.map(({ entry, status }) => [
          String(entry.data.referralId),
          referralTitle(entry, status, lang, text),
        ])}
        defaultValue={referralId}
        placeholder="—"
        onChange={(value) => setReferralId(value || undefined)}
      />
      {chosen && (
        <>
          <Select
            key={referralId}
            name="answer"
            label={text.answer}
            required
            options={possible.map((value) => [value, text[value]])}
            defaultValue={current}
            onChange={(value) => setAnswer(value as Answer)}
          />
          {current === 'accept' && (
            <div class="form-row">
              <DateTimeInput name="acceptedAt" label={text.acceptedAt} required />
              <DateTimeInput name="appointmentAt" label={text.appointmentAt} defaultValue={null} />
            </div>
          )}
          {current === 'decline' && (
            <>
              <DateTimeInput name="declinedAt" label={text.declinedAt} required />
              <TextArea name="reason" label={text.declineReason} required maxLength={1000} />
            </>
          )}
          {current === 'complete' && <DateTimeInput name="completedAt" label={text.completedAt} required />}
        </>
      )}
    </CommandForm>
  );
}

// ---- protocol application ---------------------------------------------------------------------------

interface ProtocolVersion {
  code: string;
  version: number;
  title: string;
  kind: string;
  professions: string[];
  requiresMtInformation: boolean;
  eligibility: { exclusions: Array<{ code: string; label: string }> };
  tests: string[];
  effectiveFrom: string;
}

interface Protocol {
  code: string;
  title: string;
  kind: string;
  inForce: ProtocolVersion | null;
}

export function ProtocolForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const protocols = useQuery<{ items: Protocol[] }>(tenant('/protocols'));
  return (
    <Loaded query={protocols}>
      {({ items }) => {
        const inForce = items.filter((protocol) => protocol.inForce !== null);
        return inForce.length === 0 ? (
          <Unavailable title={text.protocol} intro={props.intro} message={text.noProtocol} />
        ) : (
          <ProtocolApplication {...props} protocols={inForce} />
        );
      }}
    </Loaded>
  );
}

/** What eligibility depends on, known without the identity: the patient's sex and birth year. */
function PatientFacts({ patientId }: { patientId: string }) {
  const text = useText(TEXT);
  const lang = useLang();
  const summary = useQuery<{ sex: string; birthYear: number }>(
    tenant(`/patients/${encodeURIComponent(patientId)}/summary`),
  );
  if (!summary.data) return null;
  const { sex, birthYear } = summary.data;
  const age = new Date().getFullYear() - birthYear;
  return (
    <p class="patient-facts" data-testid="patient-facts">
      {text.patientFacts(label(lang, 'sex', sex), birthYear, age)}
    </p>
  );
}

function ProtocolApplication(props: PathwayFormProps & { protocols: Protocol[] }) {
  const text = useText(TEXT);
  const lang = useLang();
  const [code, setCode] = useState(props.protocols.length === 1 ? props.protocols[0]?.code : undefined);
  const protocol = props.protocols.find((candidate) => candidate.code === code);
  const version = protocol?.inForce ?? undefined;
  // A cooperation protocol is applied by its adherents only: the picker offers them alone.
  const detail = useQuery<{ adherents: Array<{ memberId: string }> }>(
    protocol?.kind === 'cooperation-nationale'
      ? tenant(`/protocols/${encodeURIComponent(protocol.code)}`)
      : null,
  );
  const adherents = detail.data?.adherents.map((adherent) => adherent.memberId);
  // Until the adherents are known, nobody is offered (not every member of the professions for a moment).
  const waitingForAdherents = protocol?.kind === 'cooperation-nationale' && adherents === undefined;
  const me = loadSession()?.sub;

  const submit = (values: FormValues, key: string) => {
    const testKind = values.text('test.kind');
    const testResult = values.text('test.result');
    return send(
      props.view,
      '/protocol-applications',
      {
        protocolCode: values.required('protocolCode'),
        protocolVersion: version?.version ?? 0,
        byMemberId: values.required('byMemberId'),
        appliedAt: time(values, 'appliedAt'),
        eligibility: {
          eligible: values.bool('eligibility.eligible'),
          answers: Object.fromEntries(
            (version?.eligibility.exclusions ?? []).map(({ code: question }) => [
              question,
              values.bool(`eligibility.answers.${question}`),
            ]),
          ),
        },
        test: testKind || testResult ? { kind: testKind ?? '', result: testResult ?? '' } : undefined,
        outcome: values.required('outcome'),
        mtInformedAt: values.time('mtInformedAt'),
      },
      key,
    );
  };

  return (
    <CommandForm
      title={text.protocol}
      intro={props.intro}
      submitLabel={text.saveProtocol}
      fields={['protocolCode', 'byMemberId', 'appliedAt', 'eligibility', 'test', 'outcome', 'mtInformedAt']}
      submit={submit}
      onDone={done(props, 'ProtocolApplied')}
    >
      <Select
        name="protocolCode"
        label={text.protocolChoice}
        required
        options={props.protocols.map((protocol) => [protocol.code, protocol.title])}
        defaultValue={code}
        placeholder="—"
        onChange={(value) => setCode(value || undefined)}
      />
      {version && (
        <div key={code}>
          <p class="hint">{text.version(version.version, formatDateTime(version.effectiveFrom, lang))}</p>
          <PatientFacts patientId={props.view.patientId} />
          {waitingForAdherents ? (
            detail.error ? (
              <ErrorMessage error={detail.error} />
            ) : (
              <Loading />
            )
          ) : (
            <MemberSelect
              key={adherents ? 'adherents' : 'all'}
              name="byMemberId"
              label={text.appliedBy}
              hint={text.appliedByHint}
              professions={version.professions}
              only={adherents}
              defaultValue={me}
              dateField="appliedAt"
              required
            />
          )}
          <DateTimeInput name="appliedAt" label={text.appliedAt} required />
          <fieldset class="eligibility">
            <legend>{text.exclusions}</legend>
            {version.eligibility.exclusions.length === 0 && <p class="muted">{text.noExclusion}</p>}
            {version.eligibility.exclusions.map((exclusion) => (
              <Checkbox
                key={exclusion.code}
                name={`eligibility.answers.${exclusion.code}`}
                label={exclusion.label}
              />
            ))}
          </fieldset>
          <Checkbox name="eligibility.eligible" label={text.eligible} />
          {version.tests.length > 0 && (
            <div class="form-row">
              <Select
                name="test.kind"
                label={text.testKind}
                options={version.tests.map((test) => [test, test])}
                placeholder="—"
              />
              <Select
                name="test.result"
                label={text.testResult}
                options={options(lang, 'testResult')}
                placeholder="—"
              />
            </div>
          )}
          <Select name="outcome" label={text.outcome} required options={options(lang, 'protocolOutcome')} />
          <DateTimeInput
            name="mtInformedAt"
            label={text.mtInformedAt}
            hint={version.requiresMtInformation ? text.mtHint : undefined}
            defaultValue={null}
          />
        </div>
      )}
    </CommandForm>
  );
}

// ---- closure, reopening ---------------------------------------------------------------------------------

export function ClosureForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.closure}
      intro={props.intro}
      submitLabel={text.saveClosure}
      fields={['closedAt', 'outcome']}
      submit={(values, key) =>
        send(
          props.view,
          '/closure',
          { closedAt: time(values, 'closedAt'), outcome: values.required('outcome') },
          key,
        )
      }
      onDone={done(props, 'PathwayClosed')}
    >
      <DateTimeInput name="closedAt" label={text.closedAt} required />
      <Select name="outcome" label={text.closureOutcome} required options={options(lang, 'closureOutcome')} />
    </CommandForm>
  );
}

export function ReopeningForm(props: PathwayFormProps) {
  const text = useText(TEXT);
  return (
    <CommandForm
      title={text.reopening}
      intro={props.intro}
      submitLabel={text.saveReopening}
      fields={['reopenedAt', 'reason']}
      submit={(values, key) =>
        send(
          props.view,
          '/reopening',
          { reopenedAt: time(values, 'reopenedAt'), reason: values.required('reason') },
          key,
        )
      }
      onDone={done(props, 'PathwayReopened')}
    >
      <DateTimeInput name="reopenedAt" label={text.reopenedAt} required />
      <TextArea name="reason" label={text.reopenReason} required maxLength={1000} />
    </CommandForm>
  );
}

// ---- correction, voiding ----------------------------------------------------------------------------------

/** Fields that tie an entry to other records: the API refuses to correct them. */
const UNCORRECTABLE = new Set(['patientId', 'referralId', 'dischargeId', 'applicationId', 'protocolCode']);

/** Optional fields an entry may lack, which a correction may add. */
const OPTIONAL_FIELDS: Record<string, string[]> = {
  PathwayOpened: ['reason'],
  PatientReferred: ['channel'],
  ReferralAccepted: ['appointmentAt'],
  DischargeNotified: ['ward', 'admittedAt', 'pharmacistMemberId', 'gpMemberId'],
  FollowUpCompleted: ['dischargeId'],
  ProtocolApplied: ['test', 'mtInformedAt'],
};

const MEMBER_PROFESSIONS: Record<string, string[] | undefined> = {
  pharmacistMemberId: ['pharmacien'],
  toMemberId: ['pharmacien'],
  gpMemberId: ['medecin-generaliste'],
};

/** The fields of an entry a correction may replace, in the entry's order. */
export function correctableFields(entry: TimelineEntry): string[] {
  const present = Object.keys(entry.data);
  const optional = (OPTIONAL_FIELDS[entry.type] ?? []).filter((field) => !present.includes(field));
  return [...present, ...optional].filter((field) => !UNCORRECTABLE.has(field));
}

type Editor = 'member' | 'time' | 'boolean' | 'choice' | 'needs' | 'number' | 'json' | 'text' | 'long-text';

function editorOf(entry: TimelineEntry, field: string): Editor {
  const value = entry.data[field];
  if (field.endsWith('MemberId')) return 'member';
  if (field.endsWith('At')) return 'time';
  if (typeof value === 'boolean' || field === 'treatmentChanged' || field === 'complex') return 'boolean';
  if (['kind', 'urgency', 'channel', 'outcome'].includes(field)) return 'choice';
  if (field === 'needs') return 'needs';
  if (field === 'protocolVersion') return 'number';
  if (field === 'reason') return 'long-text';
  if (
    (value !== undefined && typeof value === 'object') ||
    ['test', 'hospital', 'to', 'eligibility'].includes(field)
  )
    return 'json';
  return 'text';
}

function choicesOf(entry: TimelineEntry, field: string, lang: Lang): Array<[string, string]> {
  switch (field) {
    case 'kind':
      return options(lang, entry.type === 'FollowUpCompleted' ? 'followUpKind' : 'pathwayKind');
    case 'urgency':
      return options(lang, 'urgency');
    case 'channel':
      return options(lang, 'referralChannel');
    default:
      return options(lang, 'protocolOutcome');
  }
}

/** The input for the new value of one field, named `correction.<field>`. */
function ValueInput({ entry, field }: { entry: TimelineEntry; field: string }) {
  const text = useText(TEXT);
  const lang = useLang();
  const timelineText = useText(TIMELINE_TEXT);
  const name = `correction.${field}`;
  const inputLabel = text.newValue(fieldLabel(field, timelineText));
  const value = entry.data[field];
  const asText = typeof value === 'string' ? value : undefined;
  switch (editorOf(entry, field)) {
    case 'member':
      return (
        <MemberSelect
          name={name}
          label={inputLabel}
          professions={MEMBER_PROFESSIONS[field]}
          required
          defaultValue={asText}
        />
      );
    case 'time':
      return (
        <DateTimeInput
          name={name}
          label={inputLabel}
          required
          defaultValue={asText ? parisLocal(asText) : undefined}
        />
      );
    case 'boolean':
      return (
        <Select
          name={name}
          label={inputLabel}
          required
          options={[
            ['true', text.yes],
            ['false', text.no],
          ]}
          defaultValue={typeof value === 'boolean' ? String(value) : undefined}
        />
      );
    case 'choice':
      return (
        <Select
          name={name}
          label={inputLabel}
          required
          options={choicesOf(entry, field, lang)}
          defaultValue={asText}
        />
      );
    case 'needs':
      return (
        <CheckboxGroup
          name={name}
          label={inputLabel}
          options={options(lang, 'dischargeNeed')}
          defaultValues={Array.isArray(value) ? value.map(String) : []}
        />
      );
    case 'number':
      return (
        <TextInput
          name={name}
          label={inputLabel}
          type="number"
          required
          min={1}
          defaultValue={typeof value === 'number' ? String(value) : undefined}
        />
      );
    case 'json':
      return (
        <TextArea
          name={name}
          label={inputLabel}
          hint={text.jsonFieldHint}
          required
          rows={5}
          defaultValue={value === undefined ? '' : JSON.stringify(value, null, 2)}
        />
      );
    case 'long-text':
      return <TextArea name={name} label={inputLabel} required maxLength={1000} defaultValue={asText} />;
    default:
      return <TextInput name={name} label={inputLabel} required defaultValue={asText} />;
  }
}

const SEVERAL = '*';

/** The new value of `field` as the API wants it. */
function readValue(values: FormValues, entry: TimelineEntry, field: string, invalidJson: string): unknown {
  const name = `correction.${field}`;
  switch (editorOf(entry, field)) {
    case 'time':
      return time(values, name);
    case 'boolean':
      return values.text(name) === undefined ? undefined : values.text(name) === 'true';
    case 'needs':
      return values.all(name);
    case 'number':
      return values.number(name);
    case 'json':
      try {
        return JSON.parse(values.required(name)) as unknown;
      } catch {
        throw new InputError(name, invalidJson);
      }
    default:
      return values.required(name);
  }
}

export function CorrectionForm(props: PathwayFormProps & { entry: TimelineEntry }) {
  const text = useText(TEXT);
  const lang = useLang();
  const timelineText = useText(TIMELINE_TEXT);
  const { entry } = props;
  const fields = correctableFields(entry);
  // The business time is the usual mistake: offer it first.
  const businessField = BUSINESS_TIME_FIELD[entry.type];
  const [field, setField] = useState(
    businessField && fields.includes(businessField) ? businessField : fields[0],
  );

  const submit = (values: FormValues, key: string) => {
    let correction: unknown;
    if (field === SEVERAL) {
      try {
        correction = JSON.parse(values.required('correction'));
      } catch {
        throw new InputError('correction', text.invalidJson);
      }
      if (typeof correction !== 'object' || correction === null || Array.isArray(correction)) {
        throw new InputError('correction', text.invalidJson);
      }
    } else if (field) {
      correction = { [field]: readValue(values, entry, field, text.invalidJson) };
    }
    return send(
      props.view,
      '/corrections',
      { targetEventId: entry.eventId, reason: values.required('reason'), correction: correction ?? {} },
      key,
    );
  };

  return (
    <CommandForm
      title={text.correction}
      intro={
        <>
          {props.intro}
          <p>{text.correctionIntro(entryName(entry, lang))}</p>
        </>
      }
      submitLabel={text.saveCorrection}
      fields={['correction', 'reason']}
      submit={submit}
      onDone={done(props, 'EntryCorrected')}
    >
      <Select
        name="field"
        label={text.field}
        required
        options={[
          ...fields.map((name): [string, string] => [name, fieldLabel(name, timelineText)]),
          [SEVERAL, text.severalFields],
        ]}
        defaultValue={field}
        onChange={(value) => setField(value)}
      />
      {field === SEVERAL ? (
        <TextArea
          key={SEVERAL}
          name="correction"
          label={text.json}
          hint={text.jsonHint(fields.join(', '))}
          required
          rows={5}
          defaultValue="{}"
        />
      ) : (
        field && <ValueInput key={field} entry={entry} field={field} />
      )}
      <TextArea name="reason" label={text.correctionReason} required maxLength={1000} />
    </CommandForm>
  );
}

export function VoidingForm(props: PathwayFormProps & { entry: TimelineEntry }) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.voiding}
      intro={
        <>
          {props.intro}
          <p>{text.voidingIntro(entryName(props.entry, lang))}</p>
        </>
      }
      submitLabel={text.saveVoiding}
      fields={['reason']}
      submit={(values, key) =>
        send(
          props.view,
          '/voidings',
          { targetEventId: props.entry.eventId, reason: values.required('reason') },
          key,
        )
      }
      onDone={done(props, 'EntryVoided')}
    >
      <TextArea name="reason" label={text.voidReason} required maxLength={1000} />
    </CommandForm>
  );
}

// ---- shared -----------------------------------------------------------------------------------------------

/** A form that cannot be filled here (nothing to answer, no discharge…): its heading and why. */
function Unavailable(props: { title: string; message: string; intro?: ComponentChildren }) {
  return (
    <section class="card form" aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.intro}
      <p class="empty">{props.message}</p>
    </section>
  );
}

/**
 * `<select defaultValue>` does not reach the DOM (a select has no such property: Preact leaves a
 * `defaultvalue` attribute and the browser shows the first option), so the `defaultValue` of `Select` and
 * `MemberSelect` would be lost — the pre-filled discharge, the current value of a corrected field. This
 * applies the attribute once per select element under `ref` (again when a select is re-created, e.g.
 * once the member list arrives), never over what the user chose. Harmless once `ui/forms.tsx` selects
 * the option itself.
 */
export function useSelectDefaults(ref: RefObject<HTMLElement>): void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const applied = new WeakMap<HTMLSelectElement, string>();
    const apply = () => {
      for (const select of root.querySelectorAll<HTMLSelectElement>('select[defaultvalue]')) {
        const value = select.getAttribute('defaultvalue') ?? '';
        if (applied.get(select) === value) continue;
        if (!Array.from(select.options).some((option) => option.value === value)) continue;
        applied.set(select, value);
        select.value = value;
      }
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['defaultvalue'],
    });
    return () => observer.disconnect();
  }, []);
}
