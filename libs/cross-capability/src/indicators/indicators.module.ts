import { Module } from '@nestjs/common';
import { ProjectionRegistry, ReadStore } from '@parcours/projections';
import { indicatorFactsProjection } from './indicator-facts.projection';
import { IndicatorsController } from './indicators.controller';
import { IndicatorsReader } from './indicators.reader';

/** The read models of the indicators. */
export const indicatorProjections = [indicatorFactsProjection];

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
export class IndicatorsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...indicatorProjections);
  }
}
