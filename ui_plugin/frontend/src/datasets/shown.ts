// What each dataset field of the open form shows right now, so a column field bound to it
// (`x-jimu-dataset`) offers that data's columns and follows every new upload or pick.
import { create } from "zustand";
import type { DatasetPreview } from "./api";

interface ShownDatasets {
  byField: Record<string, DatasetPreview>;
  show: (field: string, dataset: DatasetPreview) => void;
  forget: (field: string) => void;
}

export const useShownDatasets = create<ShownDatasets>((set) => ({
  byField: {},
  show: (field, dataset) => set((s) => ({ byField: { ...s.byField, [field]: dataset } })),
  forget: (field) =>
    set((s) => {
      const { [field]: _gone, ...rest } = s.byField; // eslint-disable-line @typescript-eslint/no-unused-vars
      return { byField: rest };
    }),
}));
