import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '@parcours/platform';
import type { RetryPolicy } from './delivery-state';

/** The channels and transports of this deployment, as the notifier and the dispatcher need them. */
export interface DeliveryConfig {
  /** Absent: e-mail is not a channel here. */
  smtp?: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    password?: string;
    caFile?: string;
    from: string;
    mssante: boolean;
  };
  webhooks: boolean;
  allowHttpLoopback: boolean;
  baseUrl: string;
  retry: RetryPolicy;
}

export function deliveryConfig(config: ConfigService<AppConfig, true>): DeliveryConfig {
  const get = <K extends keyof AppConfig>(key: K): AppConfig[K] => config.get(key, { infer: true });
  const host = get('SMTP_HOST');
  const baseUrl = (get('PUBLIC_BASE_URL') ?? `http://localhost:${get('PORT')}`).replace(/\/+$/, '');
  return {
    ...(host === undefined
      ? {}
      : {
          smtp: {
            host,
            port: get('SMTP_PORT'),
            secure: get('SMTP_SECURE'),
            ...(get('SMTP_USER') === undefined
              ? {}
              : { user: get('SMTP_USER'), password: get('SMTP_PASSWORD') }),
            ...(get('SMTP_TLS_CA_FILE') === undefined ? {} : { caFile: get('SMTP_TLS_CA_FILE') }),
            from: get('SMTP_FROM') ?? '',
            mssante: get('SMTP_MSSANTE'),
          },
        }),
    webhooks: get('WEBHOOKS'),
    allowHttpLoopback: get('WEBHOOKS_ALLOW_HTTP_LOOPBACK'),
    baseUrl,
    retry: { maxAttempts: get('NOTIFY_MAX_ATTEMPTS'), baseMs: get('NOTIFY_RETRY_BASE_MS') },
  };
}
