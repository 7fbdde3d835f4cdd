import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PATHS, extractContract, OperationsList, renderContract } from "../../scripts/extract-github-contract.js";
import { APP_AUTH_OPERATIONS, REQUIRED_PERMISSION } from "../support/fake-github/auth.js";
import { ContractIndex, toJsonSchema } from "../support/fake-github/contract.js";
import { HANDLERS } from "../support/fake-github/index.js";

const run = promisify(execFile);

describe("extract-github-contract", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "contract-test-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("regenerates contracts/github-rest.json byte for byte from @octokit/openapi", async () => {
    const out = join(dir, "github-rest.json");
    await run(process.execPath, ["--import", "tsx", "scripts/extract-github-contract.ts", "--out", out], { cwd: join(DEFAULT_PATHS.operations, "../..") });
    const [fresh, committed] = await Promise.all([readFile(out), readFile(DEFAULT_PATHS.contract)]);
    expect(fresh.equals(committed)).toBe(true);
  });

  it("--check fails when the committed file differs", async () => {
    const stale = join(dir, "stale.json");
    await run("sh", ["-c", `printf '{}' > '${stale}'`]);
    const result = await run(process.execPath, ["--import", "tsx", "scripts/extract-github-contract.ts", "--check", "--out", stale], {
      cwd: join(DEFAULT_PATHS.operations, "../.."),
    }).then(
      () => 0,
      (e: { code?: number }) => e.code ?? -1,
    );
    expect(result).toBe(1);
  });

  it("reports every unknown operation and a wrong description version together", () => {
    const description = {
      openapi: "3.0.3",
      info: { version: "1.0.0" },
      paths: { "/app": { get: { operationId: "apps/get-authenticated", responses: { "200": { description: "ok" } } } } },
    };
    const ops = OperationsList.parse({ operations: { "GET /nope": "x", "POST /app": "y", "GET /app": "z" } });
    expect(() => extractContract(description, ops)).toThrowError(
      /description version is 1\.0\.0[\s\S]*GET \/nope: path "\/nope" is not in the description[\s\S]*POST \/app: method POST is not defined/,
    );
  });

  it("keeps parameters, multi-segment flags, request bodies and response schemas; output is sorted", () => {
    const description = {
      openapi: "3.0.3",
      info: { version: "23.0.2" },
      paths: {
        "/repos/{owner}/{repo}/contents/{path}": {
          put: {
            operationId: "repos/put",
            parameters: [
              { name: "path", in: "path", required: true, schema: { type: "string" }, "x-multi-segment": true, description: "dropped" },
              { name: "ref", in: "query", schema: { type: "string" } },
            ],
            requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { b: {}, a: {} } } } } },
            responses: { "201": { content: { "application/json": { schema: { type: "object" } } } }, "204": { description: "none" } },
          },
        },
      },
    };
    const contract = extractContract(description, OperationsList.parse({ operations: { "PUT /repos/{owner}/{repo}/contents/{path}": "test" } }));
    const op = contract.operations["PUT /repos/{owner}/{repo}/contents/{path}"];
    expect(op?.parameters).toEqual([
      { name: "path", in: "path", required: true, schema: { type: "string" }, "x-multi-segment": true },
      { name: "ref", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(op?.requestBody?.required).toBe(true);
    expect(op?.responses).toEqual({ "201": { schema: { type: "object" } }, "204": {} });
    expect(renderContract(contract)).toMatch(/"a": \{\},\n\s+"b": \{\}/);
  });
});

describe("contract index", () => {
  const index = ContractIndex.load();

  it("lists exactly the operations of contracts/operations.json, each with a handler in the fake", async () => {
    const listed = OperationsList.parse(JSON.parse(await readFile(DEFAULT_PATHS.operations, "utf8")));
    const keys = Object.keys(index.contract.operations).sort();
    expect(keys).toEqual(Object.keys(listed.operations).sort());
    expect(Object.keys(HANDLERS).sort()).toEqual(keys);
    for (const k of [...APP_AUTH_OPERATIONS, ...Object.keys(REQUIRED_PERMISSION)]) expect(keys).toContain(k);
    expect(keys.filter((k) => !APP_AUTH_OPERATIONS.has(k) && !(k in REQUIRED_PERMISSION))).toEqual([]);
  });

  it("routes multi-segment parameters (encoded or not) and prefers the most specific template", () => {
    const match = (method: string, path: string) => {
      const m = index.match(method, path);
      return m.kind === "matched" ? { key: m.route.key, params: m.pathParams } : m;
    };
    expect(match("GET", "/repos/acme/app/contents/.ferry%2Fapi.yaml")).toEqual({
      key: "GET /repos/{owner}/{repo}/contents/{path}",
      params: { owner: "acme", repo: "app", path: ".ferry/api.yaml" },
    });
    expect(match("GET", "/repos/acme/app/contents/a/b/c.yaml")).toMatchObject({ params: { path: "a/b/c.yaml" } });
    expect(match("GET", "/repos/acme/app/git/ref/heads%2Ffeature%2Fx")).toMatchObject({
      key: "GET /repos/{owner}/{repo}/git/ref/{ref}",
      params: { ref: "heads/feature/x" },
    });
    expect(match("GET", "/repos/acme/app/commits/abc/check-runs")).toMatchObject({
      key: "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      params: { ref: "abc" },
    });
    expect(match("GET", "/repos/acme/app/commits/heads/main")).toMatchObject({ key: "GET /repos/{owner}/{repo}/commits/{ref}", params: { ref: "heads/main" } });
    expect(match("GET", "/repos/acme/app/issues/7/comments")).toMatchObject({ params: { issue_number: "7" } });
    expect(match("PUT", "/repos/acme/app/pulls/1")).toEqual({ kind: "no-method", allowed: ["GET", "PATCH"] });
    expect(match("GET", "/repos/acme/app/actions/runs")).toEqual({ kind: "no-path" });
  });

  it("turns OpenAPI nullable into JSON Schema and closes declared objects", () => {
    expect(toJsonSchema({ type: "string", nullable: true, enum: ["a"], description: "x", example: "a" })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
    expect(toJsonSchema({ nullable: true, allOf: [{ type: "object", properties: { a: {} } }] })).toEqual({
      anyOf: [{ allOf: [{ type: "object", properties: { a: {} } }] }, { type: "null" }],
    });
    expect(toJsonSchema({ type: "object", properties: { a: { type: "integer" } }, required: ["a", "b"] })).toEqual({
      type: "object",
      properties: { a: { type: "integer" }, b: {} },
      required: ["a", "b"],
      additionalProperties: false,
    });
    expect(toJsonSchema({ type: "object", properties: { a: {} }, "x-github-breaking-changes": [{ patch: {} }] })).not.toHaveProperty(
      "x-github-breaking-changes",
    );
  });

  it("coerces and checks parameters, rejecting unknown query parameters", () => {
    const route = index.routes.find((r) => r.key === "GET /repos/{owner}/{repo}/pulls");
    expect(route).toBeDefined();
    if (!route) return;
    const good = index.checkParams(route, { owner: "acme", repo: "app" }, { state: "all", per_page: "100" });
    expect(good.errors).toEqual([]);
    expect(good.value).toMatchObject({ state: "all", per_page: 100, page: 1, sort: "created" });
    const bad = index.checkParams(route, { owner: "acme", repo: "app" }, { state: "merged", per_page: "many", colour: "red" });
    expect(bad.errors).toEqual(
      expect.arrayContaining([
        'query parameter "colour" is not defined for GET /repos/{owner}/{repo}/pulls',
        expect.stringMatching(/params\/state: must be equal to one of the allowed values \["open","closed","all"\]/),
        expect.stringMatching(/params\/per_page: must be integer/),
      ]),
    );
  });
});
