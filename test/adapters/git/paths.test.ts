/** Targets and cache keys (adapters/git/paths.ts): URLs, file URLs and paths; one plain directory name per URL. */
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cacheKey, parseTargetUrl } from "../../../adapters/git/paths.js";
import { cachePaths } from "../../../adapters/git/cache.js";

describe("paths, branches and targets", () => {
  it("classifies targets: http(s) URLs, file URLs and paths; refuses credentials, SSH and other schemes", () => {
    expect(parseTargetUrl("https://github.com/acme/gitops.git/", "/w")).toEqual({
      location: { kind: "http", url: "https://github.com/acme/gitops.git" },
      problems: [],
    });
    expect(parseTargetUrl("file:///srv/gitops", "/w")).toEqual({ location: { kind: "local", path: "/srv/gitops" }, problems: [] });
    expect(parseTargetUrl("../gitops", "/w/app")).toEqual({ location: { kind: "local", path: "/w/gitops" }, problems: [] });
    expect(parseTargetUrl("https://x:y@github.com/a/b", "/").problems).toEqual([
      "must not contain credentials: pass the token separately (target.token, GITHUB_TOKEN)",
    ]);
    expect(parseTargetUrl("https://github.com/a/b?x=1", "/").problems).toEqual(["must not have a query or fragment"]);
    expect(parseTargetUrl("git@github.com:a/b.git", "/").problems[0]).toContain("SSH address");
    expect(parseTargetUrl("git://host/a", "/").problems[0]).toContain("unsupported scheme (git)");
  });

  it("derives cache keys that stay one plain directory name, whatever the URL", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: false, withFragments: false }), fc.string(), (base, suffix) => {
        let url: string;
        try {
          url = new URL(`${base}/${encodeURIComponent(suffix)}/../..%2F..`).href;
        } catch {
          return;
        }
        const key = cacheKey(url);
        expect(key).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{16}$/);
        expect(path.dirname(cachePaths("/cache", url).gitdir)).toBe("/cache/git");
      }),
    );
    expect(cacheKey("https://GitHub.com/acme/gitops.git/")).toBe(cacheKey("https://github.com/acme/gitops"));
    expect(cacheKey("https://github.com/acme/gitops")).not.toBe(cacheKey("https://github.com/acme/gitops-prod"));
    expect(cacheKey("https://github.com/acme/gitops")).toMatch(/^github.com-acme-gitops-[0-9a-f]{16}$/);
  });
});
