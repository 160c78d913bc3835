/**
 * What can be done for a patient from their page, for the roles that record care (coordinators and
 * professionals): open a pathway, notify a hospital discharge, refer — each on one of the patient's open
 * pathways (the only one preselected), or on a pathway opened here for it. The médecin-traitant search and
 * the record's own forms stay in the coordinator's "Actions" card.
 */
import { useState } from 'preact/hooks';
import { post, tenant } from '../api';
import { formatDateTime } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href, navigate } from '../router';
import { CommandForm, DateTimeInput, Select, TextArea } from '../ui/forms';
import { Loaded, useQuery } from '../ui/page';
import { DischargeForm, ReferralForm } from './pathway-forms';
import type { PathwayView } from './pathway-timeline';

export const CARE_ACTIONS = ['open-pathway', 'discharge', 'referral'] as const;
export type CareAction = (typeof CARE_ACTIONS)[number];

interface OpenPathway {
  id: string;
  kind: string;
  status: string;
  openedAt: string;
}

const TEXT = {
  fr: {
    title: 'Soins',
    labels: {
      'open-pathway': 'Ouvrir un parcours…',
      discharge: 'Signaler une sortie d’hospitalisation…',
      referral: 'Adresser le patient…',
    } as Record<CareAction, string>,
    openTitle: 'Ouvrir un parcours pour ce patient',
    kind: 'Type de parcours',
    openedAt: 'Ouvert le',
    reason: 'Motif (facultatif)',
    open: 'Ouvrir le parcours',
    pathway: 'Parcours',
    noOpenPathway: 'Ce patient n’a pas de parcours ouvert : ouvrez-en un pour y enregistrer la sortie.',
    openForDischarge: 'Ouvrir un parcours « sortie d’hospitalisation »',
    openForReferral: 'Ouvrir un parcours pour y adresser le patient.',
    opening: 'Ouverture…',
    pathwayOption: (kind: string, opened: string) => `${kind} — ouvert le ${opened}`,
    close: 'Fermer',
  },
  en: {
    title: 'Care',
    labels: {
      'open-pathway': 'Open a pathway…',
      discharge: 'Notify a hospital discharge…',
      referral: 'Refer the patient…',
    } as Record<CareAction, string>,
    openTitle: 'Open a pathway for this patient',
    kind: 'Pathway kind',
    openedAt: 'Opened at',
    reason: 'Reason (optional)',
    open: 'Open the pathway',
    pathway: 'Pathway',
    noOpenPathway: 'This patient has no open pathway: open one to record the discharge on it.',
    openForDischarge: 'Open a “hospital discharge” pathway',
    openForReferral: 'Open a pathway to refer the patient on it.',
    opening: 'Opening…',
    pathwayOption: (kind: string, opened: string) => `${kind} — opened on ${opened}`,
    close: 'Close',
  },
};

function OpenPathwayHere(props: { patientId: string; kind?: string; onOpened?: () => void }) {
  const { patientId, kind } = props;
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      level={3}
      title={text.openTitle}
      submitLabel={text.open}
      fields={['kind', 'openedAt', 'reason']}
      submit={(values, key) =>
        post(
          tenant('/pathways'),
          {
            patientId,
            kind: values.required('kind'),
            openedAt: values.time('openedAt') ?? '',
            reason: values.text('reason'),
          },
          { idempotencyKey: key },
        )
      }
      onDone={(result) => (props.onOpened ? props.onOpened() : navigate(href(`/pathways/${result.id}`)))}
    >
      <Select
        name="kind"
        label={text.kind}
        required
        options={options(lang, 'pathwayKind')}
        defaultValue={kind}
      />
      <DateTimeInput name="openedAt" label={text.openedAt} required />
      <TextArea name="reason" label={text.reason} maxLength={1000} />
    </CommandForm>
  );
}

/** The discharge or referral form on a pathway of the patient's, chosen here. */
function OnPathway(props: {
  patientId: string;
  action: 'discharge' | 'referral';
  pathways: OpenPathway[];
  onOpened: () => void;
}) {
  const text = useText(TEXT);
  const lang = useLang();
  const open = props.pathways.filter((pathway) => pathway.status === 'open');
  const preferred =
    (props.action === 'discharge' && open.find((pathway) => pathway.kind === 'sortie-hospitalisation')) ||
    open[0];
  const [chosen, setChosen] = useState(preferred?.id ?? '');
  const view = useQuery<PathwayView>(chosen ? tenant(`/pathways/${encodeURIComponent(chosen)}`) : null);
  if (open.length === 0) {
    return (
      <>
        <p>{props.action === 'discharge' ? text.noOpenPathway : text.openForReferral}</p>
        <OpenPathwayHere
          patientId={props.patientId}
          kind={props.action === 'discharge' ? 'sortie-hospitalisation' : undefined}
          onOpened={props.onOpened}
        />
      </>
    );
  }
  const Form = props.action === 'discharge' ? DischargeForm : ReferralForm;
  return (
    <>
      <div class="field">
        <label for="care-pathway">{text.pathway}</label>
        <select id="care-pathway" value={chosen} onChange={(event) => setChosen(event.currentTarget.value)}>
          {open.map((pathway) => (
            <option key={pathway.id} value={pathway.id}>
              {text.pathwayOption(
                label(lang, 'pathwayKind', pathway.kind),
                formatDateTime(pathway.openedAt, lang),
              )}
            </option>
          ))}
        </select>
      </div>
      <Loaded query={view}>
        {(loaded) => (
          <Form key={loaded.id} view={loaded} onDone={() => navigate(href(`/pathways/${loaded.id}`))} />
        )}
      </Loaded>
    </>
  );
}

export function PatientCareActions(props: {
  patientId: string;
  pathways: OpenPathway[];
  action: CareAction | undefined;
  /** A pathway was opened here: the page reads the patient's pathways again. */
  onOpened: () => void;
}) {
  const text = useText(TEXT);
  const { patientId, action } = props;
  return (
    <section class="card" aria-labelledby="care-title">
      <h2 id="care-title">{text.title}</h2>
      <ul class="list-plain patient-actions">
        {CARE_ACTIONS.map((candidate) => (
          <li key={candidate}>
            <a
              href={href(`/patients/${patientId}`, { action: candidate })}
              aria-current={candidate === action ? 'true' : undefined}
            >
              {text.labels[candidate]}
            </a>
          </li>
        ))}
      </ul>
      {action === 'open-pathway' && <OpenPathwayHere patientId={patientId} />}
      {(action === 'discharge' || action === 'referral') && (
        <OnPathway
          key={`${action}-${props.pathways.map((pathway) => pathway.id).join()}`}
          patientId={patientId}
          action={action}
          pathways={props.pathways}
          onOpened={props.onOpened}
        />
      )}
      {action && (
        <p>
          <a href={href(`/patients/${patientId}`)}>{text.close}</a>
        </p>
      )}
    </section>
  );
}
