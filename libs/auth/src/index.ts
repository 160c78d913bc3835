export {
  ROLES,
  TENANT_ROLES,
  CPTS_ID_PATTERN,
  SUB_MAX_LENGTH,
  type Role,
  type Principal,
  actorOf,
  isRole,
  principalFromClaims,
  InvalidClaimsError,
} from './principal';
export {
  loadOrCreateDevSigningKey,
  devSigningKeyPath,
  DEV_SIGNING_ALGORITHM,
  type DevSigningKey,
} from './dev-keys';
export {
  issueDevToken,
  DEV_ISSUER,
  DEV_AUDIENCE,
  DEV_TOKEN_DEFAULT_LIFETIME,
  type DevTokenClaims,
} from './tokens';
export {
  type ClaimMapping,
  DEFAULT_CLAIM_MAPPING,
  claimAt,
  parseRoleMap,
  principalFromProviderClaims,
} from './claims';
export {
  TokenVerifier,
  DevTokenVerifier,
  OidcTokenVerifier,
  AuthenticationError,
  CachingTokenVerifier,
  IdentityProviderUnavailableError,
  ACCEPTED_ALGORITHMS,
  DEFAULT_JWKS_COOLDOWN_SECONDS,
  type OidcVerifierOptions,
} from './token-verifier';
export { CurrentPrincipal, principalOf, type AuthenticatedRequest } from './decorators';
export { PUBLIC, routeKey, requestRouteKey, TenantDirectory, type AccessPolicy } from './access-policy';
export { AuthGuard, TENANT_PARAM } from './auth.guard';
export { AuthModule } from './auth.module';
export { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
export { AuthConfigDto, DevTokenRequestDto, DevTokenResponseDto, PrincipalDto } from './auth.dto';
