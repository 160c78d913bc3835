import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module';
import { CpamImportsController } from './cpam/cpam.controller';
import { CpamIndicatorsImport } from './cpam/indicators.import';
import { MtListImport } from './cpam/mt-list.import';
import { FhirController } from './fhir/fhir.controller';
import { FhirExport } from './fhir/fhir-export';
import { FhirImport } from './fhir/fhir-import';
import { Importer } from './shared/importer';

/**
 * Data in and out of Parcours in other systems' formats: the CPAM's CSV files, FHIR R4. Imports go through
 * the capabilities' own commands and rules (`shared/importer.ts`), all or nothing.
 */
@Module({
  imports: [PatientsModule],
  controllers: [CpamImportsController, FhirController],
  providers: [Importer, MtListImport, CpamIndicatorsImport, FhirImport, FhirExport],
  exports: [Importer, MtListImport, CpamIndicatorsImport, FhirImport, FhirExport],
})
export class InteropModule {}
