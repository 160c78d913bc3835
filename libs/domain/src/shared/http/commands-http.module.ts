import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CommandResponseInterceptor } from './command-response.interceptor';

/**
 * How commands meet HTTP: the response shape and the Idempotency-Key memory (its store is a port,
 * `IdempotencyStore`, provided by the application). Capabilities import nothing from here but `Meta`.
 */
@Global()
@Module({
  providers: [{ provide: APP_INTERCEPTOR, useClass: CommandResponseInterceptor }],
})
export class CommandsHttpModule {}
