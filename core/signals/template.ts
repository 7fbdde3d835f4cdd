/**
 * Signal templates: the `${name}` variables of a signal's PromQL (and of observability links),
 * substituted purely, with the way back from a place in the result to the place in the template.
 */

/** The variables a signal query may use. */
export const SIGNAL_VARIABLES = ["namespace", "component", "project", "release", "window"] as const;
export type SignalVariable = (typeof SIGNAL_VARIABLES)[number];
export type SignalValues = Readonly<Record<SignalVariable, string>>;

const VARIABLE = /\$\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}/g;

/** A variable of a template Ferry does not know, with its offset in the template. */
export interface UnknownVariable {
  readonly name: string;
  readonly offset: number;
}

/** The `${...}` of `template` that are not among `known`. */
export function unknownVariables(template: string, known: readonly string[] = SIGNAL_VARIABLES): UnknownVariable[] {
  return [...template.matchAll(VARIABLE)].filter((m) => !known.includes(m[1]!)).map((m) => ({ name: m[1]!, offset: m.index }));
}

export interface Substituted {
  readonly text: string;
  /** The offset in the template of the character at `offset` of `text` (a substituted value maps to its `${`). */
  templateOffset(offset: number): number;
}

/** Replaces each known `${name}` by its value; unknown ones stay as written. */
export function substitute(template: string, values: Readonly<Record<string, string>>): Substituted {
  // Pieces: [offset in text, offset in template, length, whether copied verbatim].
  const pieces: { text: number; template: number; length: number; verbatim: boolean }[] = [];
  let text = "";
  let from = 0;
  for (const m of template.matchAll(VARIABLE)) {
    const value = values[m[1]!];
    if (value === undefined) continue;
    pieces.push({ text: text.length, template: from, length: m.index - from, verbatim: true });
    text += template.slice(from, m.index);
    pieces.push({ text: text.length, template: m.index, length: value.length, verbatim: false });
    text += value;
    from = m.index + m[0].length;
  }
  pieces.push({ text: text.length, template: from, length: template.length - from, verbatim: true });
  text += template.slice(from);
  return {
    text,
    templateOffset(offset) {
      for (const p of pieces) {
        if (offset < p.text + p.length) return p.verbatim ? p.template + (offset - p.text) : p.template;
      }
      return template.length;
    },
  };
}

/** Quotes a value for use inside a PromQL string literal (`"..."`), so a name can never end the literal. */
export function promqlString(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}
