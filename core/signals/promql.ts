/**
 * PromQL syntax, checked with Prometheus's own grammar (`@prometheus-io/lezer-promql`, the one its
 * web UI uses). The grammar marks what it cannot parse; Ferry reports the first such place.
 */
import { parser } from "@prometheus-io/lezer-promql";

/** Where and why a query does not parse. */
export interface PromqlSyntaxError {
  /** Offset in the query of the first character the grammar could not place. */
  readonly offset: number;
  readonly message: string;
}

/** The first syntax error of `query`, or undefined when it parses. */
export function promqlSyntaxError(query: string): PromqlSyntaxError | undefined {
  if (query.trim() === "") return { offset: 0, message: "PromQL syntax error: the query is empty" };
  let first: { from: number; to: number } | undefined;
  parser.parse(query).iterate({
    enter: (node) => {
      if (first) return false;
      if (node.type.isError) first = { from: node.from, to: node.to };
      return undefined;
    },
  });
  if (!first) return undefined;
  const rest = query.slice(first.from).trimStart();
  const offset = query.length - rest.length;
  if (rest === "") return { offset: query.length, message: "PromQL syntax error: unexpected end of the query" };
  const token = /^[A-Za-z0-9_:.]+|^\S/.exec(rest)?.[0] ?? rest[0]!;
  return { offset, message: `PromQL syntax error: unexpected ${JSON.stringify(token)}` };
}
