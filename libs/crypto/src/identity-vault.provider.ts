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
import { BlindIndex } from './blind-index';
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

/** Where the patients' blind index lives: next to the keys, never with the event log. */
export function blindIndexPath(dataDir: string): string {
  return join(dataDir, 'keys', 'blind-index.db');
}

/** Nest provider: the blind index of DATA_DIR, keyed by the vault's per-CPTS keys. */
export const blindIndexProvider: FactoryProvider<BlindIndex> = {
  provide: BlindIndex,
  inject: [ConfigService, IdentityVault],
  useFactory: (config: ConfigService<AppConfig, true>, vault: IdentityVault) =>
    new BlindIndex(blindIndexPath(config.get('DATA_DIR', { infer: true })), vault),
};

/** Closes the key file when the application stops (after the HTTP server stopped taking requests). */
@Injectable()
export class IdentityVaultCloser implements OnApplicationShutdown {
  constructor(
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    @Inject(BlindIndex) private readonly index: BlindIndex,
  ) {}
  onApplicationShutdown(): void {
    this.index.close();
    this.vault.close();
  }
}

/** The vault of DATA_DIR for the whole application: patient keys, the service's own secrets, the blind index. */
@Global()
@Module({
  providers: [identityVaultProvider, blindIndexProvider, IdentityVaultCloser],
  exports: [IdentityVault, BlindIndex],
})
export class IdentityVaultModule {}
