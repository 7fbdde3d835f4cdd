/** The history table in Markdown (presentation/markdown/history.ts). */
import { describe, expect, it } from "vitest";
import { componentHistory } from "../../../core/history.js";
import { formatHistoryMarkdown } from "../../../presentation/markdown/history.js";
import { COMPONENT, pathCommits, R1, sha } from "../../support/promotion-fixtures.js";

describe("history tables", () => {
  const h = componentHistory(pathCommits(), COMPONENT);

  it("formats markdown in pipeline order with links", () => {
    const md = formatHistoryMarkdown(h, { order: ["dev", "staging", "prod"], limit: 2 });
    const lines = md.split("\n");
    expect(lines[0]).toBe("| environment | release | since | commit | source | approved by |");
    expect(lines.slice(2).map((l) => l.split(" | ")[0])).toEqual(["| dev", "| dev", "| staging", "| staging", "| prod"]);
    expect(lines[6]).toBe(
      `| prod | \`${R1}\` | 2025-03-10 10:00 UTC | [acme/gitops-prod@${sha("prod-111111111111-2025-03-10T10:00:00Z").slice(0, 7)}](https://github.com/acme/gitops-prod/commit/${sha("prod-111111111111-2025-03-10T10:00:00Z")}) | [acme/checkout-api@${sha("src-111111111111").slice(0, 7)}](https://github.com/acme/checkout-api/commit/${sha("src-111111111111")}) | @sam, @sasha |`,
    );
  });

  it("gives the same bytes on every run", () => {
    expect(formatHistoryMarkdown(componentHistory(pathCommits(), COMPONENT))).toBe(formatHistoryMarkdown(h));
  });
});
