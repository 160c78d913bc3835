export { ReportsModule } from './reports.module';
export { yearlyPack, type YearlyPack, type PackMission, type PackIndicator } from './yearly-pack';
