/**
 * The member directory (`GET …/members`), loaded once per sign-in: names for ids everywhere, and the
 * pickers of the forms (members who have not left, optionally of some professions).
 */
import { useEffect, useState } from 'preact/hooks';
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

/** All members (empty until loaded, or when the role may not read the directory). */
export function useMembers(): Member[] {
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    let live = true;
    loadMembers().then(
      (items) => live && setMembers(items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return members;
}

/** A member's name, or the start of the id when the directory does not know it. */
export function useMemberName(): (id: string | undefined | null) => string {
  const members = useMembers();
  const byId = new Map(members.map((member) => [member.id, member.displayName]));
  return (id) => (id ? (byId.get(id) ?? id.slice(0, 8)) : '—');
}

export function MemberSelect(props: {
  name: string;
  label: string;
  professions?: string[];
  required?: boolean;
  hint?: string;
  defaultValue?: string;
}) {
  const lang = useLang();
  const members = useMembers().filter(
    (member) => !member.leftOn && (!props.professions || props.professions.includes(member.profession)),
  );
  const choices: Array<[string, string]> = members.map((member) => [
    member.id,
    `${member.displayName} — ${label(lang, 'profession', member.profession)}${member.structure ? ` (${member.structure.name})` : ''}`,
  ]);
  // Re-mount when the list arrives, so that defaultValue applies to a present option.
  return (
    <Select
      key={`${choices.length}`}
      name={props.name}
      label={props.label}
      hint={props.hint}
      required={props.required}
      options={choices}
      defaultValue={props.defaultValue}
      placeholder="—"
    />
  );
}
