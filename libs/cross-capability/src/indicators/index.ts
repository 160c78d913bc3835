export { IndicatorsModule, indicatorProjections } from './indicators.module';
export {
  INDICATORS,
  indicatorByCode,
  type IndicatorDefinition,
  type IndicatorMission,
} from './indicator-catalogue';
export { INDICATOR_FACTS, indicatorFactsProjection } from './indicator-facts.projection';
export { externalFigures, type ExternalFigure } from './external-figures';
export {
  IndicatorsReader,
  type IndicatorEvent,
  type IndicatorFigure,
  type IndicatorQuery,
} from './indicators.reader';
