import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CPTS_ID_PATTERN, type Role, ROLES, SUB_MAX_LENGTH } from './principal';

export class DevTokenRequestDto {
  @ApiPropertyOptional({
    description: 'The CPTS the token is for; absent for platform-admin, required for every other role',
    pattern: CPTS_ID_PATTERN.source,
    example: 'cpts-demo',
  })
  @IsOptional()
  @IsString()
  @Matches(CPTS_ID_PATTERN, { message: 'cpts must be 3 to 40 of a-z, 0-9 and -' })
  cpts?: string;

  @ApiProperty({ enum: ROLES, example: 'coordinator' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    description: 'The actor id recorded on events (default dev:<role>)',
    maxLength: SUB_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SUB_MAX_LENGTH)
  sub?: string;
}

export class DevTokenResponseDto {
  @ApiProperty({ description: 'A bearer token (JWT), valid 8 hours' })
  token!: string;
}

export class PrincipalDto {
  @ApiProperty({ example: 'dev:coordinator' })
  sub!: string;

  @ApiProperty({ type: String, nullable: true, example: 'cpts-demo' })
  cpts!: string | null;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];
}

/** How a client signs in to this server: public, since it is what a client needs before it has a token. */
export class AuthConfigDto {
  @ApiProperty({
    enum: ['dev', 'oidc'],
    description: 'dev: tokens from POST /api/v1/dev/tokens; oidc: from the identity provider',
  })
  mode!: 'dev' | 'oidc';

  @ApiPropertyOptional({ description: 'oidc: the issuer (where discovery starts)' })
  issuer?: string;

  @ApiPropertyOptional({
    description:
      "oidc: the web UI's public client id (authorization code flow with PKCE); absent when none is configured",
  })
  clientId?: string;

  @ApiPropertyOptional({ description: 'oidc: the scopes the web UI asks for', example: 'openid' })
  scope?: string;

  @ApiPropertyOptional({
    description: 'oidc: the resource indicator (RFC 8707) the web UI asks its access token for',
  })
  resource?: string;
}
