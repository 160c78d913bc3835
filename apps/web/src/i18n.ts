/**
 * French by default, English available. Each page keeps its own texts beside its code, as
 * `const TEXT = { fr: {...}, en: {...} }`, and reads them with `useText(TEXT)`; the enumerations the
 * API uses (pathway kinds, professions, outcomes…) have their labels in `labels.ts`.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Lang = 'fr' | 'en';

const STORAGE_KEY = 'parcours.lang';

export function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'fr' ? stored : 'fr';
}

export function storeLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

export const LangContext = createContext<Lang>('fr');

export function useLang(): Lang {
  return useContext(LangContext);
}

/** The texts of the current language from a `{ fr, en }` pair of dictionaries of the same shape. */
export function useText<T>(texts: { fr: T; en: T }): T {
  return texts[useLang()];
}
