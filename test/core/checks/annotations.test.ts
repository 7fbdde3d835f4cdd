/** Check annotations from diagnostics (core/checks/annotations.ts): location, policy, batches. */
import { describe, expect, it } from "vitest";
import { batches, planAnnotations, toAnnotation } from "../../../core/checks/annotations.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";

const diag = (over: Partial<Diagnostic>): Diagnostic => ({
  severity: "error",
  file: ".ferry/api.yaml",
  line: 3,
  column: 5,
  field: "spec.type",
  message: "bad",
  code: "schema",
  ...over,
});

describe("annotations", () => {
  it("puts a diagnostic at its file, line and column", () => {
    expect(toAnnotation(diag({}))).toEqual({
      path: ".ferry/api.yaml",
      start_line: 3,
      end_line: 3,
      start_column: 5,
      end_column: 5,
      annotation_level: "failure",
      message: "bad",
      title: "Error (schema) at spec.type",
    });
    expect(toAnnotation(diag({ line: 0, column: 0, severity: "warning", environment: "dev" }))).toMatchObject({
      start_line: 1,
      annotation_level: "warning",
      message: "[dev] bad",
    });
    expect(toAnnotation(diag({ line: 0, column: 0 }))).not.toHaveProperty("start_column");
  });

  it("names the policy a finding comes from in the title and the message", () => {
    const custom = diag({
      code: "policy/team-label",
      policy: "team-label",
      field: "metadata.name",
      message: "workloads need a team label",
      component: "shop/api",
      environment: "dev",
      resource: "Deployment/api",
    });
    expect(toAnnotation(custom)).toMatchObject({
      title: 'Error from policy "team-label" at metadata.name',
      message: '[shop/api dev Deployment/api] policy "team-label": workloads need a team label',
    });
    const builtin = diag({ severity: "warning", code: "policy/readiness-probe", policy: "readiness-probe", field: "", message: "no probe" });
    expect(toAnnotation(builtin)).toMatchObject({ title: 'Warning from policy "readiness-probe"', message: 'policy "readiness-probe": no probe' });
    // A settings finding about one policy keeps its code beside the policy's name.
    const settings = diag({ code: "policy/settings", policy: "typo", field: "spec.environments[0]", message: "unknown environment" });
    expect(toAnnotation(settings).title).toBe('Error (policy/settings) from policy "typo" at spec.environments[0]');
    // Findings that go to the check's text name it too.
    const plan = planAnnotations([{ ...custom, file: "acme/platform/.ferry/policies/team-label.yaml" }], new Set());
    expect(plan.unlocated).toEqual([
      'acme/platform/.ferry/policies/team-label.yaml:3:5: error: [shop/api dev Deployment/api] policy "team-label": metadata.name: workloads need a team label',
    ]);
  });

  it("annotates files of the repository and lists the rest", () => {
    const plan = planAnnotations(
      [diag({}), diag({}), diag({ file: "acme/platform/.ferry/platform.yaml", message: "platform broken" })],
      new Set([".ferry/api.yaml"]),
    );
    expect(plan.annotations).toHaveLength(1);
    expect(plan.unlocated).toEqual(["acme/platform/.ferry/platform.yaml:3:5: error: spec.type: platform broken"]);
  });

  it("batches 50 per request", () => {
    const sizes = batches(Array.from({ length: 121 }, (_, i) => i)).map((b) => b.length);
    expect(sizes).toEqual([50, 50, 21]);
    expect(batches([])).toEqual([]);
  });
});
