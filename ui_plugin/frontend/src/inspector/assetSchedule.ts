// Asset schedules (jimu.spec.assets.AssetCondition) as the settings panel edits them: any/all of names.

export type AssetMode = "any" | "all";

/** A schedule the panel edits in place: every asset listed at one level under any/all. */
export interface FlatAssetSchedule {
  mode: AssetMode;
  names: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a stored schedule is an asset condition (an object) rather than cron text or a preset. */
export function isAssetSchedule(schedule: unknown): schedule is Record<string, unknown> {
  return isObject(schedule);
}

function singleAsset(condition: unknown): string | null {
  return isObject(condition) && Object.keys(condition).length === 1 && typeof condition.asset === "string" ? condition.asset : null;
}

/** `{"asset": a}` or `{"any"|"all": [{"asset": ...}, ...]}` as mode and names; null for nested conditions. */
export function flatAssetSchedule(schedule: unknown): FlatAssetSchedule | null {
  const one = singleAsset(schedule);
  if (one !== null) return { mode: "any", names: [one] };
  if (!isObject(schedule) || Object.keys(schedule).length !== 1) return null;
  const mode = "any" in schedule ? "any" : "all" in schedule ? "all" : null;
  const parts = mode ? schedule[mode] : null;
  if (!mode || !Array.isArray(parts)) return null;
  const names = parts.map(singleAsset);
  return names.every((name) => name !== null) ? { mode, names: names as string[] } : null;
}

/** What the panel stores: `{"any"|"all": [{"asset": name}, ...]}`, or undefined with no names. */
export function assetSchedule({ mode, names }: FlatAssetSchedule): Record<string, unknown> | undefined {
  return names.length ? { [mode]: names.map((asset) => ({ asset })) } : undefined;
}

// jimu.spec.assets.ASSET_NAME: what the panel lets be added (the server explains anything else).
const ASSET_NAME = /^[a-z0-9][a-z0-9_.-]{0,199}$/;

export function isAssetName(text: string): boolean {
  return ASSET_NAME.test(text);
}
