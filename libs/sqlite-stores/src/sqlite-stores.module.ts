import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AccessLog, IdempotencyStore } from '@parcours/domain';
import { IdentityVault } from '@parcours/crypto';
import type { AppConfig } from '@parcours/platform';
import { join } from 'node:path';
import { ACCESS_LOG_FILE, SqliteAccessLog } from './access-log/sqlite-access-log';
import { SqliteIdempotencyStore } from './idempotency/sqlite-idempotency.store';

/** The vault's name for the key of the idempotency fingerprints. */
export const IDEMPOTENCY_FINGERPRINT_KEY = 'idempotency-fingerprint';

@Injectable()
class Closer implements OnApplicationShutdown {
  constructor(
    @Inject(AccessLog) private readonly accessLog: SqliteAccessLog,
    @Inject(IdempotencyStore) private readonly idempotency: SqliteIdempotencyStore,
  ) {}

  onApplicationShutdown(): void {
    this.accessLog.close();
    this.idempotency.close();
  }
}

/**
 * The adapters of the domain's ports that keep a file of their own in DATA_DIR: the access log of identity
 * reads (`access-log.db`) and the Idempotency-Key memory (`idempotency.db`, its fingerprints keyed by a
 * service key of the vault).
 */
@Global()
@Module({})
export class SqliteStoresModule {
  static forRoot(): DynamicModule {
    return {
      module: SqliteStoresModule,
      providers: [
        {
          provide: AccessLog,
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) =>
            new SqliteAccessLog(join(config.get('DATA_DIR', { infer: true }), ACCESS_LOG_FILE)),
        },
        {
          provide: IdempotencyStore,
          inject: [ConfigService, IdentityVault],
          useFactory: (config: ConfigService<AppConfig, true>, vault: IdentityVault) =>
            new SqliteIdempotencyStore(
              join(config.get('DATA_DIR', { infer: true }), 'idempotency.db'),
              vault.serviceKey(IDEMPOTENCY_FINGERPRINT_KEY),
            ),
        },
        Closer,
      ],
      exports: [AccessLog, IdempotencyStore],
    };
  }
}
