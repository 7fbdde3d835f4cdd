/** `${...}` templates: typing rules, text conversion, null dropping, escapes, includeWhen. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CelEngine } from "../../../renderers/cel.js";
import { CompileCache } from "../../../renderers/compile/cache.js";
import { conditionExpression, evaluateTemplate, parseTemplate, parseTemplateString, toText } from "../../../renderers/compile/template.js";
import type { TemplateIssue } from "../../../renderers/compile/template.js";
import { compile, compileOk, componentYaml, find } from "../../support/render-fixtures.js";

const CONTEXT = {
  metadata: { name: "api", labels: { a: "b" } },
  parameters: { replicas: 3, ratio: 0.5, on: true, tags: ["x", "y"], nothing: null },
};

function render(value: unknown, context: Record<string, unknown> = CONTEXT) {
  const cel = new CelEngine();
  const cache = new CompileCache();
  const issues: TemplateIssue[] = [];
  const out = evaluateTemplate(parseTemplate(value), (e, c) => cache.evaluate(cel, e, c), context, issues);
  return { out, issues };
}

describe("template parsing", () => {
  it("tells literal, single-expression and interpolated strings apart", () => {
    expect(parseTemplateString("plain")).toEqual({ kind: "literal", value: "plain" });
    expect(parseTemplateString("${a.b}")).toEqual({ kind: "expr", expr: "a.b" });
    expect(parseTemplateString(" ${a.b}")).toEqual({ kind: "text", parts: [" ", { expr: "a.b" }] });
    expect(parseTemplateString("${a}-${b}")).toEqual({ kind: "text", parts: [{ expr: "a" }, "-", { expr: "b" }] });
  });

  it("finds the closing brace past CEL maps and strings holding braces", () => {
    expect(parseTemplateString("${{'k': '}'}['k']}")).toEqual({ kind: "expr", expr: "{'k': '}'}['k']" });
    expect(parseTemplateString('x${"a}b"}y')).toEqual({ kind: "text", parts: ["x", { expr: '"a}b"' }, "y"] });
  });

  it("writes $${ as a literal ${", () => {
    expect(parseTemplateString("echo $${HOME}")).toEqual({ kind: "literal", value: "echo ${HOME}" });
  });

  it("marks unterminated and empty expressions as invalid", () => {
    expect(parseTemplateString("a ${b").kind).toBe("invalid");
    expect(parseTemplateString("${ }").kind).toBe("invalid");
  });

  it("parses any string without throwing, leaving strings without ${ untouched", () => {
    const kinds = new Set(["literal", "expr", "text", "invalid"]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("$", "{", "}", "'", '"', "\\", "a", " ", "x.y") }), (s) => {
        expect(kinds.has(parseTemplateString(s).kind)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes("${")),
        (s) => {
          expect(parseTemplateString(s)).toEqual({ kind: "literal", value: s });
        },
      ),
    );
  });

  it("converts values to text for interpolation", () => {
    expect([toText("s"), toText(3), toText(true), toText(null), toText([1, "a"]), toText({ k: 1 })]).toEqual(["s", "3", "true", "", '[1,"a"]', '{"k":1}']);
  });
});

describe("template evaluation", () => {
  it("keeps the type of a value that is exactly one expression", () => {
    const { out, issues } = render({
      n: "${parameters.replicas}",
      d: "${parameters.ratio}",
      b: "${parameters.on}",
      l: "${parameters.tags}",
      m: "${metadata.labels}",
      sum: "${parameters.replicas + 1}",
    });
    expect(issues).toEqual([]);
    expect(out).toEqual({ n: 3, d: 0.5, b: true, l: ["x", "y"], m: { a: "b" }, sum: 4 });
  });

  it("converts to text inside a longer string and leaves plain strings alone", () => {
    const { out } = render({ s: "${metadata.name}-${parameters.replicas}", t: "n=${parameters.tags}", plain: "$HOME {x}" });
    expect(out).toEqual({ s: "api-3", t: 'n=["x","y"]', plain: "$HOME {x}" });
  });

  it("never templates keys", () => {
    const { out } = render({ "${metadata.name}": "${metadata.name}" });
    expect(out).toEqual({ "${metadata.name}": "api" });
  });

  it("drops map values that are null, keeps list items", () => {
    const { out } = render({
      keep: 1,
      gone: "${parameters.nothing}",
      alsoGone: null,
      opt: "${parameters.?missing.orValue(null)}",
      list: ["${parameters.nothing}", "a"],
    });
    expect(out).toEqual({ keep: 1, list: [null, "a"] });
  });

  it("reports every failing expression with its path and goes on", () => {
    const { issues } = render({ a: "${nope.x}", b: [{ c: "x-${parameters.missing}" }], ok: "${metadata.name}" });
    expect(issues.map((i) => [i.path, i.expression])).toEqual([
      [["a"], "nope.x"],
      [["b", 0, "c"], "parameters.missing"],
    ]);
    expect(issues[1]?.message).toMatch(/missing/);
  });

  it("reads includeWhen as ${expr} or as a bare expression", () => {
    const issues: TemplateIssue[] = [];
    expect(conditionExpression("${size(x) > 0}", issues)).toBe("size(x) > 0");
    expect(conditionExpression("size(x) > 0", issues)).toBe("size(x) > 0");
    expect(conditionExpression("a ${b} c", issues)).toBeUndefined();
    expect(issues).toHaveLength(1);
  });
});

const TYPED = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: typed}
spec:
  workloadType: deployment
  parameters:
    openAPIV3Schema:
      type: object
      properties:
        size: {type: integer, default: 3}
        debug: {type: boolean, default: false}
        owner: {type: string}
  environmentConfigs:
    openAPIV3Schema: {type: object, properties: {replicas: {type: integer, default: 1}}}
  resources:
    - id: settings
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: "\${metadata.name}-settings"
          annotations:
            owner: "\${parameters.?owner.orValue(null)}"
        data:
          size: "\${string(parameters.size)}"
          summary: "size=\${parameters.size} debug=\${parameters.debug} env=\${metadata.environment} ns=\${metadata.namespace}"
          literal: "$\${HOME}"
          target: "\${target.name}/\${target.production}/\${target.routes}"
    - id: debug
      includeWhen: "\${parameters.debug}"
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${metadata.name}-debug"}}
`;

describe("templates in a component type", () => {
  const spec = (params: string) =>
    componentYaml(
      "svc",
      `
type: typed
container: {image: "ghcr.io/acme/svc:1"}
parameters: ${params}
`,
    );

  it("renders resources with defaults applied and drops a null annotation", () => {
    const objects = compileOk(spec("{}"), { types: [TYPED] });
    const cm = find(objects, "ConfigMap", "svc-settings");
    expect(cm.data).toEqual({ size: "3", summary: "size=3 debug=false env=dev ns=storefront-dev", literal: "${HOME}", target: "dev/false/gateway" });
    expect(cm.metadata).not.toHaveProperty("annotations");
    expect(cm.metadata.labels["ferry.dev/component"]).toBe("svc");
    expect(cm.metadata.namespace).toBe("storefront-dev");
    expect(objects.some((o) => o.metadata.name === "svc-debug")).toBe(false);
  });

  it("includes a resource when includeWhen holds and keeps a set annotation", () => {
    const objects = compileOk(spec("{debug: true, owner: team-a}"), { types: [TYPED], env: "prod" });
    expect(find(objects, "ConfigMap", "svc-debug").metadata.name).toBe("svc-debug");
    expect(find(objects, "ConfigMap", "svc-settings").metadata.annotations).toEqual({ owner: "team-a" });
    expect(find(objects, "ConfigMap", "svc-settings").data.target).toBe("prod/true/ingress");
  });

  it("reports CEL errors in templates at the type, naming the resource and expression", () => {
    const broken = TYPED.replace('size: "${string(parameters.size)}"', 'size: "${parameters.sise}"').replace(
      'includeWhen: "${parameters.debug}"',
      'includeWhen: "${parameters.size}"',
    );
    const r = compile(spec("{}"), { types: [broken] });
    expect(r.objects).toEqual([]);
    const messages = r.diagnostics.map((d) => `${d.field}|${d.line}|${d.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^spec\.type\|7\|component type "typed" resource "settings" at data\.size: \$\{parameters\.sise\}: .*sise/),
      expect.stringMatching(
        /^spec\.type\|7\|component type "typed" resource "debug" includeWhen: \$\{parameters\.size\}: includeWhen must evaluate to a bool, got 3/,
      ),
    ]);
  });
});
