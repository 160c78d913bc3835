export * from './member.events';
export * from './member.commands';
export * from './member.decider';
export * from './members.module';
export * from './member-directory/member-directory.projection';
export * from './member-directory/member-directory.queries';
