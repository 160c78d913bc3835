/**
 * The app: who is signed in, in which language, and which page the hash names. Each page is one module of
 * `pages/`, given the session and the route; it talks to the API through `api.ts` only.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi, get } from './api';
import { type AuthConfig, loadAuthConfig, OidcSignIn } from './auth';
import { initialLang, type Lang, LangContext, storeLang } from './i18n';
import { AuditPage } from './pages/audit';
import { FinancingPage } from './pages/financing';
import { ReviewPackPage } from './pages/review-pack';
import { IndicatorsPage } from './pages/indicators';
import { MembersPage } from './pages/members';
import { NotFoundPage } from './pages/not-found';
import { PathwayPage } from './pages/pathway';
import { PathwaysPage } from './pages/pathways';
import { PatientPage } from './pages/patient';
import { PatientsPage } from './pages/patients';
import { RcpsPage } from './pages/rcps';
import { SignInPage } from './pages/sign-in';
import { SnpPage } from './pages/snp';
import { WorklistPage } from './pages/worklist';
import { InboxPage } from './pages/inbox';
import { type Route, navigate, useRoute } from './router';
import {
  clearSession,
  loadSession,
  type Role,
  type Session,
  saveSession,
  sessionFromPrincipal,
} from './session';
import { Layout, visibleNav } from './ui/layout';
import { forgetMembers } from './ui/members';

export interface PageProps {
  session: Session;
  route: Route;
}

/** `#/pathways/…` → the pathway page; the first segment picks the page, the second (if any) its detail. */
function pageFor(route: Route): FunctionComponent<PageProps> {
  const [first, second] = route.segments;
  switch (first) {
    case 'worklist':
      return WorklistPage;
    case 'pathways':
      return second ? PathwayPage : PathwaysPage;
    case 'patients':
      return second ? PatientPage : PatientsPage;
    case 'rcps':
      return RcpsPage;
    case 'members':
      return MembersPage;
    case 'snp':
      return SnpPage;
    case 'indicators':
      return IndicatorsPage;
    case 'financing':
      return FinancingPage;
    case 'review-pack':
      return ReviewPackPage;
    case 'audit':
      return AuditPage;
    case 'inbox':
      return InboxPage;
    default:
      return NotFoundPage;
  }
}

/** What the server said about signing in, and the OpenID Connect client when it applies. */
interface Auth {
  config: AuthConfig;
  oidc?: OidcSignIn;
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [lang, setLang] = useState<Lang>(initialLang);
  const [auth, setAuth] = useState<Auth | null>(null);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const route = useRoute();

  const leave = () => {
    clearSession();
    forgetMembers();
    setSession(null);
  };
  /** Forgets the session here (the API refused the token). */
  const endSession = () => {
    leave();
    void auth?.oidc?.forget();
  };
  /** The user signs out: here, and at the identity provider in OpenID Connect mode. */
  const signOut = () => {
    leave();
    void auth?.oidc?.signOut();
  };
  configureApi({ session: () => session, lang: () => lang, onUnauthorized: endSession });

  useEffect(() => storeLang(lang), [lang]);

  // How this server signs in; with OpenID Connect, a sign-in the provider has just sent back, or the
  // one kept in this tab, becomes the session once the API says whom the token names. The sign-in page
  // waits for this, so that it does not offer to sign in someone who is coming back signed in.
  useEffect(() => {
    const subscriptions: Array<() => void> = [];
    const resume = async (oidc: OidcSignIn) => {
      const user = await oidc.resume();
      if (!user) return;
      // The API has the last word on whom the token names (and whether it accepts it at all).
      const principal = await get<{ sub: string; cpts: string | null; roles: Role[] }>('/api/v1/me', {
        token: user.access_token,
      }).catch(async (error: unknown) => {
        await oidc.forget();
        throw error;
      });
      const name = typeof user.profile.name === 'string' ? user.profile.name : undefined;
      setSession(sessionFromPrincipal(user.access_token, principal, (user.expires_at ?? 0) * 1000, name));
      subscriptions.push(
        oidc.onRenewed((next) =>
          setSession(
            (current) =>
              current && { ...current, token: next.access_token, expiresAt: (next.expires_at ?? 0) * 1000 },
          ),
        ),
        oidc.onExpired(() => {
          leave();
          void oidc.forget();
        }),
      );
    };
    const start = async () => {
      const config = await loadAuthConfig();
      const oidc =
        config.mode === 'oidc' && config.clientId
          ? new OidcSignIn({ ...config, clientId: config.clientId })
          : undefined;
      try {
        if (oidc) await resume(oidc);
      } finally {
        setAuth({ config, oidc });
      }
    };
    start().catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    return () => subscriptions.forEach((unsubscribe) => unsubscribe());
  }, []);

  // The home page is the first page the role may see: the worklist, or the indicators for analysts.
  useEffect(() => {
    if (session && route.segments.length === 0) {
      const home = visibleNav(session)[0];
      if (home) navigate(home.path);
    }
  }, [session, route.path]);

  if (!session) {
    const oidc = auth?.oidc;
    return (
      <LangContext.Provider value={lang}>
        <SignInPage
          lang={lang}
          onLang={setLang}
          auth={auth?.config ?? null}
          problem={problem}
          onOidcSignIn={oidc && (() => oidc.signIn())}
          onSignedIn={(next) => {
            saveSession(next);
            forgetMembers();
            setSession(next);
          }}
        />
      </LangContext.Provider>
    );
  }

  const Page = pageFor(route);
  return (
    <LangContext.Provider value={lang}>
      <Layout session={session} route={route} lang={lang} onLang={setLang} onSignOut={signOut}>
        {route.segments.length > 0 && <Page key={route.path} session={session} route={route} />}
      </Layout>
    </LangContext.Provider>
  );
}
