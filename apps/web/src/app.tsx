/**
 * The app: who is signed in, in which language, and which page the hash names. Each page is one module of
 * `pages/`, given the session and the route; it talks to the API through `api.ts` only.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configureApi } from './api';
import { initialLang, type Lang, LangContext, storeLang } from './i18n';
import { AuditPage } from './pages/audit';
import { FinancingPage } from './pages/financing';
import { IndicatorsPage } from './pages/indicators';
import { NotFoundPage } from './pages/not-found';
import { PathwayPage } from './pages/pathway';
import { PathwaysPage } from './pages/pathways';
import { PatientPage } from './pages/patient';
import { PatientsPage } from './pages/patients';
import { RcpsPage } from './pages/rcps';
import { SignInPage } from './pages/sign-in';
import { SnpPage } from './pages/snp';
import { WorklistPage } from './pages/worklist';
import { type Route, navigate, useRoute } from './router';
import { clearSession, loadSession, type Session, saveSession } from './session';
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
    case 'snp':
      return SnpPage;
    case 'indicators':
      return IndicatorsPage;
    case 'financing':
      return FinancingPage;
    case 'audit':
      return AuditPage;
    default:
      return NotFoundPage;
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [lang, setLang] = useState<Lang>(initialLang);
  const route = useRoute();

  const signOut = () => {
    clearSession();
    forgetMembers();
    setSession(null);
  };
  configureApi({ session: () => session, lang: () => lang, onUnauthorized: signOut });

  useEffect(() => storeLang(lang), [lang]);

  // The home page is the first page the role may see: the worklist, or the indicators for analysts.
  useEffect(() => {
    if (session && route.segments.length === 0) {
      const home = visibleNav(session)[0];
      if (home) navigate(home.path);
    }
  }, [session, route.path]);

  if (!session) {
    return (
      <LangContext.Provider value={lang}>
        <SignInPage
          lang={lang}
          onLang={setLang}
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
