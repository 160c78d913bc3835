import {
  type FactoryProvider,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '@parcours/platform';
import { join } from 'node:path';
import { IdentityVault } from './identity-vault';

/** Where the keys live, relative to DATA_DIR: a file of their own, never next to the event log's backups. */
export function identityVaultPath(dataDir: string): string {
  return join(dataDir, 'keys', 'patient-keys.db');
}

/** Nest provider: the vault of DATA_DIR, injectable by its class. */
export const identityVaultProvider: FactoryProvider<IdentityVault> = {
  provide: IdentityVault,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>) =>
    new IdentityVault(identityVaultPath(config.get('DATA_DIR', { infer: true }))),
};

/** Closes the key file when the application stops (after the HTTP server stopped taking requests). */
@Injectable()
export class IdentityVaultCloser implements OnApplicationShutdown {
  constructor(@Inject(IdentityVault) private readonly vault: IdentityVault) {}
  onApplicationShutdown(): void {
    this.vault.close();
  }
}

/** The vault of DATA_DIR for the whole application: patient keys and the service's own secrets. */
@Global()
@Module({
  providers: [identityVaultProvider, IdentityVaultCloser],
  exports: [IdentityVault],
})
export class IdentityVaultModule {}
