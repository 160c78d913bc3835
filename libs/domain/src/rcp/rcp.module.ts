import { Module } from '@nestjs/common';
import { rcpCommandHandlers } from './rcp.handler';
import { RcpController } from './rcp.controller';

@Module({ controllers: [RcpController], providers: [...rcpCommandHandlers] })
export class RcpModule {}
