import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Relative asset URLs: the same build is served at `/` (jimu ui) and at `/jimu/` (Airflow plugin).
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
});
