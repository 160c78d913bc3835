import { BadRequestException, Body, Controller, Get, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DevTokenRequestDto, DevTokenResponseDto, PrincipalDto } from './auth.dto';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { CurrentPrincipal, Public } from './decorators';
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

/** The UI's sign-in in dev mode. Registered only in dev mode: in `oidc` mode the route does not exist. */
@ApiTags('auth')
@Controller('api/v1/dev')
export class DevTokensController {
  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions) {}

  @Post('tokens')
  @Public()
  @ApiCreatedResponse({ type: DevTokenResponseDto })
  @ApiBadRequestResponse({ description: 'Unknown role, or a cpts missing (or given to a platform-admin)' })
  async issue(@Body() body: DevTokenRequestDto): Promise<DevTokenResponseDto> {
    try {
      const token = await issueDevToken(this.options.dataDir, {
        sub: body.sub ?? `dev:${body.role}`,
        cpts: body.cpts,
        roles: [body.role],
      });
      return { token };
    } catch (error) {
      if (error instanceof InvalidClaimsError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
