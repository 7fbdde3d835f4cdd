/** Commit messages and trailers (core/gitops/trailers.ts), checked against git interpret-trailers. */
import { afterAll, describe, expect, it } from "vitest";
import { formatCommitMessage, parseCommitMessage } from "../../../core/gitops/trailers.js";
import { runGit } from "../../support/git-server.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe("commit messages and trailers", () => {
  it("formats trailers sorted by key after a blank line, and parses them back like git interpret-trailers", async () => {
    const dir = await dirs.make();
    await runGit(dir, ["init", "--quiet"]);
    const message = formatCommitMessage("staging: shop/api r-2\n\nPromoted from dev.\r\n\n", {
      "Ferry-Source": "acme/api@0123456789abcdef0123456789abcdef01234567",
      "Ferry-Approved-By": ["alice", " bob "],
      "Ferry-Release": "r-2",
    });

    expect(message).toBe(
      "staging: shop/api r-2\n\nPromoted from dev.\n\nFerry-Approved-By: alice\nFerry-Approved-By: bob\nFerry-Release: r-2\nFerry-Source: acme/api@0123456789abcdef0123456789abcdef01234567\n",
    );
    expect(await runGit(dir, ["interpret-trailers", "--parse"], message)).toBe(message.split("\n\n")[2]);
    expect(parseCommitMessage(message)).toEqual({
      subject: "staging: shop/api r-2",
      body: "Promoted from dev.",
      trailers: { "Ferry-Approved-By": ["alice", "bob"], "Ferry-Release": ["r-2"], "Ferry-Source": ["acme/api@0123456789abcdef0123456789abcdef01234567"] },
    });
    expect(formatCommitMessage("just a subject", {})).toBe("just a subject\n");
  });

  it("does not take a subject or an ordinary last paragraph for trailers", () => {
    expect(parseCommitMessage("Fix: the thing\n").trailers).toEqual({});
    expect(parseCommitMessage("subject\n\nbody line\nFerry-Release: r1\n")).toEqual({ subject: "subject", body: "body line\nFerry-Release: r1", trailers: {} });
    expect(parseCommitMessage("subject\nsecond line\n\nKey: a long\n  continued value\n").trailers).toEqual({ Key: ["a long continued value"] });
  });
});
