import { Command, InvalidArgumentError, Option } from 'commander';
import { issueDevToken, ROLES, type Role } from '@parcours/auth';
import { ConfigError, loadConfig } from '@parcours/platform';

/** Raised for a usage mistake the parser cannot see (exit code 2). */
export class UsageError extends Error {}

function config() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function slug(value: string): string {
  if (!/^[a-z0-9-]{3,40}$/.test(value))
    throw new InvalidArgumentError('a CPTS id is 3 to 40 of a-z, 0-9 and -');
  return value;
}

export function buildProgram(): Command {
  const program = new Command('parcours')
    .description('Parcours command-line tool')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError();

  program
    .command('token')
    .description('print a dev-mode access token (signed with the key in DATA_DIR) on one line')
    .addOption(new Option('--role <role>', 'the role the token grants').choices(ROLES).makeOptionMandatory())
    .option('--cpts <id>', 'the CPTS (tenant) the token is for; not for platform-admin', slug)
    .option('--sub <id>', 'the actor id recorded on every event (default: dev:<role>)')
    .option('--expires-in <duration>', 'lifetime, e.g. 12h, 30m', '12h')
    .action(async (options: { role: Role; cpts?: string; sub?: string; expiresIn: string }) => {
      const { AUTH_MODE, DATA_DIR } = config();
      if (AUTH_MODE !== 'dev')
        throw new UsageError('token: AUTH_MODE is oidc; tokens come from the identity provider');
      const token = await issueDevToken(DATA_DIR, {
        sub: options.sub ?? `dev:${options.role}`,
        cpts: options.cpts,
        roles: [options.role],
        expiresIn: options.expiresIn,
      });
      process.stdout.write(`${token}\n`);
    });

  return program;
}
