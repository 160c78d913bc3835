import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients';
import { pathwayCommandHandlers } from './pathways.handler';
import { PathwaysController } from './pathways.controller';

@Module({
  imports: [PatientsModule],
  controllers: [PathwaysController],
  providers: [...pathwayCommandHandlers],
})
export class PathwaysModule {}
