/** A component's release history read from Ferry's trailers (core/history.ts). */
import { describe, expect, it } from "vitest";
import { componentHistory, currentRelease, formatHistoryText, historyTrailers, releasesSeen } from "../../core/history.js";
import { COMPONENT, ferryCommit, pathCommits, R1, R2, R3, sha } from "../support/promotion-fixtures.js";

describe("componentHistory", () => {
  it("lists per environment the releases it ran, newest first, with commit, source and approvers", () => {
    const h = componentHistory(pathCommits(), COMPONENT);
    expect([...h.environments.keys()]).toEqual(["dev", "prod", "staging"]);
    expect(h.environments.get("dev")!.map((e) => e.release)).toEqual([R3, R2, R1]);
    expect(h.environments.get("staging")!.map((e) => e.release)).toEqual([R2, R1]);
    const prod = h.environments.get("prod")![0]!;
    expect(prod).toMatchObject({
      environment: "prod",
      release: R1,
      commit: sha("prod-111111111111-2025-03-10T10:00:00Z"),
      repo: "acme/gitops-prod",
      source: { repo: "acme/checkout-api", sha: sha("src-111111111111") },
      promotedFrom: "staging",
      approvedBy: ["sam", "sasha"],
    });
    expect(prod.date.toISOString()).toBe("2025-03-10T10:00:00.000Z");
    expect(currentRelease(h, "staging")?.release).toBe(R2);
    expect(currentRelease(h, "qa")).toBeUndefined();
    expect([...releasesSeen(h)].sort()).toEqual([R1, R2, R3]);
    expect(h.ignored).toEqual([]);
  });

  it("orders commits from several repositories by date, whatever order they come in", () => {
    const shuffled = [...pathCommits()].reverse();
    const h = componentHistory(shuffled, COMPONENT);
    expect(h.environments.get("dev")!.map((e) => e.release)).toEqual([R3, R2, R1]);
  });

  it("skips other components and people's commits; reports unreadable Ferry trailers", () => {
    const commits = [
      ferryCommit("dev", R2, "2025-03-11T09:00:00Z", { component: "storefront/web" }),
      { sha: sha("manual"), date: "2025-03-11T08:00:00Z", trailers: {}, message: "bump replicas by hand" },
      {
        sha: sha("bad"),
        date: "2025-03-11T07:00:00Z",
        trailers: { "ferry-component": [COMPONENT], "Ferry-Environment": ["Dev!"], "Ferry-Release": ["v2"] },
        message: "x",
      },
      { sha: "not-a-sha", date: "2025-03-11T06:00:00Z", trailers: {}, message: "x" },
      ferryCommit("dev", R1, "2025-03-10T09:00:00Z"),
    ];
    const h = componentHistory(commits, COMPONENT);
    expect(h.environments.get("dev")!.map((e) => e.release)).toEqual([R1]);
    expect(h.ignored).toHaveLength(2);
    expect(h.ignored[0]).toMatchObject({ commit: "not-a-sha" });
    expect(h.ignored[1]).toEqual({
      commit: sha("bad"),
      reason: 'Ferry-Environment "Dev!" is not an environment name; Ferry-Release "v2" is not a release id',
    });
  });

  it("pairs repeated trailers by position in a commit about several components", () => {
    const commit = {
      sha: sha("multi"),
      date: "2025-03-11T09:00:00Z",
      message: "ferry: release two components",
      trailers: { "Ferry-Component": ["storefront/web", COMPONENT], "Ferry-Environment": ["dev"], "Ferry-Release": [R3, R2] },
    };
    const h = componentHistory([commit], COMPONENT);
    expect(h.environments.get("dev")!.map((e) => e.release)).toEqual([R2]);
  });

  it("reads a removal (Ferry-Release: none) as no current release", () => {
    const h = componentHistory([ferryCommit("dev", undefined, "2025-03-12T09:00:00Z"), ferryCommit("dev", R1, "2025-03-10T09:00:00Z")], COMPONENT);
    expect(h.environments.get("dev")!.map((e) => e.release)).toEqual([undefined, R1]);
    expect(currentRelease(h, "dev")).toBeUndefined();
  });

  it("writes the trailers it reads", () => {
    expect(
      historyTrailers({
        component: COMPONENT,
        environment: "prod",
        release: R1,
        source: { repo: "acme/checkout-api", sha: "abc1234" },
        promotedFrom: "staging",
        approvedBy: ["zed", "amy"],
      }),
    ).toEqual({
      "Ferry-Component": [COMPONENT],
      "Ferry-Environment": ["prod"],
      "Ferry-Release": [R1],
      "Ferry-Source": ["acme/checkout-api@abc1234"],
      "Ferry-Promoted-From": ["staging"],
      "Ferry-Approved-By": ["amy", "zed"],
    });
  });
});

describe("history tables", () => {
  const h = componentHistory(pathCommits(), COMPONENT);

  it("formats an aligned plain table for the CLI", () => {
    const text = formatHistoryText(h, { order: ["dev", "staging", "prod"] });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^ENVIRONMENT\s+RELEASE\s+SINCE\s+COMMIT\s+SOURCE\s+APPROVED BY$/);
    expect(lines[1]).toMatch(new RegExp(`^dev\\s+${R3}\\s+2025-03-12 08:00 UTC\\s+acme/gitops@[0-9a-f]{7}\\s+acme/checkout-api@[0-9a-f]{7}\\s+-$`));
    expect(lines[6]).toMatch(/^prod\s+111111111111 .* sam,sasha$/);
    const col = lines[0]!.indexOf("RELEASE");
    expect(lines.every((l) => l.slice(col, col + 1) !== " ")).toBe(true);
    expect(formatHistoryText(componentHistory([], COMPONENT))).toBe(`No environment has run ${COMPONENT} yet.\n`);
  });
});
