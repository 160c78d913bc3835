import { Module } from '@nestjs/common';
import { ProjectionRegistry, ReadStore } from '@parcours/projections';
import { indicatorFactsProjection } from './indicator-facts.projection';
import { IndicatorsController } from './indicators.controller';
import { IndicatorsReader } from './indicators.reader';

/** The indicators of `indicators.md`: the facts projection, the figures, the drill-down and the CSV series. */
@Module({
  controllers: [IndicatorsController],
  providers: [
    {
      provide: IndicatorsReader,
      inject: [ReadStore],
      useFactory: (readStore: ReadStore) => new IndicatorsReader(readStore),
    },
  ],
  exports: [IndicatorsReader],
})
export class IndicatorsReadModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(indicatorFactsProjection);
  }
}
