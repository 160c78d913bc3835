import { Body, Controller, Get, Inject, Optional, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthConfigDto, DevTokenRequestDto, DevTokenResponseDto, PrincipalDto } from './auth.dto';
import { invalidInput } from '@parcours/platform';
import { forbidden, invalidClaims } from './auth-problems';
import { TenantDirectory } from './access-policy';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { CurrentPrincipal } from './decorators';
import { InvalidClaimsError, type Principal } from './principal';
import { issueDevToken } from './tokens';

@ApiTags('auth')
@Controller('api/v1')
export class MeController {
  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: PrincipalDto, description: 'Who the token says you are' })
  @ApiUnauthorizedResponse()
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return { sub: principal.sub, cpts: principal.cpts, roles: principal.roles };
  }
}

/** What a client needs to know to sign in, before it has a token: the mode, and the provider in oidc mode. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthConfigController {
  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions) {}

  @Get('config')
  @ApiOkResponse({ type: AuthConfigDto })
  config(): AuthConfigDto {
    if (this.options.mode === 'dev') return { mode: 'dev' };
    const client = this.options.oidcClient ?? {};
    return {
      mode: 'oidc',
      issuer: this.options.oidcIssuer,
      clientId: client.clientId,
      scope: client.scope ?? 'openid',
      resource: client.resource,
    };
  }
}

/** The UI's sign-in in dev mode. Registered only in dev mode: in `oidc` mode the route does not exist. */
@ApiTags('auth')
@Controller('api/v1/dev')
export class DevTokensController {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
    @Optional() private readonly tenants?: TenantDirectory,
  ) {}

  @Post('tokens')
  @ApiCreatedResponse({ type: DevTokenResponseDto })
  @ApiBadRequestResponse({ description: 'Unknown role, or a cpts missing (or given to a platform-admin)' })
  @ApiForbiddenResponse({ description: 'Asked from another host, unless DEV_TOKENS_REMOTE=true' })
  async issue(@Body() body: DevTokenRequestDto, @Req() request: Request): Promise<DevTokenResponseDto> {
    // Whoever can reach this route can sign in as anyone: by default, only this machine can.
    if (!this.options.devTokensRemote && !isLoopback(request.socket.remoteAddress)) {
      throw forbidden({
        fr: 'Les jetons de développement ne sont délivrés qu’à cette machine (DEV_TOKENS_REMOTE=true pour d’autres hôtes).',
        en: 'Dev tokens are issued to this machine only (set DEV_TOKENS_REMOTE=true to allow other hosts).',
      });
    }
    // A token naming a CPTS that does not exist would be refused on every route: say so now, on the field.
    if (body.cpts !== undefined && this.tenants && !(await this.tenants.exists(body.cpts))) {
      throw invalidInput('cpts', {
        fr: `La CPTS ${body.cpts} n’existe pas`,
        en: `CPTS ${body.cpts} does not exist`,
      });
    }
    try {
      const token = await issueDevToken(this.options.dataDir, {
        sub: body.sub ?? `dev:${body.role}`,
        cpts: body.cpts,
        roles: [body.role],
        maxLifetimeSeconds: this.options.maxTokenLifetimeSeconds,
      });
      return { token };
    } catch (error) {
      if (error instanceof InvalidClaimsError) throw invalidClaims(error.message);
      throw error;
    }
  }
}

/** The socket's peer, not a forwarded header: a proxy in front makes every request non-local, as it should. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
