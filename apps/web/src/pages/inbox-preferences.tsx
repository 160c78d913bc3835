/**
 * How the signed-in member is told (`GET`/`POST …/inbox/preferences`): the inbox always; e-mail and the
 * CPTS's webhooks on or off; quiet hours (Paris time) during which e-mails wait. Shown to members only.
 */
import { post, tenant } from '../api';
import { useText } from '../i18n';
import { Checkbox, CommandForm, type FormValues, InputError, TextInput } from '../ui/forms';
import { useQuery } from '../ui/page';

interface Preferences {
  email: boolean;
  webhook: boolean;
  quietHours?: { from: string; to: string };
  hasEmail: boolean;
  channels: { email: boolean; webhook: boolean };
}

const TEXT = {
  fr: {
    title: 'Comment être prévenu',
    intro: 'Les notifications arrivent toujours ici. Vous pouvez aussi les recevoir :',
    email: 'Par e-mail (le type d’événement et un lien, sans donnée de santé)',
    noAddress: 'Aucune adresse e-mail n’est enregistrée pour vous : demandez-la à la coordination.',
    noEmail: 'Cette installation n’envoie pas d’e-mails.',
    webhook: 'Par les webhooks de la CPTS (logiciel du cabinet)',
    quiet: 'Heures calmes (heure de Paris) : les e-mails attendent la fin de la plage',
    from: 'De',
    to: 'À',
    bothOrNone: 'Indiquez le début et la fin, ou aucun des deux.',
    submit: 'Enregistrer mes préférences',
  },
  en: {
    title: 'How to be told',
    intro: 'Notifications always arrive here. You may also receive them:',
    email: 'By e-mail (the kind of event and a link, no health data)',
    noAddress: 'No e-mail address is recorded for you: ask the coordination team.',
    noEmail: 'This deployment sends no e-mail.',
    webhook: 'Through the CPTS’s webhooks (practice software)',
    quiet: 'Quiet hours (Paris time): e-mails wait until the window ends',
    from: 'From',
    to: 'To',
    bothOrNone: 'Give both the start and the end, or neither.',
    submit: 'Save my preferences',
  },
};

export function InboxPreferences() {
  const text = useText(TEXT);
  const preferences = useQuery<Preferences>(tenant('/inbox/preferences'));
  // Someone who is not a member of the CPTS (a coordinator's own account) has no preferences.
  const current = preferences.data;
  if (!current) return null;
  const build = (values: FormValues) => {
    const from = values.text('quietHours.from');
    const to = values.text('quietHours.to');
    if ((from === undefined) !== (to === undefined)) {
      throw new InputError(from === undefined ? 'quietHours.from' : 'quietHours.to', text.bothOrNone);
    }
    return {
      email: values.bool('email'),
      webhook: values.bool('webhook'),
      ...(from && to ? { quietHours: { from, to } } : {}),
    };
  };
  return (
    <CommandForm
      title={text.title}
      intro={<p class="muted">{text.intro}</p>}
      submitLabel={text.submit}
      fields={['email', 'webhook', 'quietHours.from', 'quietHours.to']}
      submit={(values, idempotencyKey) =>
        post(tenant('/inbox/preferences'), build(values), { idempotencyKey })
      }
      onDone={preferences.reload}
      class="inbox-preferences"
    >
      <Checkbox name="email" label={text.email} defaultChecked={current.email} />
      {!current.channels.email ? (
        <p class="muted">{text.noEmail}</p>
      ) : (
        !current.hasEmail && <p class="muted">{text.noAddress}</p>
      )}
      {current.channels.webhook && (
        <Checkbox name="webhook" label={text.webhook} defaultChecked={current.webhook} />
      )}
      <fieldset class="field group">
        <legend>{text.quiet}</legend>
        <div class="grid">
          <TextInput
            name="quietHours.from"
            type="time"
            label={text.from}
            defaultValue={current.quietHours?.from}
          />
          <TextInput name="quietHours.to" type="time" label={text.to} defaultValue={current.quietHours?.to} />
        </div>
      </fieldset>
    </CommandForm>
  );
}
