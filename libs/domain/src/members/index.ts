export * from './member.events';
export * from './member.commands';
export * from './member.decider';
export * from './members.module';
