/**
 * How this server signs its users in, as it says itself (`GET /api/v1/auth/config`): dev tokens, or
 * OpenID Connect. With OpenID Connect the UI is a public client of the CPTS's identity provider and runs
 * the authorization code flow with PKCE through `oidc-client-ts` (a maintained, certified-profile
 * implementation rather than hand-written protocol code): it sends the user to the provider's login page,
 * takes the code back on `/`, keeps the tokens in sessionStorage (they die with the tab), renews the
 * access token with the refresh token before it expires, and signs out at the provider (end session).
 */
import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { get } from './api';

export type AuthConfig =
  { mode: 'dev' } | { mode: 'oidc'; issuer: string; clientId?: string; scope: string; resource?: string };

export function loadAuthConfig(): Promise<AuthConfig> {
  return get<AuthConfig>('/api/v1/auth/config');
}

/** The OpenID Connect sign-in of a server in `oidc` mode that names a client for the UI. */
export class OidcSignIn {
  private readonly manager: UserManager;

  constructor(config: { issuer: string; clientId: string; scope: string; resource?: string }) {
    const home = `${location.origin}/`;
    this.manager = new UserManager({
      authority: config.issuer,
      client_id: config.clientId,
      redirect_uri: home,
      post_logout_redirect_uri: home,
      response_type: 'code',
      scope: config.scope,
      resource: config.resource,
      // The PKCE verifier and the tokens stay in this tab only, like the dev token.
      stateStore: new WebStorageStateStore({ store: sessionStorage }),
      userStore: new WebStorageStateStore({ store: sessionStorage }),
      // Renewal uses the refresh token: no hidden iframe, which the UI's CSP does not allow anyway.
      automaticSilentRenew: true,
      loadUserInfo: false,
    });
  }

  /**
   * On start: completes a sign-in (or sign-out) the provider has just redirected back from, then removes
   * the protocol's parameters from the address bar. Resolves with the user signed in, if any.
   */
  async resume(): Promise<User | null> {
    const params = new URLSearchParams(location.search);
    try {
      if (params.has('code') || params.has('error')) return await this.manager.signinRedirectCallback();
      if (params.has('state')) {
        // Back from the provider's end-session page: whatever a renewal stored meanwhile is forgotten.
        await this.manager.signoutRedirectCallback().catch(() => undefined);
        await this.manager.removeUser();
        return null;
      }
    } finally {
      if (location.search) history.replaceState(null, '', `${location.pathname}${location.hash}`);
    }
    const user = await this.manager.getUser();
    return user && !user.expired ? user : null;
  }

  /** Leaves for the provider's login page. */
  signIn(): Promise<void> {
    return this.manager.signinRedirect();
  }

  /**
   * Signs out here and at the provider: the refresh token is revoked, then the browser goes to the
   * provider's end-session page, which comes back to `/`. A provider without those endpoints still gets
   * a local sign-out.
   */
  async signOut(): Promise<void> {
    // No renewal may store new tokens behind the sign-out.
    this.manager.stopSilentRenew();
    await this.manager.revokeTokens(['refresh_token']).catch(() => undefined);
    try {
      await this.manager.signoutRedirect();
    } catch {
      await this.manager.removeUser();
    }
  }

  /** Forgets the tokens here only (the API refused them). */
  forget(): Promise<void> {
    this.manager.stopSilentRenew();
    return this.manager.removeUser();
  }

  /** Called with each renewed user; returns the unsubscription. */
  onRenewed(callback: (user: User) => void): () => void {
    this.manager.events.addUserLoaded(callback);
    return () => this.manager.events.removeUserLoaded(callback);
  }

  /** Called when the access token expired without being renewed; returns the unsubscription. */
  onExpired(callback: () => void): () => void {
    this.manager.events.addAccessTokenExpired(callback);
    return () => this.manager.events.removeAccessTokenExpired(callback);
  }
}
