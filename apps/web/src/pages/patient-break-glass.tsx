/**
 * Emergency access ("bris de glace", `POST …/patients/{id}/break-glass`): a professional outside the
 * patient's care circle, who gets "not found", may open the record for 4 hours for a purpose they choose.
 * The coordinators are told and it is in the access log; the form says so before anything is sent.
 */
import { post, tenant, type CommandResult } from '../api';
import { useLang, useText } from '../i18n';
import { options } from '../labels';
import { Checkbox, CommandForm, InputError, Select } from '../ui/forms';

const TEXT = {
  fr: {
    title: 'Accès d’urgence (bris de glace)',
    intro:
      'Ce patient ne fait pas partie de votre cercle de soins. En cas d’urgence, vous pouvez ouvrir son dossier pour 4 heures : la coordination de la CPTS en est informée et l’accès est inscrit au journal des accès.',
    purpose: 'Motif',
    confirm: 'Je confirme que la situation le justifie',
    mustConfirm: 'Confirmez que la situation le justifie.',
    open: 'Ouvrir le dossier',
  },
  en: {
    title: 'Emergency access (break-glass)',
    intro:
      'This patient is not in your care circle. In an emergency you may open their record for 4 hours: the CPTS’s coordinators are told and the access is written to the access log.',
    purpose: 'Purpose',
    confirm: 'I confirm the situation requires it',
    mustConfirm: 'Confirm the situation requires it.',
    open: 'Open the record',
  },
};

export function BreakGlassCard(props: { patientId: string; onOpened: () => void }) {
  const text = useText(TEXT);
  const lang = useLang();
  return (
    <CommandForm
      title={text.title}
      intro={<p>{text.intro}</p>}
      class="danger-zone"
      submitLabel={text.open}
      fields={['purpose', 'confirm']}
      submit={(values) => {
        if (!values.bool('confirm')) return Promise.reject(new InputError('confirm', text.mustConfirm));
        return post<CommandResult>(tenant(`/patients/${encodeURIComponent(props.patientId)}/break-glass`), {
          purpose: values.required('purpose'),
        });
      }}
      onDone={props.onOpened}
    >
      <Select name="purpose" label={text.purpose} required options={options(lang, 'breakGlassPurpose')} />
      <Checkbox name="confirm" label={text.confirm} required />
    </CommandForm>
  );
}
