import { Module } from '@nestjs/common';
import { unscheduledCareCommandHandlers } from './unscheduled-care.commands';
import { UnscheduledCareController } from './unscheduled-care.controller';

@Module({ controllers: [UnscheduledCareController], providers: [...unscheduledCareCommandHandlers] })
export class UnscheduledCareModule {}
