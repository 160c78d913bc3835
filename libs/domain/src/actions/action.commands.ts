import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type { PreventionActionHeld, TrainingHeld } from './action.events';

/** What a coordinator records of the CPTS's prevention actions and trainings (`docs/events.md`). */
export type HoldPreventionAction = Command<'HoldPreventionAction', PreventionActionHeld>;
export type HoldTraining = Command<'HoldTraining', TrainingHeld>;

export type ActionCommand = HoldPreventionAction | HoldTraining;
export type ActionStreamCommand = ActionCommand | CorrectEntry | VoidEntry;
