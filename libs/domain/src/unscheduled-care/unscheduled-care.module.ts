import { Module } from '@nestjs/common';
import { unscheduledCareCommandHandlers } from './unscheduled-care.handler';
import { UnscheduledCareController } from './unscheduled-care.controller';

@Module({ controllers: [UnscheduledCareController], providers: [...unscheduledCareCommandHandlers] })
export class UnscheduledCareModule {}
