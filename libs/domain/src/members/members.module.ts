import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { memberDirectoryProjection } from './member-directory/member-directory.projection';
import { MemberDirectoryQueries } from './member-directory/member-directory.queries';
import { memberCommandHandlers } from './members.handler';
import { MembersController } from './members.controller';

/** The read models of the members capability. */
export const memberProjections = [memberDirectoryProjection];

const httpControllers = [MembersController];
const queries = [MemberDirectoryQueries];

@Module({
  controllers: [...httpControllers],
  providers: [...memberCommandHandlers, ...queries],
  exports: [...queries],
})
export class MembersModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...memberProjections);
  }
}
