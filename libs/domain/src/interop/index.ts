export * from './interop.module';
export { Importer, type ImportContext } from './shared/importer';
export { ImportInputError, ImportRefused } from './shared/import-errors';
export { type CsvImportReport, CsvRowsRejected, type ImportProgress } from './cpam/csv-import';
export { type CsvEncoding, type CsvSeparator } from './cpam/csv-input';
export { MtListImport, MT_LIST_COLUMNS } from './cpam/mt-list.import';
export { CpamIndicatorsImport, INDICATOR_COLUMNS } from './cpam/indicators.import';
export { insKey } from './shared/french-identifiers';
