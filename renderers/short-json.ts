/** Values quoted in messages. */

/** A value as JSON, cut to 60 characters (`...` marks the cut): short enough to quote in a message. */
export function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
