/**
 * Sign-in, in the server's mode (`auth.ts`). Dev mode: pick a CPTS and a role, and the API signs a dev
 * token (`POST /api/v1/dev/tokens`). OpenID Connect: one button to the CPTS's identity provider, whose
 * login page signs the user in and sends them back (the app completes the sign-in on its return).
 */
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import type { AuthConfig } from '../auth';
import type { Lang } from '../i18n';
import { useText } from '../i18n';
import { label, options } from '../labels';
import { type DevSignIn, ROLES, type Role, type Session, sessionFromToken } from '../session';
import { CommandForm, Select, TextInput } from '../ui/forms';
import { folded, FRENCH } from '../ui/members';

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
    member: 'Le professionnel (membre de la CPTS)',
    memberHint: 'Tapez le début du nom pour le trouver ; la liste est celle des membres de la CPTS.',
    memberSearch: 'Rechercher un membre par son nom',
    loadMembers: 'Choisir le professionnel dans l’annuaire',
    loadingMembers: 'Chargement de l’annuaire…',
    oidcIntro:
      'Parcours enregistre les parcours de soins coordonnés par la CPTS. La connexion se fait auprès du fournisseur d’identité de la CPTS, qui vous ramène ici ensuite.',
    noClient:
      'La connexion par le navigateur n’est pas configurée sur ce serveur (OIDC_CLIENT_ID) : adressez-vous à son administrateur.',
    redirecting: 'Redirection vers le fournisseur d’identité…',
    loading: 'Chargement…',
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
    member: 'The professional (member of the CPTS)',
    memberHint: 'Type the start of the name to find them; the list is the CPTS’s members.',
    memberSearch: 'Search a member by name',
    loadMembers: 'Choose the professional in the directory',
    loadingMembers: 'Loading the directory…',
    oidcIntro:
      'Parcours records the care pathways the CPTS coordinates. You sign in with the CPTS’s identity provider, which then brings you back here.',
    noClient: 'Browser sign-in is not configured on this server (OIDC_CLIENT_ID): ask its administrator.',
    redirecting: 'Redirecting to the identity provider…',
    loading: 'Loading…',
    language: 'Language',
  },
};

/** The dev sign-in method: the API signs a token for the chosen CPTS and role. */
async function obtainDevToken(request: DevSignIn): Promise<string> {
  const { token } = await post<{ token: string }>('/api/v1/dev/tokens', request);
  return token;
}

/** A CPTS the store does not know (its token is refused): said on the CPTS field. */
function notFound(error: unknown): never {
  if (error instanceof ApiError && (error.status === 404 || error.status === 401)) {
    throw new ApiError({ ...error.problem, errors: [{ path: 'cpts', message: error.message }] });
  }
  throw error;
}

export function SignInPage(props: {
  lang: Lang;
  onLang: (lang: Lang) => void;
  /** How this server signs in; null while the UI asks it. */
  auth: AuthConfig | null;
  /** Dev mode: the session of the token just obtained. */
  onSignedIn: (session: Session) => void;
  /** OpenID Connect: leaves for the provider's login page; absent when no client is configured. */
  onOidcSignIn?: () => Promise<void>;
  /** Why the last attempt failed (the server unreachable, the provider or the API refusing). */
  problem?: string;
}) {
  const text = useText(TEXT);
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
      {props.problem && (
        <div class="alert error" role="alert">
          <p>{props.problem}</p>
        </div>
      )}
      {props.auth === null ? (
        !props.problem && (
          <p class="boot" role="status">
            {text.loading}
          </p>
        )
      ) : props.auth.mode === 'oidc' ? (
        <OidcSignInPanel onSignIn={props.onOidcSignIn} />
      ) : (
        <DevSignInForm lang={props.lang} onSignedIn={props.onSignedIn} />
      )}
    </main>
  );
}

function OidcSignInPanel(props: { onSignIn?: () => Promise<void> }) {
  const text = useText(TEXT);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { onSignIn } = props;
  return (
    <section class="card" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{text.title}</h2>
      <p>{text.oidcIntro}</p>
      {problem && (
        <div class="alert error" role="alert">
          <p>{problem}</p>
        </div>
      )}
      {onSignIn ? (
        <div class="actions">
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setProblem(null);
              // On success the browser leaves the page; coming back here means it did not.
              onSignIn().catch((error: unknown) => {
                setBusy(false);
                setProblem(error instanceof Error ? error.message : String(error));
              });
            }}
          >
            {busy ? text.redirecting : text.submit}
          </button>
        </div>
      ) : (
        <div class="alert error" role="alert">
          <p>{text.noClient}</p>
        </div>
      )}
    </section>
  );
}

interface DirectoryMember {
  id: string;
  displayName: string;
  profession: string;
  leftOn?: string;
}

/**
 * A professional signs in as a person: the CPTS's members, read with a dev token of the professional role
 * (dev mode only: whoever can reach the token route may sign in as anyone anyway), searchable by name; the
 * token is then signed for the member chosen, and the session carries their name.
 */
function DevSignInForm(props: { lang: Lang; onSignedIn: (session: Session) => void }) {
  const text = useText(TEXT);
  const roles = options(props.lang, 'role').filter(([role]) => ROLES.includes(role as Role));
  const [role, setRole] = useState<string>('coordinator');
  const [members, setMembers] = useState<DirectoryMember[] | 'loading' | null>(null);
  const [search, setSearch] = useState('');
  const [memberError, setMemberError] = useState<string | null>(null);

  const loadDirectory = (cpts: string) => {
    setMembers('loading');
    setMemberError(null);
    obtainDevToken({ role: 'professional', cpts, sub: 'dev:annuaire' })
      .then((token) =>
        get<{ items: DirectoryMember[] }>(`/api/v1/cpts/${encodeURIComponent(cpts)}/members`, { token }),
      )
      .then(
        (page) =>
          setMembers(
            page.items
              .filter((member) => !member.leftOn)
              .sort((a, b) => FRENCH.compare(a.displayName, b.displayName)),
          ),
        (error: unknown) => {
          setMembers(null);
          setMemberError(error instanceof Error ? error.message : String(error));
        },
      );
  };
  const wanted = folded(search.trim());
  const shown = Array.isArray(members)
    ? members.filter((member) => wanted === '' || folded(member.displayName).includes(wanted))
    : [];
  const professional = role === 'professional';

  return (
    <CommandForm
      title={text.title}
      submitLabel={text.submit}
      fields={['cpts', 'role', 'sub', 'memberId']}
      intro={<p>{text.intro}</p>}
      submit={async (values) => {
        const chosenRole = values.required('role') as Role;
        const request: DevSignIn = { role: chosenRole };
        const cpts = values.text('cpts');
        if (cpts && chosenRole !== 'platform-admin') request.cpts = cpts;
        const memberId = chosenRole === 'professional' ? values.text('memberId') : undefined;
        const sub = memberId ?? values.text('sub');
        if (sub) request.sub = sub;
        const token = await obtainDevToken(request);
        const session = sessionFromToken(token);
        if (!session) throw new ApiError({ status: 0, detail: 'Malformed token' });
        // The API has the last word: the token works, and names a CPTS that exists.
        await get('/api/v1/me', { token });
        if (session.cpts)
          await get(`/api/v1/cpts/${encodeURIComponent(session.cpts)}`, { token }).catch(notFound);
        const member = Array.isArray(members)
          ? members.find((candidate) => candidate.id === memberId)
          : undefined;
        props.onSignedIn(member ? { ...session, name: member.displayName } : session);
        return { id: session.sub, streamId: '', revision: 0, position: '0' };
      }}
    >
      <TextInput name="cpts" label={text.cpts} hint={text.cptsHint} defaultValue="cpts-demo" maxLength={40} />
      <Select
        name="role"
        label={text.role}
        options={roles}
        defaultValue="coordinator"
        required
        onChange={(value) => setRole(value)}
      />
      {professional && Array.isArray(members) ? (
        <>
          <div class="field">
            <label for="sign-in-member-search">{text.memberSearch}</label>
            <input
              id="sign-in-member-search"
              type="search"
              autocomplete="off"
              value={search}
              onInput={(event) => setSearch(event.currentTarget.value)}
            />
          </div>
          <Select
            key={`members-${shown.length}`}
            name="memberId"
            label={text.member}
            hint={text.memberHint}
            options={shown.map((member) => [
              member.id,
              `${member.displayName} — ${label(props.lang, 'profession', member.profession)}`,
            ])}
            defaultValue={shown.length === 1 ? shown[0].id : undefined}
            placeholder="—"
          />
        </>
      ) : (
        <>
          {professional && (
            <p>
              <button
                type="button"
                class="secondary"
                disabled={members === 'loading'}
                onClick={(event) => {
                  const form = event.currentTarget.form;
                  const cpts = form ? new FormData(form).get('cpts') : null;
                  loadDirectory(typeof cpts === 'string' && cpts.trim() ? cpts.trim() : 'cpts-demo');
                }}
              >
                {members === 'loading' ? text.loadingMembers : text.loadMembers}
              </button>
            </p>
          )}
          {memberError && (
            <p class="field-error" role="alert">
              {memberError}
            </p>
          )}
          <TextInput name="sub" label={text.sub} hint={text.subHint} maxLength={255} />
        </>
      )}
    </CommandForm>
  );
}
