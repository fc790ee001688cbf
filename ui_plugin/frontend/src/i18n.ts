// One message catalogue per language; every string the UI shows comes from here.
// `locales/<lang>.json` holds the shared strings; each feature adds `locales/<lang>/<feature>.json`,
// read as `t("<feature>.key")`, so features never edit one another's files.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import zh from "./locales/zh.json";

export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORED = "jimu.language";

type Messages = Record<string, unknown>;
const FEATURES = import.meta.glob<Messages>("./locales/*/*.json", { eager: true, import: "default" });

function catalogue(language: Language, shared: Messages): Messages {
  const messages: Messages = { ...shared };
  for (const [path, feature] of Object.entries(FEATURES)) {
    const match = /^\.\/locales\/([a-z]+)\/([A-Za-z0-9_]+)\.json$/.exec(path);
    if (match && match[1] === language) messages[match[2]] = feature;
  }
  return messages;
}

function startLanguage(): Language {
  const stored = localStorage.getItem(STORED);
  return stored === "zh" || stored === "en" ? stored : "en";
}

i18n.use(initReactI18next).init({
  resources: { en: { translation: catalogue("en", en) }, zh: { translation: catalogue("zh", zh) } },
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
