import type { TFunction } from "i18next";

/** A column's detected type in the UI's language; a type the catalogue does not know shows as the server says it. */
export function typeInWords(type: string, t: TFunction): string {
  return t(`datasets.types.${type}`, { defaultValue: type });
}
