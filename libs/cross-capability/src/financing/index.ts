export { FinancingModule } from './financing.module';
export { ACI_AVENANT_2, ACI_AMOUNT_TABLES, type AciAmounts, type SizeClassAmounts } from './aci-amounts';
export {
  computeFinancing,
  contractPeriod,
  cptsStateAsOf,
  type CptsHistoryEvent,
  type Financing,
  type FinancingLine,
  type FinancingPart,
} from './financing';
