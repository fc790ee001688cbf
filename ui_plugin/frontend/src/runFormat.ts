// How run times read in the run pane and the history.

/** A duration: "0.8 s", "12 s", "3 min 05 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

/** A time of day (seconds since the epoch) in the UI's language, e.g. "19:54:10". */
export function formatClock(epochSeconds: number, language: string): string {
  return new Date(epochSeconds * 1000).toLocaleTimeString(language === "zh" ? "zh-CN" : "en-GB");
}
