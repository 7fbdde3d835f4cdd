/** The JSON Schema formats Ferry adds to ajv's: `cron` and `time-zone`. */

const CRON_MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const CRON_ATOM = "(?:\\*|\\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/[0-9]+)?";
const CRON_FIELD = new RegExp(`^${CRON_ATOM}(?:,${CRON_ATOM})*$`);

/** Ferry's `cron` format: five cron fields (minute hour day-of-month month day-of-week) or a macro like `@daily`. */
export function isCron(value: string): boolean {
  const s = value.trim();
  if (CRON_MACROS.has(s)) return true;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** Ferry's `time-zone` format: a time zone name the runtime's Intl knows (IANA names such as Europe/Berlin). */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
