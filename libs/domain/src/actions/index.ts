export * from './action.events';
export * from './action.commands';
export {
  actionEvolver,
  actionCorrections,
  decideAction,
  type ActionState,
  type ActionMembers,
} from './action.decider';
export { ActionCommandMessage } from './actions.handler';
export * from './actions.module';
