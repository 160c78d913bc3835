import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdentityVault } from '@parcours/crypto';
import type { AppConfig } from '@parcours/platform';
import { join } from 'node:path';
import { CommandResponseInterceptor } from './command-response.interceptor';
import { IdempotencyStore } from './idempotency.store';

/** The vault's name for the key of the idempotency fingerprints. */
export const IDEMPOTENCY_FINGERPRINT_KEY = 'idempotency-fingerprint';

class IdempotencyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(IdempotencyStore) private readonly store: IdempotencyStore) {}
  onApplicationShutdown(): void {
    this.store.close();
  }
}

/** How commands meet HTTP: response shape, Idempotency-Key memory. Capabilities import nothing from here but `Meta`. */
@Global()
@Module({
  providers: [
    {
      provide: IdempotencyStore,
      inject: [ConfigService, IdentityVault],
      useFactory: (config: ConfigService<AppConfig, true>, vault: IdentityVault) =>
        new IdempotencyStore(
          join(config.get('DATA_DIR', { infer: true }), 'idempotency.db'),
          vault.serviceKey(IDEMPOTENCY_FINGERPRINT_KEY),
        ),
    },
    IdempotencyStoreCloser,
    { provide: APP_INTERCEPTOR, useClass: CommandResponseInterceptor },
  ],
  exports: [IdempotencyStore],
})
export class CommandsHttpModule {}
