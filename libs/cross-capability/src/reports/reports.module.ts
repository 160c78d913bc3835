import { Module } from '@nestjs/common';
import { IndicatorsModule } from '../indicators/indicators.module';
import { ReportsController } from './reports.controller';

/** The yearly review pack (JSON, PDF, annex CSV) and the financing's spreadsheet export. */
@Module({ imports: [IndicatorsModule], controllers: [ReportsController] })
export class ReportsModule {}
