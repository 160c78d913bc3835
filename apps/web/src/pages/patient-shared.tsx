/**
 * What the patient, RCP and unscheduled-care pages share: ids typed or pasted by users, and yes/no cells.
 */
import { useLang } from '../i18n';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The first UUID in what the user typed or pasted (an id, or a link such as `#/pathways/<id>`), in lower
 * case as the server issues them; the trimmed text itself when there is none, so that the API names it.
 */
export function idIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const match = UUID.exec(text);
  return match ? match[0].toLowerCase() : text.trim();
}

export const isUuid = (text: string): boolean => new RegExp(`^${UUID.source}$`, 'i').test(text.trim());

export function YesNo({ value }: { value: boolean }) {
  const lang = useLang();
  const yes = lang === 'fr' ? 'Oui' : 'Yes';
  const no = lang === 'fr' ? 'Non' : 'No';
  return value ? <strong>{yes}</strong> : <span class="muted">{no}</span>;
}
