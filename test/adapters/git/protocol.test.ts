/** Git's smart HTTP messages (adapters/git/protocol.ts): advertisements and push reports. */
import { describe, expect, it } from "vitest";
import { parseAdvertisement, parsePushReport, pktLine } from "../../../adapters/git/protocol.js";

describe("smart HTTP messages", () => {
  it("parses a receive-pack advertisement and an empty repository's", () => {
    const oid = "1".repeat(40);
    const body = Buffer.concat([
      pktLine("# service=git-receive-pack\n"),
      Buffer.from("0000"),
      pktLine(`${oid} refs/heads/main\0report-status side-band-64k quiet agent=git/2.39\n`),
      pktLine(`${"2".repeat(40)} refs/heads/ferry/x\n`),
      pktLine(`${"3".repeat(40)} refs/tags/v1^{}\n`),
      Buffer.from("0000"),
    ]);
    const adv = parseAdvertisement(body, "git-receive-pack");
    expect([...adv.refs]).toEqual([
      ["refs/heads/main", oid],
      ["refs/heads/ferry/x", "2".repeat(40)],
    ]);
    expect(adv.capabilities.has("side-band-64k")).toBe(true);

    const empty = parseAdvertisement(
      Buffer.concat([
        pktLine("# service=git-receive-pack\n"),
        Buffer.from("0000"),
        pktLine(`${"0".repeat(40)} capabilities^{}\0report-status\n`),
        Buffer.from("0000"),
      ]),
      "git-receive-pack",
    );
    expect(empty.refs.size).toBe(0);
    expect(() => parseAdvertisement(Buffer.concat([pktLine("# service=git-upload-pack\n")]), "git-receive-pack")).toThrow(/expected git-receive-pack/);
  });

  it("parses push reports with side-band channels and hook messages", () => {
    const report = Buffer.concat([pktLine("unpack ok\n"), pktLine("ng refs/heads/main pre-receive hook declined\n"), Buffer.from("0000")]);
    const body = Buffer.concat([
      pktLine(Buffer.concat([Buffer.from([2]), Buffer.from("frozen by policy\n")])),
      pktLine(Buffer.concat([Buffer.from([1]), report])),
      Buffer.from("0000"),
    ]);
    expect(parsePushReport(body, true)).toEqual({
      unpack: "ok",
      refs: new Map([["refs/heads/main", "pre-receive hook declined"]]),
      messages: ["frozen by policy"],
    });
    const ok = parsePushReport(Buffer.concat([pktLine("unpack ok\n"), pktLine("ok refs/heads/main\n"), Buffer.from("0000")]), false);
    expect(ok.refs.get("refs/heads/main")).toBeNull();
  });
});
