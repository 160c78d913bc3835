import { Module } from '@nestjs/common';
import { FinancingController } from './financing.controller';

/** ACI financing: the CPTS stream's events (the cpts capability's read model), folded per request (with `asOf`). */
@Module({ controllers: [FinancingController] })
export class FinancingModule {}
