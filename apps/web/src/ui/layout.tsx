/** The frame of every signed-in page: skip link, header with who is signed in, navigation, language. */
import type { ComponentChildren } from 'preact';
import type { Lang } from '../i18n';
import { useText } from '../i18n';
import { label } from '../labels';
import type { Route } from '../router';
import { hasRole, type Role, type Session } from '../session';
import { useMembers } from './members';
import { useUnread } from './unread';

export interface NavEntry {
  path: string;
  fr: string;
  en: string;
  roles: Role[];
}

/** The pages, in the order of the menu, and who sees them (the API's roles for what each page reads). */
export const NAV: NavEntry[] = [
  { path: '/worklist', fr: 'À faire', en: 'Worklist', roles: ['coordinator', 'professional', 'auditor'] },
  { path: '/pathways', fr: 'Parcours', en: 'Pathways', roles: ['coordinator', 'professional', 'auditor'] },
  { path: '/patients', fr: 'Patients', en: 'Patients', roles: ['coordinator', 'professional', 'auditor'] },
  { path: '/members', fr: 'Membres', en: 'Members', roles: ['coordinator', 'professional', 'auditor'] },
  { path: '/rcps', fr: 'RCP', en: 'RCP', roles: ['coordinator', 'professional', 'auditor'] },
  {
    path: '/snp',
    fr: 'Soins non programmés',
    en: 'Unscheduled care',
    roles: ['coordinator', 'professional', 'auditor'],
  },
  { path: '/indicators', fr: 'Indicateurs', en: 'Indicators', roles: ['coordinator', 'auditor', 'analyst'] },
  {
    path: '/financing',
    fr: 'Financement ACI',
    en: 'ACI financing',
    roles: ['coordinator', 'auditor', 'analyst'],
  },
  {
    path: '/review-pack',
    fr: 'Dialogue de gestion',
    en: 'Yearly review',
    roles: ['coordinator', 'auditor', 'analyst'],
  },
  { path: '/audit', fr: 'Audit', en: 'Audit', roles: ['auditor', 'coordinator'] },
  { path: '/inbox', fr: 'Notifications', en: 'Notifications', roles: ['coordinator', 'professional'] },
];

export const visibleNav = (session: Session): NavEntry[] =>
  NAV.filter((entry) => entry.roles.some((role) => session.roles.includes(role)));

const TEXT = {
  fr: {
    skip: 'Aller au contenu',
    menu: 'Menu principal',
    signedIn: 'Connecté :',
    as: 'en tant que',
    signOut: 'Se déconnecter',
    language: 'Langue',
    tenant: 'CPTS',
    unread: (n: number) => (n === 1 ? '1 non lue' : `${n} non lues`),
  },
  en: {
    skip: 'Skip to content',
    menu: 'Main menu',
    signedIn: 'Signed in:',
    as: 'as',
    signOut: 'Sign out',
    language: 'Language',
    tenant: 'CPTS',
    unread: (n: number) => `${n} unread`,
  },
};

export function Layout(props: {
  session: Session;
  route: Route;
  lang: Lang;
  onLang: (lang: Lang) => void;
  onSignOut: () => void;
  children: ComponentChildren;
}) {
  const text = useText(TEXT);
  const { session, lang } = props;
  const current = `/${props.route.segments[0] ?? ''}`;
  // A professional's id is their member id: the header names them, not the UUID.
  const directory = useMembers(
    session.name === undefined && hasRole(session, 'coordinator', 'professional', 'auditor'),
  );
  const unread = useUnread(hasRole(session, 'coordinator', 'professional'), current);
  const displayName =
    session.name ?? directory.find((member) => member.id === session.sub)?.displayName ?? session.sub;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {text.skip}
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Parcours
          {session.cpts && (
            <span class="tenant">
              <span class="visually-hidden">{text.tenant} </span>
              {session.cpts}
            </span>
          )}
        </div>
        <nav aria-label={text.menu}>
          <ul>
            {visibleNav(session).map((entry) => (
              <li key={entry.path}>
                <a href={`#${entry.path}`} aria-current={current === entry.path ? 'page' : undefined}>
                  {lang === 'fr' ? entry.fr : entry.en}
                  {entry.path === '/inbox' && unread !== null && unread > 0 && (
                    <>
                      {' '}
                      <span class="badge due" data-testid="unread-badge">
                        <span aria-hidden="true">{unread}</span>
                        <span class="visually-hidden">{text.unread(unread)}</span>
                      </span>
                    </>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <p class="identity" data-testid="signed-in">
            {text.signedIn} <strong>{displayName}</strong> {text.as}{' '}
            <strong>{session.roles.map((role) => label(lang, 'role', role)).join(', ')}</strong>
          </p>
          <div class="lang" role="group" aria-label={text.language}>
            {(['fr', 'en'] as const).map((code) => (
              <button
                key={code}
                type="button"
                class="link"
                lang={code}
                aria-pressed={lang === code}
                onClick={() => props.onLang(code)}
              >
                {code === 'fr' ? 'Français' : 'English'}
              </button>
            ))}
          </div>
          <button type="button" class="secondary" onClick={props.onSignOut}>
            {text.signOut}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
