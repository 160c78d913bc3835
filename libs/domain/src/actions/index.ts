export * from './action.events';
export {
  actionEvolver,
  decideHoldPreventionAction,
  decideHoldTraining,
  type ActionState,
  type ActionMembers,
} from './action.decider';
export * from './actions.module';
