import { Module } from '@nestjs/common';
import { memberCommandHandlers } from './members.handler';
import { MembersController } from './members.controller';

@Module({ controllers: [MembersController], providers: [...memberCommandHandlers] })
export class MembersModule {}
