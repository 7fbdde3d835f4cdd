/**
 * Repository paths, branch names and targets (adapters/git/paths.ts, target.ts, core/gitops/names.ts),
 * checked against git check-ref-format where git has an opinion.
 */
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { cacheKey, parseTargetUrl } from "../../../adapters/git/paths.js";
import { branchProblems, repoPathProblems } from "../../../core/gitops/names.js";
import { cachePaths, defaultCacheDir } from "../../../adapters/git/cache.js";
import { runGit } from "../../support/git-server.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe("paths, branches and targets", () => {
  it("accepts ordinary repository paths and refuses every trick", () => {
    expect(repoPathProblems("environments/dev/shop/api")).toEqual([]);
    expect(repoPathProblems("releases/shop/api/r-1.yaml")).toEqual([]);
    expect(repoPathProblems("a/../b")).toEqual(["must not contain a '..' segment"]);
    expect(repoPathProblems("./a")).toEqual(["must not contain a '.' segment"]);
    expect(repoPathProblems("/abs")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("C:/win")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("a/.Git/x")).toEqual(["must not contain a '.git' segment"]);
    expect(repoPathProblems("a\\b")).toEqual(["must use '/' as separator, not '\\'"]);
    expect(repoPathProblems("a/")).toEqual(["must not have empty segments ('//' or a trailing '/')"]);
    expect(repoPathProblems("a\nb")).toEqual(["must not contain control characters"]);
    expect(repoPathProblems("")).toEqual(["must not be empty"]);
  });

  it("agrees with git check-ref-format on branch names", async () => {
    const dir = await dirs.make();
    const names = [
      "main",
      "ferry/release/dev/shop/api",
      "feature.x",
      "a..b",
      "a b",
      "a~1",
      "a:b",
      "-x",
      "x/",
      "/x",
      "x//y",
      "x.",
      ".x",
      "x/.y",
      "x.lock",
      "x@{1}",
      "a*b",
      "a[b",
      "a\\b",
      "refs/heads/x",
      "ü",
    ];
    for (const name of names) {
      const gitSays = await runGit(dir, ["check-ref-format", "--branch", name]).then(
        () => true,
        () => false,
      );
      expect({ name, ok: branchProblems(name).length === 0 }).toEqual({ name, ok: name === "refs/heads/x" ? false : gitSays });
    }
    // git expands "@" to the current branch; as a name it is refused.
    expect(branchProblems("@")).toEqual(["must not contain '@{' or be '@'"]);
  });

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

  it("picks the default cache directory from FERRY_CACHE_DIR, XDG_CACHE_HOME, then ~/.cache/ferry", () => {
    expect(defaultCacheDir({ FERRY_CACHE_DIR: "/c/ferry", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/c/ferry");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/ferry");
    expect(defaultCacheDir({}, "/home/u")).toBe("/home/u/.cache/ferry");
  });
});
