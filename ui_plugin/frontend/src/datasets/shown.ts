// What each dataset field of the open form shows right now, so a column field bound to it
// (`x-jimu-dataset`) offers that data's columns and follows every new upload or pick; and which
// fields are still uploading, so the form waits for them.
import { create } from "zustand";
import type { DatasetPreview } from "./api";

interface ShownDatasets {
  byField: Record<string, DatasetPreview>;
  uploading: Record<string, boolean>;
  show: (field: string, dataset: DatasetPreview) => void;
  forget: (field: string) => void;
  setUploading: (field: string, busy: boolean) => void;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record; // eslint-disable-line @typescript-eslint/no-unused-vars
  return rest;
}

export const useShownDatasets = create<ShownDatasets>((set) => ({
  byField: {},
  uploading: {},
  show: (field, dataset) => set((s) => ({ byField: { ...s.byField, [field]: dataset } })),
  forget: (field) => set((s) => ({ byField: without(s.byField, field), uploading: without(s.uploading, field) })),
  setUploading: (field, busy) => set((s) => ({ uploading: busy ? { ...s.uploading, [field]: true } : without(s.uploading, field) })),
}));

/** Whether any dataset field of the open form is still sending a file. */
export const useAnyUpload = () => useShownDatasets((s) => Object.keys(s.uploading).length > 0);
