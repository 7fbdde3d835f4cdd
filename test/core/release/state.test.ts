/** An environment's state read from its GitOps files (core/release/state.ts). */
import { describe, expect, it } from "vitest";
import { catalogFromReleases, parseEnvironmentState, releaseLabels } from "../../../core/release/state.js";

const deployment = (release: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    ferry.dev/release: ${release}\n  name: api\n`;

describe("environment state", () => {
  it("groups files by component and reads the release label", () => {
    const state = parseEnvironmentState(
      new Map([
        ["shop/namespace.yaml", "kind: Namespace\n"],
        ["shop/api/deployment-api.yaml", deployment("0123456789ab")],
        ["shop/api/service-api.yaml", deployment("0123456789ab")],
        ["shop/web/deployment-web.yaml", deployment("0123456789ab")],
        ["shop/web/service-web.yaml", deployment("ba9876543210")],
        ["shop/evil/deployment-x.yaml", deployment("../../etc/passwd")],
      ]),
    );
    expect([...state.components.keys()]).toEqual(["shop/api", "shop/evil", "shop/web"]);
    expect(state.components.get("shop/api")).toMatchObject({ release: "0123456789ab" });
    expect(state.components.get("shop/api")!.files.size).toBe(2);
    expect(state.components.get("shop/web")!.release).toBeUndefined();
    expect(state.components.get("shop/evil")!.release).toBeUndefined();
  });

  it("reads labels of multi-document files and ignores broken YAML", () => {
    expect(releaseLabels(`${deployment("aaaaaaaaaaaa")}---\n${deployment("bbbbbbbbbbbb")}`)).toEqual(["aaaaaaaaaaaa", "bbbbbbbbbbbb"]);
    expect(releaseLabels("a: [unclosed")).toEqual([]);
  });

  it("builds no catalog entry from an invalid release file", () => {
    expect(catalogFromReleases([new Map([["releases/shop/api/0123456789ab.yaml", "kind: Release\n"]])]).size).toBe(0);
  });
});
