import { Module } from '@nestjs/common';
import { protocolCommandHandlers } from './protocols.handler';
import { ProtocolsController } from './protocols.controller';

@Module({ controllers: [ProtocolsController], providers: [...protocolCommandHandlers] })
export class ProtocolsModule {}
