import { describe, expect, it } from "vitest";
import { authorize, COMMANDS, findCommandLine, parseCommand, permits } from "../../../core/promotion/commands.js";
import type { Command } from "../../../core/promotion/commands.js";
import { acme, envOf } from "../../support/promotion-fixtures.js";

function command(body: string): Command {
  const r = parseCommand(body);
  if (r.kind !== "command") throw new Error(`expected a command, got ${JSON.stringify(r)}`);
  return r.command;
}

function errorOf(body: string): { errors: readonly string[]; message: string } {
  const r = parseCommand(body);
  if (r.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r;
}

describe("parseCommand", () => {
  it("reads promote and rollback with and without a release", () => {
    expect(command("/ferry promote prod")).toEqual({ verb: "promote", env: "prod" });
    expect(command("/ferry promote staging 0123456789ab")).toEqual({ verb: "promote", env: "staging", release: "0123456789ab" });
    expect(command("/ferry rollback staging")).toEqual({ verb: "rollback", env: "staging" });
    expect(command("/ferry rollback prod abcdefabcdef")).toEqual({ verb: "rollback", env: "prod", release: "abcdefabcdef" });
    expect(command("/ferry status")).toEqual({ verb: "status" });
    expect(command("/ferry retry")).toEqual({ verb: "retry" });
  });

  it("takes the first line starting with /ferry, after prose and ignoring later ones", () => {
    const body = "Looks good to me.\n\n  /ferry   promote   prod  \n/ferry rollback dev\nthanks";
    expect(command(body)).toEqual({ verb: "promote", env: "prod" });
    expect(parseCommand(body)).toMatchObject({ line: "/ferry   promote   prod" });
  });

  it("ignores comments not addressed to Ferry, quotes and code blocks", () => {
    expect(parseCommand("LGTM")).toEqual({ kind: "none" });
    expect(parseCommand("run /ferry promote prod when ready")).toEqual({ kind: "none" });
    expect(parseCommand("/ferryman promote prod")).toEqual({ kind: "none" });
    expect(parseCommand("> /ferry promote prod\nquoted")).toEqual({ kind: "none" });
    expect(parseCommand("Try:\n```\n/ferry promote prod\n```\n")).toEqual({ kind: "none" });
    expect(parseCommand("    /ferry promote prod")).toEqual({ kind: "none" });
    expect(findCommandLine("```sh\n/ferry status\n```\n/ferry retry")).toBe("/ferry retry");
  });

  it("refuses unknown verbs with a message listing every command", () => {
    const e = errorOf("/ferry deploy prod");
    expect(e.errors).toEqual(['unknown command "deploy"']);
    for (const c of COMMANDS) expect(e.message).toContain(c.usage);
    expect(errorOf("/ferry").errors).toEqual(["a command is missing after /ferry"]);
  });

  it("refuses a missing environment, bad names and extra arguments, reporting every problem", () => {
    expect(errorOf("/ferry promote").errors).toEqual(['promote needs an environment: `/ferry promote <env> [release] [--break-glass "why"]`']);
    const bad = errorOf("/ferry rollback Prod v1.2");
    expect(bad.errors).toHaveLength(2);
    expect(bad.errors[0]).toMatch(/^env: "Prod" is not a DNS-1123 label/);
    expect(bad.errors[1]).toMatch(/^release: "v1.2" is not a release id \(12 hex digits\)/);
    expect(bad.message).toContain("Ferry could not read `/ferry rollback Prod v1.2`");
    expect(errorOf("/ferry promote prod 0123456789ab extra").errors[0]).toMatch(/takes at most an environment and a release.*extra: extra/);
    expect(errorOf("/ferry status now").errors).toEqual(["status takes no arguments: `/ferry status` (extra: now)"]);
    expect(errorOf("/ferry promote ../etc").errors[0]).toMatch(/^env: "..\/etc" is not a DNS-1123 label/);
  });

  it("reads --break-glass with its quoted reason on promote only, and refuses it empty, unquoted past its word or on rollback", () => {
    expect(command('/ferry promote prod --break-glass "payments down: hotfix 1.4.2"')).toEqual({
      verb: "promote",
      env: "prod",
      breakGlass: "payments down: hotfix 1.4.2",
    });
    expect(command("/ferry promote prod 0123456789ab --break-glass='it is on fire'")).toEqual({
      verb: "promote",
      env: "prod",
      release: "0123456789ab",
      breakGlass: "it is on fire",
    });
    expect(command("/ferry promote --break-glass \u201coutage\u201d prod")).toEqual({ verb: "promote", env: "prod", breakGlass: "outage" });
    expect(errorOf('/ferry promote prod --break-glass ""').errors).toEqual(['breakGlass: the reason is empty: say why (--break-glass "why")']);
    expect(errorOf("/ferry promote prod --break-glass").errors).toEqual(['--break-glass needs a reason: --break-glass "why"']);
    expect(errorOf("/ferry promote prod --break-glass payments down").errors).toEqual([
      'release: "down" is not a release id (12 hex digits)',
      'quote a reason of several words: --break-glass "payments down"',
    ]);
    expect(errorOf('/ferry promote prod --break-glass "not closed').errors).toEqual(["a quote is not closed"]);
    expect(errorOf('/ferry rollback prod --break-glass "why"').errors).toEqual(["--break-glass is for promote only (a freeze never holds a rollback)"]);
  });
});

describe("authorize", () => {
  const platform = acme();
  const prod = envOf(platform, "prod");
  const staging = envOf(platform, "staging");

  it("ranks permissions read < triage < write < maintain < admin", () => {
    expect(permits("admin", "maintain")).toBe(true);
    expect(permits("maintain", "maintain")).toBe(true);
    expect(permits("write", "maintain")).toBe(false);
    expect(permits("triage", "write")).toBe(false);
    expect(permits("read", "read")).toBe(true);
    expect(permits("none", "read")).toBe(false);
  });

  it("refuses a read user promoting to prod and says why", () => {
    const r = authorize({ verb: "promote", env: "prod" }, prod, { login: "rita", permission: "read" });
    expect(r).toEqual({ allowed: false, required: "maintain", reason: "@rita has read permission; promote to prod needs maintain" });
  });

  it("uses the environment's commandPermission, default write", () => {
    expect(authorize({ verb: "promote", env: "prod" }, prod, { login: "wes", permission: "write" }).allowed).toBe(false);
    expect(authorize({ verb: "rollback", env: "prod" }, prod, { login: "max", permission: "maintain" })).toEqual({ allowed: true, required: "maintain" });
    expect(authorize({ verb: "promote", env: "staging" }, staging, { login: "wes", permission: "write" })).toEqual({ allowed: true, required: "write" });
    expect(authorize({ verb: "rollback", env: "staging" }, staging, { login: "tia", permission: "triage" })).toMatchObject({
      allowed: false,
      reason: "@tia has triage permission; rollback to staging needs write",
    });
  });

  it("lets readers ask for status and checks retry against the pull request's environment", () => {
    expect(authorize({ verb: "status" }, prod, { login: "rita", permission: "read" })).toEqual({ allowed: true, required: "read" });
    expect(authorize({ verb: "status" }, undefined, { login: "nobody", permission: "none" })).toMatchObject({
      allowed: false,
      reason: "@nobody has no access to this repository; status needs read",
    });
    expect(authorize({ verb: "retry" }, prod, { login: "wes", permission: "write" })).toMatchObject({
      allowed: false,
      reason: "@wes has write permission; retry in prod needs maintain",
    });
    expect(authorize({ verb: "retry" }, undefined, { login: "wes", permission: "write" }).allowed).toBe(true);
  });

  it("names the component's app repository when the role was read there, and never one the person cannot read", () => {
    expect(authorize({ verb: "promote", env: "staging" }, staging, { login: "mal", permission: "read", repo: "acme/shop-api" })).toMatchObject({
      allowed: false,
      reason: "@mal has read permission on acme/shop-api; promote to staging needs write",
    });
    const hidden = authorize({ verb: "status" }, undefined, { login: "eve", permission: "none", repo: "acme/secret-api" });
    expect(hidden).toMatchObject({ allowed: false, reason: "@eve has no access to the component's app repository; status needs read" });
    expect(hidden.allowed === false && hidden.reason).not.toContain("acme/secret-api");
  });

  it("asks maintain at least for breaking glass, above a lower commandPermission, and says so", () => {
    const glass = { verb: "promote", env: "staging", breakGlass: "outage" } as const;
    expect(authorize(glass, staging, { login: "wes", permission: "write", repo: "acme/shop-api" })).toEqual({
      allowed: false,
      required: "maintain",
      reason: "@wes has write permission on acme/shop-api; promote to staging breaking glass on its freeze needs maintain",
    });
    expect(authorize(glass, staging, { login: "max", permission: "maintain" })).toEqual({ allowed: true, required: "maintain" });
    expect(authorize({ ...glass, env: "prod" }, prod, { login: "ada", permission: "admin" })).toEqual({ allowed: true, required: "maintain" });
  });

  it("refuses an environment the platform does not have", () => {
    expect(authorize({ verb: "promote", env: "qa" }, undefined, { login: "ada", permission: "admin" })).toMatchObject({
      allowed: false,
      reason: 'there is no environment "qa" in the platform',
    });
    expect(authorize({ verb: "promote", env: "qa" }, prod, { login: "ada", permission: "admin" }).allowed).toBe(false);
  });
});
