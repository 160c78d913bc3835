import { type DynamicModule, Module } from '@nestjs/common';
import { DemoOnStart } from './demo-on-start';
import { DemoSeeder } from './demo-seeder';

/**
 * The demo CPTS. Needs the CommandBus (`CqrsModule`), the event store, the configuration and the domain
 * modules (whose handlers it dispatches to). The CLI imports `DemoModule` (the seeder alone); the API
 * imports `DemoModule.loadOnStart()`, which also loads the demo into an empty store at start.
 */
@Module({ providers: [DemoSeeder], exports: [DemoSeeder] })
export class DemoModule {
  static loadOnStart(): DynamicModule {
    return { module: DemoModule, providers: [DemoSeeder, DemoOnStart], exports: [DemoSeeder] };
  }
}
