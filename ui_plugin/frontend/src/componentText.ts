// A component's title and description in the UI's language: built-ins are translated in the
// `components` message catalogue; any other component shows the text its spec was published with.
import type { TFunction } from "i18next";
import type { ComponentInfo } from "./api";

export function componentTitle(info: ComponentInfo, t: TFunction): string {
  return t(`components.${info.name}.title`, { defaultValue: info.title });
}

export function componentDescription(info: ComponentInfo, t: TFunction): string {
  return t(`components.${info.name}.description`, { defaultValue: info.description });
}
