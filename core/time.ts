/** Times and durations as Ferry writes them in comments, checks and bodies: UTC, stable, locale-free. */

/** `2025-03-10 09:30 UTC`: stable, independent of the machine's zone and locale. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `1h30m`, `45m`, `30s`, `0s` */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${rest ? `${rest}s` : ""}`;
  return out || "0s";
}
