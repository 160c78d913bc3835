export * from './member.events';
export * from './member.decider';
export * from './members.module';
