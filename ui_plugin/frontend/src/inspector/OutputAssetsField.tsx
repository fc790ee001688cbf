// A node's `assets` (output port -> asset name): one row per output of its component, a checkbox to
// mark the output an asset and the asset's name. Ports the component lacks are kept and shown, so the
// validator's problem about them has a place to sit.
import type { FieldProps } from "@rjsf/utils";
import { useTranslation } from "react-i18next";
import { fieldOf } from "../validation";
import { ProblemNotes } from "./ProblemNotes";
import type { FormContext } from "./SchemaForm";

export interface OutputAssetsContext extends FormContext {
  outputs?: string[]; // the component's output ports; undefined while it is unknown
  node?: string;
}

function asNames(data: unknown): Record<string, string> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return {};
  return Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

export function OutputAssetsField({ formData, onChange, fieldPathId, registry }: FieldProps) {
  const { t } = useTranslation();
  const context = registry.formContext as OutputAssetsContext;
  const assets = asNames(formData);
  const ports = [...(context.outputs ?? []), ...Object.keys(assets).filter((p) => !context.outputs?.includes(p))];
  const id = fieldPathId.$id;
  const set = (next: Record<string, string>) =>
    onChange(Object.keys(next).length ? next : undefined, fieldPathId.path, undefined, id);
  const suggested = (port: string) => (context.node ? `${context.node}_${port}` : port);

  if (!ports.length) return null;
  return (
    <fieldset className="output-assets" data-testid="output-assets">
      <legend className="form-label">{t("inspector.assets.outputs")}</legend>
      {ports.map((port) => {
        const marked = port in assets;
        return (
          <div className="output-asset" key={port} data-port={port} data-field={`assets.${port}`}>
            <label>
              <input
                type="checkbox"
                data-testid={`output-asset-${port}`}
                checked={marked}
                onChange={(event) => {
                  const { [port]: _gone, ...rest } = assets;
                  set(event.target.checked ? { ...assets, [port]: suggested(port) } : rest);
                }}
              />{" "}
              {t("inspector.assets.markOutput", { port })}
            </label>
            {marked && (
              <input
                data-testid={`output-asset-name-${port}`}
                aria-label={t("inspector.assets.outputName", { port })}
                spellCheck={false}
                value={assets[port]}
                onChange={(event) => set({ ...assets, [port]: event.target.value.trim() })}
              />
            )}
            <ProblemNotes problems={context.problems.filter((p) => fieldOf(p) === `assets.${port}`)} />
          </div>
        );
      })}
      <p className="inspector-help">{t("inspector.assets.outputsHelp")}</p>
    </fieldset>
  );
}
