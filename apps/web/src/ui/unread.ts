/** The unread count of the signed-in user's inbox, for the menu: read on each page change and every minute. */
import { useEffect, useState } from 'preact/hooks';
import { get, tenant } from '../api';

const EVERY_MS = 60_000;
const CHANGED = 'parcours:inbox-changed';

/** Tells the menu that the inbox changed (a notification marked read): it reads the count again. */
export const inboxChanged = (): void => {
  window.dispatchEvent(new Event(CHANGED));
};

/** null until known, or when the user has no inbox (`enabled` false) or it cannot be read. */
export function useUnread(enabled: boolean, page: string): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const read = () => {
      get<{ unread: number }>(tenant('/inbox?limit=0')).then(
        (inbox) => live && setUnread(inbox.unread),
        () => live && setUnread(null),
      );
    };
    read();
    const timer = setInterval(read, EVERY_MS);
    window.addEventListener(CHANGED, read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener(CHANGED, read);
    };
  }, [enabled, page]);
  return unread;
}
