import 'reflect-metadata';
import { CommanderError } from 'commander';
import { buildProgram, UsageError } from './program';

/** Exit codes (api.md): 0 ok, 1 a failure found, 2 bad usage. */
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
