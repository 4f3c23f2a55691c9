// The translator and the language context, read with `useI18n`; the provider is i18n.tsx.
import { createContext, useContext } from "react";
import { LANGS, MESSAGES, type Lang, type MessageKey, type PluralKey, type Text, type TextKey } from "./messages.ts";

export type Vars = Record<string, string | number>;

/**
 * Only message keys are accepted (a typo or a removed message is a type error); a counted message
 * needs its `n`, which picks the plural form of the language.
 */
export type Translate = {
  (key: PluralKey, vars: Vars & { n: number }): string;
  (key: TextKey, vars?: Vars): string;
};

export type I18n = { lang: Lang; locale: string; t: Translate; setLang: (l: Lang) => void };

/** Where the user's choice of language is kept. */
export const STORAGE_KEY = "passepartout.lang";

/** The browser's preferred language among ours (French for any fr-*), unless the user chose. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  } catch {
    // storage may be unavailable
  }
  const prefs = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
  for (const p of prefs) {
    const base = p.toLowerCase().split("-")[0];
    if ((LANGS as readonly string[]).includes(base)) return base as Lang;
  }
  return "en";
}

export function translator(lang: Lang): Translate {
  const idx = lang === "fr" ? 1 : 0;
  const plurals = new Intl.PluralRules(lang);
  const form = (text: Text, vars?: Vars): string => {
    if (typeof text === "string") return text;
    const category = plurals.select(Number(vars?.n ?? 0));
    return (category === "one" || category === "many" ? text[category] : undefined) ?? text.other;
  };
  return (key: MessageKey, vars?: Vars) => {
    const entry = MESSAGES[key];
    // A key from outside the type system (a relayer's reason code) shows as itself, never blank.
    let text = entry ? form(entry[idx], vars) : key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

/** Dates and numbers in the user's locale: the browser's own when it speaks the chosen language. */
export function localeFor(lang: Lang): string {
  const nav = typeof navigator === "undefined" ? undefined : navigator.language;
  if (nav && nav.toLowerCase().startsWith(lang)) return nav;
  return lang === "fr" ? "fr-CA" : "en-CA";
}

export const I18nContext = createContext<I18n>({
  lang: "en",
  locale: "en-CA",
  t: translator("en"),
  setLang: () => undefined,
});

export const useI18n = (): I18n => useContext(I18nContext);
