// One message catalogue per language; every string the UI shows comes from here.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import zh from "./locales/zh.json";

export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORED = "jimu.language";

function startLanguage(): Language {
  const stored = localStorage.getItem(STORED);
  return stored === "zh" || stored === "en" ? stored : "en";
}

i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: startLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false }, // React escapes
});

export function setLanguage(language: Language): void {
  localStorage.setItem(STORED, language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  void i18n.changeLanguage(language);
}

export default i18n;
