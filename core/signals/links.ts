/**
 * The platform's `observability.links` (logs, traces, dashboards) for one component's release:
 * each template with `${namespace}`, `${component}`, `${project}`, `${release}` and `${window}`
 * substituted, every value URL-encoded. Pure: Ferry only shows the links, it never calls them.
 */
import { formatDuration } from "../time.js";
import { SIGNAL_VARIABLES, substitute, unknownVariables, type SignalValues } from "./template.js";

/** The link templates (`observability.links`) and the namespace their `${namespace}` takes. */
export interface ObservabilityLinks {
  readonly templates: Readonly<Record<string, string>>;
  /** The component's namespace in the environment. */
  readonly namespace: string;
}

/** One link: its URL, or why it is not shown (the template is not an http(s) URL, or uses an unknown variable). */
export type ObservabilityLink = { readonly name: string; readonly url: string } | { readonly name: string; readonly problem: string };

/** What the variables take for a report's release: `component` is `<project>/<component>`, `window` the span in seconds. */
export interface LinkSubject {
  readonly component: string;
  readonly release: string;
  readonly window: { readonly from: number; readonly to: number };
}

/** The variables' values for `subject` in `namespace`. */
export function linkValues(subject: LinkSubject, namespace: string): SignalValues {
  const slash = subject.component.indexOf("/");
  return {
    namespace,
    project: slash < 0 ? "" : subject.component.slice(0, slash),
    component: slash < 0 ? subject.component : subject.component.slice(slash + 1),
    release: subject.release,
    window: formatDuration(subject.window.to - subject.window.from),
  };
}

/** RFC 3986 strict: also `!'()*`, so a value can neither end a Markdown link nor break out of a query parameter. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The links, sorted by name; a value never changes the URL's shape (each one is URL-encoded). */
export function observabilityLinks(templates: Readonly<Record<string, string>>, values: SignalValues): ObservabilityLink[] {
  const encoded = Object.fromEntries(SIGNAL_VARIABLES.map((v) => [v, encode(values[v])]));
  return Object.keys(templates)
    .sort()
    .map((name): ObservabilityLink => {
      const template = templates[name]!;
      const unknown = unknownVariables(template);
      if (unknown.length > 0) return { name, problem: `uses ${unknown.map((u) => `\${${u.name}}`).join(", ")}, which Ferry does not know` };
      const text = substitute(template, encoded).text;
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { name, problem: "is not a URL" };
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") return { name, problem: "is not an http(s) URL" };
      return { name, url: url.href.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) };
    });
}
