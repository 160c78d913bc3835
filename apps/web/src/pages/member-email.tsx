/**
 * A member's e-mail address for notifications (`POST …/members/{id}/email`), on the member's page, for the
 * coordinators: the address the member is e-mailed at (when the deployment sends e-mail and the member has
 * not turned it off). Recording another one replaces it; the API checks it is an address.
 */
import { post, tenant } from '../api';
import { useText } from '../i18n';
import { CommandForm, TextInput } from '../ui/forms';

const TEXT = {
  fr: {
    title: 'Adresse e-mail pour les notifications',
    current: (email: string) => `Adresse actuelle : ${email}`,
    none: 'Aucune adresse : ce membre n’est prévenu que dans Parcours.',
    email: 'Adresse e-mail',
    save: 'Enregistrer l’adresse',
  },
  en: {
    title: 'E-mail address for notifications',
    current: (email: string) => `Current address: ${email}`,
    none: 'No address: this member is told in Parcours only.',
    email: 'E-mail address',
    save: 'Save the address',
  },
};

export function MemberEmailCard(props: { memberId: string; email?: string; onDone: () => void }) {
  const text = useText(TEXT);
  return (
    <CommandForm
      title={text.title}
      intro={<p data-testid="member-email">{props.email ? text.current(props.email) : text.none}</p>}
      submitLabel={text.save}
      fields={['email']}
      submit={(values, idempotencyKey) =>
        post(
          tenant(`/members/${encodeURIComponent(props.memberId)}/email`),
          { email: values.required('email') },
          { idempotencyKey },
        )
      }
      onDone={props.onDone}
    >
      <TextInput name="email" label={text.email} type="email" required maxLength={254} />
    </CommandForm>
  );
}
