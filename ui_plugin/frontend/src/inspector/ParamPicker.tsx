// A node param may take a pipeline param's value at run time: {"$param": "name"} (jimu.refs).
import { useTranslation } from "react-i18next";

export const PARAM_REF_KEY = "$param";

/** The pipeline param a value refers to, else null (jimu.refs.param_reference). */
export function paramReference(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== PARAM_REF_KEY) return null;
  const name = (value as Record<string, unknown>)[PARAM_REF_KEY];
  return typeof name === "string" ? name : "";
}

interface Props {
  id: string;
  names: string[]; // the pipeline's params
  bound: string | null;
  onPick: (value: unknown) => void; // a reference, or undefined for a value typed here
}

/** Choose between a value typed in the form and one of the pipeline's params. */
export function ParamPicker({ id, names, bound, onPick }: Props) {
  const { t } = useTranslation();
  if (names.length === 0 && bound === null) return null;
  const choices = bound !== null && !names.includes(bound) ? [...names, bound] : names;
  return (
    <select
      className="param-picker"
      data-testid="param-picker"
      aria-label={t("inspector.valueFrom")}
      aria-controls={id}
      value={bound ?? ""}
      onChange={(event) => onPick(event.target.value ? { [PARAM_REF_KEY]: event.target.value } : undefined)}
    >
      <option value="">{t("inspector.typedValue")}</option>
      {choices.map((name) => (
        <option key={name} value={name}>
          {t("inspector.pipelineParam", { name })}
        </option>
      ))}
    </select>
  );
}
