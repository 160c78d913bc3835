import { Module } from '@nestjs/common';
import { cptsCommandHandlers } from './cpts.handler';
import { CptsController } from './cpts.controller';

@Module({ controllers: [CptsController], providers: [...cptsCommandHandlers] })
export class CptsModule {}
