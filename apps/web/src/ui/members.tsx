/**
 * The member directory (`GET …/members`), loaded once per sign-in: names for ids everywhere, and the
 * pickers of the forms (members who have not left, optionally of some professions).
 */
import { type RefObject } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { get, tenant } from '../api';
import { useLang } from '../i18n';
import { label } from '../labels';
import { Select } from './forms';

export interface Member {
  id: string;
  displayName: string;
  profession: string;
  structure?: { kind: string; name: string };
  joinedOn: string;
  leftOn?: string;
  sasParticipant: boolean;
}

let cache: Promise<Member[]> | null = null;

export function forgetMembers(): void {
  cache = null;
}

export function loadMembers(): Promise<Member[]> {
  cache ??= get<{ items: Member[] }>(tenant('/members')).then(
    (page) => page.items,
    (error: unknown) => {
      cache = null;
      throw error;
    },
  );
  return cache;
}

/** All members (empty until loaded, or when the role may not read the directory, or when not `wanted`). */
export function useMembers(wanted = true): Member[] {
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    loadMembers().then(
      (items) => live && setMembers(items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  return members;
}

/** A member's name, or the start of the id when the directory does not know it. */
export function useMemberName(): (id: string | undefined | null) => string {
  const members = useMembers();
  const byId = new Map(members.map((member) => [member.id, member.displayName]));
  return (id) => (id ? (byId.get(id) ?? id.slice(0, 8)) : '—');
}

/** French alphabetical order: accented names among the others (é with e), not after z. */
export const FRENCH = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** Letters without accents nor case, to match what is typed against names. */
export const folded = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Whether a member belonged to the CPTS on a day (`YYYY-MM-DD`). */
export const presentOn = (member: Member, day: string): boolean =>
  member.joinedOn <= day && (member.leftOn === undefined || member.leftOn >= day);

/**
 * The day (`YYYY-MM-DD`) a date or date-time field of the form around `ref` holds, followed as it is
 * typed or changed (a form reset brings its default back); undefined while it holds none.
 */
function useFieldDay(ref: RefObject<HTMLElement>, field: string | undefined): string | undefined {
  const [day, setDay] = useState<string | undefined>(undefined);
  useEffect(() => {
    const form = ref.current?.closest('form');
    if (!field || !form) return;
    const read = () => {
      const control = form.elements.namedItem(field);
      const value = control instanceof HTMLInputElement ? control.value : '';
      setDay(/^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined);
    };
    const changed = (event: Event) => {
      if ((event.target as HTMLInputElement | null)?.name === field) read();
    };
    // The reset event comes before the fields get their defaults back.
    const reset = () => setTimeout(read, 0);
    read();
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('reset', reset);
    return () => {
      form.removeEventListener('input', changed);
      form.removeEventListener('change', changed);
      form.removeEventListener('reset', reset);
    };
  }, [ref, field]);
  return day;
}

/**
 * A member picker: the members who have not left (or those present on `presentOn`, or on the day the
 * form's `dateField` holds — the date of what is recorded, so that no one who was not yet or no longer a
 * member is offered), of `professions`,
 * passing `only` (e.g. a protocol's adherents), in French alphabetical order, narrowed by what is typed in
 * its search field. The selection stays on the chosen member while the list is narrowed.
 */
export function MemberSelect(props: {
  name: string;
  label: string;
  professions?: string[];
  required?: boolean;
  hint?: string;
  defaultValue?: string;
  /** `YYYY-MM-DD`: members present that day, instead of those who have not left. */
  presentOn?: string;
  /** The name of the form's date or date-time field whose day narrows the list (as `presentOn`). */
  dateField?: string;
  /** Only these members (by id), when given. */
  only?: readonly string[];
}) {
  const lang = useLang();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const searchId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const fieldDay = useFieldDay(ref, props.dateField);
  const day = props.presentOn ?? fieldDay;
  const members = useMembers()
    .filter(
      (member) =>
        (day ? presentOn(member, day) : !member.leftOn) &&
        (!props.professions || props.professions.includes(member.profession)) &&
        (!props.only || props.only.includes(member.id)),
    )
    .sort((a, b) => FRENCH.compare(a.displayName, b.displayName));
  const describe = (member: Member) =>
    `${member.displayName} — ${label(lang, 'profession', member.profession)}${member.structure ? ` (${member.structure.name})` : ''}`;
  const wanted = folded(search.trim());
  const selected = chosen ?? props.defaultValue;
  const choices: Array<[string, string]> = members
    .filter((member) => wanted === '' || member.id === selected || folded(describe(member)).includes(wanted))
    .map((member) => [member.id, describe(member)]);
  const initial =
    selected !== undefined && members.some((member) => member.id === selected) ? selected : undefined;
  return (
    <div class="member-picker" ref={ref}>
      {members.length > 8 && (
        <div class="field member-search">
          <label for={searchId}>
            {lang === 'fr' ? `Rechercher — ${props.label}` : `Search — ${props.label}`}
          </label>
          <input
            id={searchId}
            type="search"
            autocomplete="off"
            value={search}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </div>
      )}
      {/* Re-mount when the list changes, so that the selection applies to a present option. */}
      <Select
        key={`${choices.length}-${initial ?? ''}`}
        name={props.name}
        label={props.label}
        hint={props.hint}
        required={props.required}
        options={choices}
        defaultValue={initial}
        placeholder="—"
        onChange={(value) => setChosen(value || undefined)}
      />
    </div>
  );
}
