import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { LANGS, MESSAGES, type Lang } from "./messages.ts";

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export type I18n = { lang: Lang; locale: string; t: Translate; setLang: (l: Lang) => void };

const STORAGE_KEY = "passepartout.lang";

/** The browser's preferred language among ours (French for any fr-*), unless the user chose. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  } catch {
    // storage may be unavailable
  }
  const prefs = typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language];
  for (const p of prefs) {
    const base = p.toLowerCase().split("-")[0];
    if ((LANGS as readonly string[]).includes(base)) return base as Lang;
  }
  return "en";
}

export function translator(lang: Lang): Translate {
  const idx = lang === "fr" ? 1 : 0;
  return (key, vars) => {
    const entry = MESSAGES[key];
    let text = entry ? entry[idx] : key;
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

const I18nContext = createContext<I18n>({ lang: "en", locale: "en-CA", t: translator("en"), setLang: () => undefined });

export function I18nProvider({ children, lang: forced }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(forced ?? initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // ignore
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => ({ lang, locale: localeFor(lang), t: translator(lang), setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);
