/**
 * Sign-in. In dev mode: pick a CPTS and a role, and the API signs a dev token
 * (`POST /api/v1/dev/tokens`). This page is the only place that knows how a token is obtained: an OpenID
 * Connect authorization-code flow would replace `obtainDevToken` and end the same way, with
 * `onSignedIn(sessionFromToken(token))`.
 */
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import type { Lang } from '../i18n';
import { useText } from '../i18n';
import { options } from '../labels';
import { type DevSignIn, ROLES, type Role, type Session, sessionFromToken } from '../session';
import { CommandForm, Select, TextInput } from '../ui/forms';

const TEXT = {
  fr: {
    title: 'Connexion',
    intro:
      'Parcours enregistre les parcours de soins coordonnés par la CPTS. Mode de développement : choisissez une CPTS et un rôle.',
    cpts: 'CPTS (identifiant)',
    cptsHint: 'La CPTS de démonstration est « cpts-demo ».',
    role: 'Rôle',
    sub: 'Identifiant de l’utilisateur (facultatif)',
    subHint: 'Pour un professionnel de santé : son identifiant de membre de la CPTS.',
    submit: 'Se connecter',
    oidc: 'La connexion de développement est désactivée sur ce serveur (mode OpenID Connect).',
    language: 'Langue',
  },
  en: {
    title: 'Sign in',
    intro:
      'Parcours records the care pathways the CPTS coordinates. Development mode: choose a CPTS and a role.',
    cpts: 'CPTS (id)',
    cptsHint: 'The demo CPTS is “cpts-demo”.',
    role: 'Role',
    sub: 'User id (optional)',
    subHint: 'For a health professional: their member id in the CPTS.',
    submit: 'Sign in',
    oidc: 'Development sign-in is disabled on this server (OpenID Connect mode).',
    language: 'Language',
  },
};

/** The dev sign-in method: the API signs a token for the chosen CPTS and role. */
async function obtainDevToken(request: DevSignIn): Promise<string> {
  const { token } = await post<{ token: string }>('/api/v1/dev/tokens', request);
  return token;
}

/** A CPTS the store does not know: said on the CPTS field. */
/**
 * The CPTS the new token names does not exist: the API refuses such a token (401), or answers 404 for the
 * CPTS itself. Either way the message goes next to the CPTS field.
 */
function notFound(error: unknown): never {
  if (error instanceof ApiError && (error.status === 404 || error.status === 401)) {
    throw new ApiError({ ...error.problem, errors: [{ path: 'cpts', message: error.message }] });
  }
  throw error;
}

export function SignInPage(props: {
  lang: Lang;
  onLang: (lang: Lang) => void;
  onSignedIn: (session: Session) => void;
}) {
  const text = useText(TEXT);
  const [disabled, setDisabled] = useState(false);
  const roles = options(props.lang, 'role').filter(([role]) => ROLES.includes(role as Role));
  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <div class="lang" role="group" aria-label={text.language}>
        {(['fr', 'en'] as const).map((code) => (
          <button
            key={code}
            type="button"
            class="link"
            lang={code}
            aria-pressed={props.lang === code}
            onClick={() => props.onLang(code)}
          >
            {code === 'fr' ? 'Français' : 'English'}
          </button>
        ))}
      </div>
      <h1>Parcours</h1>
      {disabled ? (
        <div class="alert" role="alert">
          {text.oidc}
        </div>
      ) : (
        <CommandForm
          title={text.title}
          submitLabel={text.submit}
          fields={['cpts', 'role', 'sub']}
          intro={<p>{text.intro}</p>}
          submit={async (values) => {
            const role = values.required('role') as Role;
            const request: DevSignIn = { role };
            const cpts = values.text('cpts');
            if (cpts && role !== 'platform-admin') request.cpts = cpts;
            const sub = values.text('sub');
            if (sub) request.sub = sub;
            let token: string;
            try {
              token = await obtainDevToken(request);
            } catch (error) {
              if (error instanceof ApiError && error.status === 404) setDisabled(true);
              throw error;
            }
            const session = sessionFromToken(token);
            if (!session) throw new ApiError({ status: 0, detail: 'Malformed token' });
            // The API has the last word: the token works, and names a CPTS that exists.
            if (session.cpts) {
              await get('/api/v1/me', { token }).catch(notFound);
              await get(`/api/v1/cpts/${encodeURIComponent(session.cpts)}`, { token }).catch(notFound);
            } else {
              await get('/api/v1/me', { token });
            }
            props.onSignedIn(session);
            return { id: session.sub, streamId: '', revision: 0, position: '0' };
          }}
        >
          <TextInput
            name="cpts"
            label={text.cpts}
            hint={text.cptsHint}
            defaultValue="cpts-demo"
            maxLength={40}
          />
          <Select name="role" label={text.role} options={roles} defaultValue="coordinator" required />
          <TextInput name="sub" label={text.sub} hint={text.subHint} maxLength={255} />
        </CommandForm>
      )}
    </main>
  );
}
