export { DemoModule } from './demo.module';
export { DemoOnStart } from './demo-on-start';
export {
  DEMO_CPTS_ID,
  DEMO_LANES,
  DEMO_SEED,
  EARLIEST_UNTIL,
  DemoSeedAborted,
  DemoSeedError,
  DemoSeeder,
  type DemoProgress,
  type DemoReport,
  type DemoSeedOptions,
} from './demo-seeder';
export { buildDemoPlan, type BuiltDemoPlan, type DemoPlanOptions } from './demo-plan';
export { isCalendarDate, lastDayOfPreviousMonth, parisToday } from './calendar';
