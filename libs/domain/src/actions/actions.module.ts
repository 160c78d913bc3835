import { Module } from '@nestjs/common';
import { actionCommandHandlers } from './actions.handler';
import { ActionsController } from './actions.controller';

@Module({ controllers: [ActionsController], providers: [...actionCommandHandlers] })
export class ActionsModule {}
