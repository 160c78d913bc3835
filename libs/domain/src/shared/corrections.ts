import {
  type Command,
  type Decision,
  type DomainEvent,
  type Evolver,
  fold,
  type StoredEvent,
} from './decider';
import { broken, RuleViolation } from './errors';

/**
 * Corrections and voidings, the same on every stream (`docs/events.md`, Corrections). A mistake is never
 * edited: `EntryCorrected` replaces some fields of an earlier entry, `EntryVoided` takes it out. What the
 * stream says is its events *as they now stand* (`effectiveEvents`), and every state is folded from those.
 *
 * A correction goes through the same decision as the entry did: the entry with its correction applied is
 * decided again as if it were new, at its own business time, against the stream without it (the entries
 * before it, as they now stand) and the facts as they were then; and every later entry must still obey
 * the stream's own rules. A voiding is refused where the stream without the entry would break one.
 */

export interface EntryCorrected {
  targetEventId: string;
  reason: string;
  /** The fields that replace the target's (a shallow merge). */
  correction: Record<string, unknown>;
}
export interface EntryVoided {
  targetEventId: string;
  reason: string;
}

export type CorrectionEvent =
  DomainEvent<'EntryCorrected', EntryCorrected> | DomainEvent<'EntryVoided', EntryVoided>;

export type CorrectEntry = Command<'CorrectEntry', EntryCorrected>;
export type VoidEntry = Command<'VoidEntry', EntryVoided>;

const isCorrection = (event: StoredEvent): event is StoredEvent<CorrectionEvent> =>
  event.type === 'EntryCorrected' || event.type === 'EntryVoided';

/**
 * The stream's entries as they now stand, in stream order: each correction merged into its target, each
 * voided entry left out. Voiding the stream's first event voids the whole record: nothing is left.
 */
export function effectiveEvents<E extends DomainEvent>(
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
): Array<StoredEvent<E>> {
  const entries: Array<StoredEvent<E>> = [];
  const first = history[0]?.context.eventId;
  for (const event of history) {
    if (!isCorrection(event)) {
      entries.push(event);
      continue;
    }
    const { targetEventId } = event.data;
    const index = entries.findIndex((entry) => entry.context.eventId === targetEventId);
    if (index < 0) continue;
    if (event.type === 'EntryVoided') {
      if (targetEventId === first) return [];
      entries.splice(index, 1);
    } else {
      const target = entries[index];
      entries[index] = { ...target, data: { ...target.data, ...event.data.correction } };
    }
  }
  return entries;
}

/** What a stream's decider tells the kernel so that its entries can be corrected and voided. */
export interface CorrectionRules<S, E extends DomainEvent, F> {
  evolver: Evolver<S, E>;
  /**
   * The entry types a correction may target: the optional fields a correction may add to an entry that
   * lacks them, and the fields it may not change (the ids that tie an entry to others, what the route
   * names).
   */
  correctable: Partial<Record<E['type'], { optional?: readonly string[]; locked?: readonly string[] }>>;
  /** The entry types a voiding may target. */
  voidable: ReadonlySet<E['type']>;
  /** Voiding the stream's first event voids the whole record (streams of a single record). */
  recordVoidable?: boolean;
  /** The corrected entry is still well formed (the request's own validation); throws `correction-invalid`. */
  shape?: (entry: StoredEvent<E>) => void;
  /** What must hold of the whole stream whatever the order of its entries (e.g. nothing after leaving). */
  invariant?: (state: S) => void;
  /** Who may change the stream's entries at all (a professional the patient blocked may not). */
  mayChange?: (state: S, facts: F, decision: Decision) => void;
  /** Decides the entry again as if it were new, against the stream before it; throws the rule it breaks. */
  redecide: (entry: StoredEvent<E>, before: S, facts: F, decision: Decision) => void;
  /** The rules of the stream alone (order, references within it, times), for the entries after a change. */
  recheck: (entry: StoredEvent<E>, before: S) => void;
}

function findTarget<E extends DomainEvent>(
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
  live: Array<StoredEvent<E>>,
  targetEventId: string,
): number {
  const index = live.findIndex((entry) => entry.context.eventId === targetEventId);
  if (index >= 0) return index;
  if (history.some((event) => event.context.eventId === targetEventId && !isCorrection(event))) {
    throw broken('entry-voided', 'Cette entrée a été annulée.', 'This entry was voided.', 'targetEventId');
  }
  throw broken(
    'unknown-entry',
    'Aucune entrée de cet identifiant dans ce dossier.',
    'No entry with this id in this record.',
    'targetEventId',
  );
}

const notAllowed = (what: 'correct' | 'void', type: string) =>
  broken(
    what === 'void' ? 'entry-not-voidable' : 'entry-not-correctable',
    what === 'void'
      ? `Une entrée ${type} ne peut pas être annulée.`
      : `Une entrée ${type} ne peut pas être corrigée.`,
    what === 'void' ? `A ${type} entry cannot be voided.` : `A ${type} entry cannot be corrected.`,
    'targetEventId',
  );

/** The rule, its path read in the request: a field the correction changed, else the whole request part. */
function relocated(error: unknown, fields: readonly string[], path: string): unknown {
  if (!(error instanceof RuleViolation)) return error;
  const field = error.path?.split(/[.[]/)[0];
  return new RuleViolation(
    error.rule,
    error.messages,
    field !== undefined && fields.includes(field) ? `correction.${error.path}` : path,
  );
}

/** The stream's invariant on the state a change leaves. */
function holds<S, E extends DomainEvent, F>(
  rules: CorrectionRules<S, E, F>,
  state: S,
  fields: readonly string[],
  path: string,
): void {
  try {
    rules.invariant?.(state);
  } catch (error) {
    throw relocated(error, fields, path);
  }
}

/**
 * Every entry after the change, rechecked by the stream's own rules on the state the change leaves;
 * returns the state at the end of the stream.
 */
function recheckLater<S, E extends DomainEvent, F>(
  rules: CorrectionRules<S, E, F>,
  state: S,
  later: Array<StoredEvent<E>>,
  path: string,
): S {
  for (const entry of later) {
    try {
      rules.recheck(entry, state);
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      throw new RuleViolation(
        error.rule,
        {
          fr: `Une entrée enregistrée ensuite (${entry.type}) ne tiendrait plus : ${error.messages.fr}`,
          en: `An entry recorded later (${entry.type}) would no longer hold: ${error.messages.en}`,
        },
        path,
      );
    }
    state = rules.evolver.evolve(state, entry);
  }
  return state;
}

/** `EntryCorrected`, or the rule the corrected entry (or a later one) breaks. */
export function decideCorrection<S, E extends DomainEvent, F>(
  command: EntryCorrected,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
  rules: CorrectionRules<S, E, F>,
  facts: F,
  decision: Decision,
): CorrectionEvent[] {
  const live = effectiveEvents(history);
  rules.mayChange?.(fold(rules.evolver, live), facts, decision);
  const index = findTarget(history, live, command.targetEventId);
  const target = live[index];
  const allowed = rules.correctable[target.type as E['type']];
  if (allowed === undefined) throw notAllowed('correct', target.type);
  const { optional = [], locked: lockedFields = [] } = allowed;
  const fields = Object.keys(command.correction);
  if (fields.length === 0) {
    throw broken(
      'empty-correction',
      'La correction ne change aucun champ.',
      'The correction changes no field.',
      'correction',
    );
  }
  const data = target.data as Record<string, unknown>;
  const locked = fields.find(
    (field) => lockedFields.includes(field) || !(field in data || optional.includes(field)),
  );
  if (locked !== undefined) {
    throw broken(
      'correction-field-not-allowed',
      `Le champ ${locked} ne peut pas être corrigé sur une entrée ${target.type}.`,
      `Field ${locked} cannot be corrected on a ${target.type} entry.`,
      `correction.${locked}`,
    );
  }
  const corrected = { ...target, data: { ...data, ...command.correction } } as StoredEvent<E>;
  rules.shape?.(corrected);
  const before = fold(rules.evolver, live.slice(0, index));
  try {
    rules.redecide(corrected, before, facts, decision);
  } catch (error) {
    throw relocated(error, fields, 'correction');
  }
  const after = recheckLater(
    rules,
    rules.evolver.evolve(before, corrected),
    live.slice(index + 1),
    'correction',
  );
  holds(rules, after, fields, 'correction');
  return [{ type: 'EntryCorrected', data: { ...command, correction: { ...command.correction } } }];
}

/** `EntryVoided`, or the rule the stream without the entry would break. */
export function decideVoiding<S, E extends DomainEvent, F>(
  command: EntryVoided,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
  rules: CorrectionRules<S, E, F>,
  facts: F,
  decision: Decision,
): CorrectionEvent[] {
  const live = effectiveEvents(history);
  rules.mayChange?.(fold(rules.evolver, live), facts, decision);
  const index = findTarget(history, live, command.targetEventId);
  const target = live[index];
  const first = history[0]?.context.eventId === target.context.eventId;
  if (first ? !rules.recordVoidable : !rules.voidable.has(target.type)) {
    throw notAllowed('void', target.type);
  }
  if (!first) {
    const before = fold(rules.evolver, live.slice(0, index));
    holds(rules, recheckLater(rules, before, live.slice(index + 1), 'targetEventId'), [], 'targetEventId');
  }
  return [{ type: 'EntryVoided', data: { ...command } }];
}

/** A correction or a voiding of one of the stream's entries. */
export function decideCorrectionCommand<S, E extends DomainEvent, F>(
  command: CorrectEntry | VoidEntry,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
  rules: CorrectionRules<S, E, F>,
  facts: F,
  decision: Decision,
): CorrectionEvent[] {
  return command.type === 'CorrectEntry'
    ? decideCorrection(command.data, history, rules, facts, decision)
    : decideVoiding(command.data, history, rules, facts, decision);
}

export const isCorrectionCommand = (command: { type: string }): command is CorrectEntry | VoidEntry =>
  command.type === 'CorrectEntry' || command.type === 'VoidEntry';

/**
 * The data a correction's facts are loaded for: the target as it now stands with the correction merged
 * (undefined when there is no such live entry: the decision then refuses it with its rule).
 */
export function correctedData(
  history: ReadonlyArray<StoredEvent<DomainEvent>>,
  command: CorrectEntry | VoidEntry,
): Record<string, unknown> | undefined {
  const target = effectiveEvents(history).find(
    (entry) => entry.context.eventId === command.data.targetEventId,
  );
  if (!target) return undefined;
  const data = target.data as Record<string, unknown>;
  return command.type === 'CorrectEntry' ? { ...data, ...command.data.correction } : data;
}
