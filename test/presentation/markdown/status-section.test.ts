/** The status section in Markdown (presentation/markdown/status-section.ts). */
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import { cell, codeBlock, renderStatusSection } from "../../../presentation/markdown/status-section.js";
import { KEY, crash, health } from "../../support/component-health.js";

describe("status markdown", () => {
  it("renders a degraded component with reasons, diagnosis, log lines and warnings", () => {
    const h = health("Degraded", [crash("checkout-api-5d9-x1", { logTail: ["boot", "panic: nil map"] })], {
      message: "CrashLoopBackOff in 1 pod",
      warnings: [
        {
          reason: "BackOff",
          message: "Back-off restarting failed container main",
          object: "Pod/checkout-api-5d9-x1",
          count: 7,
          lastSeen: "2026-03-01T12:00:00Z",
        },
      ],
    });
    const md = renderStatusSection({ key: KEY, health: h, diagnosis: diagnose({ key: KEY, health: h }), context: "nonprod" });
    expect(md).toBe(
      [
        "### ❌ storefront/checkout-api in dev (`nonprod`): Degraded",
        "",
        "CrashLoopBackOff in 1 pod",
        "",
        "| Ready | Desired | Running release | Deployed release |",
        "| ---: | ---: | --- | --- |",
        "| 2 | 2 | `r1` | `r2` |",
        "",
        "**Problems**",
        "",
        "| Reason | Where | Details |",
        "| --- | --- | --- |",
        "| CrashLoopBackOff | `checkout-api-5d9-x1` / `main` | back-off 5m0s restarting failed container; 7 restarts; exit code 1 |",
        "",
        "**Diagnosis**",
        "",
        '- **CrashLoopBackOff**: Container "main" keeps crashing (exit code 1) and is restarted in a loop (7 restarts).',
        "  - Suggestion: Read the last log lines of the previous container below: the process fails at startup. Check the configuration, environment variables and secrets it reads, then publish a fixed release or roll back.",
        "",
        "Last log lines of `checkout-api-5d9-x1/main` (previous container):",
        "",
        "```text",
        "boot",
        "panic: nil map",
        "```",
        "",
        "**Recent warnings**",
        "",
        "| Reason | Object | Count | Message |",
        "| --- | --- | ---: | --- |",
        "| BackOff | `Pod/checkout-api-5d9-x1` | 7 | Back-off restarting failed container main |",
        "",
      ].join("\n"),
    );
  });

  it("renders a healthy component without problem sections and shows mixed releases with counts", () => {
    const md = renderStatusSection({
      key: KEY,
      health: health("Healthy", [], {
        releases: [
          { release: "r2", ready: 3 },
          { release: "r1", ready: 1 },
        ],
      }),
      headingLevel: 4,
    });
    expect(md.split("\n")[0]).toBe("#### ✅ storefront/checkout-api in dev: Healthy");
    expect(md).toContain("| 2 | 2 | `r2` (3), `r1` (1) | `r2` |");
    expect(md).not.toContain("**Problems**");
    expect(md).not.toContain("**Diagnosis**");
  });

  it("shows log lines from reasons when there is no diagnosis, caps reasons and keeps fences intact", () => {
    const reasons = Array.from({ length: 12 }, (_, i) => crash(`p${String(i).padStart(2, "0")}`, i === 0 ? { logTail: ["```", "x"] } : {}));
    const md = renderStatusSection({ key: KEY, health: health("Degraded", reasons), maxReasons: 3 });
    expect(md.match(/^\| CrashLoopBackOff /gm)).toHaveLength(3);
    expect(md).toContain("…and 9 more.");
    expect(md).toContain(["````text", "```", "x", "````"].join("\n"));
  });

  it("escapes table cells and fences", () => {
    expect(cell("a | b\n<script>")).toBe("a \\| b &lt;script&gt;");
    expect(cell("x".repeat(400))).toHaveLength(300);
    expect(codeBlock(["plain"])).toBe("```text\nplain\n```");
    expect(codeBlock(["a ```` b"], "")).toBe("`````\na ```` b\n`````");
  });

  it("is byte-identical for the same input", () => {
    const h = health("Degraded", [crash("a", { logTail: ["x"] })]);
    const input = { key: KEY, health: h, diagnosis: diagnose({ key: KEY, health: h }) };
    expect(renderStatusSection(input)).toBe(renderStatusSection(structuredClone(input)));
  });
});
