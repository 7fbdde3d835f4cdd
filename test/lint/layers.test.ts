/**
 * The layer rules of eslint.layers.js fire: each case lints one import line as if it stood in a
 * file of the named folder, with the project's own ESLint configuration. So does the rule that
 * keeps GitHub API calls in adapters/github: a planted call in any other folder fails the lint.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

/** The layer-rule messages ESLint reports for `source` placed at `filePath`. */
async function layerProblems(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

// Real files, so that the type-aware rules find them in the TypeScript project.
const RENDERER = "renderers/diff.ts";
const POLICY = "policies/json.ts";
const CORE = "core/cost.ts";
const CLI_COMMAND = "cli/commands/schema.ts";
const MCP = "mcp/server.ts";

describe("layer boundaries (eslint.layers.js)", () => {
  const ioImports = [
    'import { readFileSync } from "node:fs";',
    'import { readFile } from "node:fs/promises";',
    'import { readFileSync } from "fs";',
    'import { execFileSync } from "node:child_process";',
    'import { createServer } from "node:net";',
    'import { request } from "node:http";',
    'import { Octokit } from "@octokit/rest";',
    'import type { Probot } from "probot";',
    'import git from "isomorphic-git";',
    'import { KubeConfig } from "@kubernetes/client-node";',
  ];

  for (const file of [RENDERER, POLICY, CORE]) {
    it.each(ioImports)(`refuses I/O in the pure folder of ${file}: %s`, async (line) => {
      const problems = await layerProblems(file, `${line}\nexport const x = 1;\n`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/is pure/);
    });
  }

  it("lets the pure folders use pure packages and node:crypto", async () => {
    const problems = await layerProblems(CORE, 'import { z } from "zod";\nimport { createHash } from "node:crypto";\nexport const x = [z, createHash];\n');
    expect(problems).toEqual([]);
  });

  it("keeps renderers from importing policies, and policies and core from importing upwards", async () => {
    expect(await layerProblems(RENDERER, 'import { checkPolicies } from "../policies/index.js";\nexport const x = checkPolicies;\n')).toEqual([
      expect.stringMatching(/renderers\/ may not import policies\//),
    ]);
    expect(await layerProblems(POLICY, 'import { renderApps } from "../core/render.js";\nexport const x = renderApps;\n')).toEqual([
      expect.stringMatching(/policies\/ may not import core\//),
    ]);
    expect(await layerProblems(CORE, 'import { publish } from "../adapters/git/publish.js";\nexport const x = publish;\n')).toEqual([
      expect.stringMatching(/core\/ may not import adapters\//),
    ]);
    expect(await layerProblems("core/promotion/pipeline.ts", 'import { onPush } from "../../app/handlers/push.js";\nexport const x = onPush;\n')).toEqual([
      expect.stringMatching(/core\/ may not import app\//),
    ]);
  });

  it("keeps views out of core/: core/ may not import presentation/, which may import core/ and is pure", async () => {
    const view = 'import { gatesCheckOutput } from "../../presentation/markdown/gates-check.js";\nexport const x = gatesCheckOutput;\n';
    expect(await layerProblems("core/promotion/decision.ts", view)).toEqual([expect.stringMatching(/core\/ may not import presentation\//)]);
    expect(await layerProblems("renderers/diff.ts", 'import { x } from "../presentation/markdown/gates-check.js";\nexport const y = x;\n')).toEqual([
      expect.stringMatching(/renderers\/ may not import presentation\//),
    ]);
    expect(await layerProblems("adapters/github/checks.ts", 'import { x } from "../../presentation/markdown/gates-check.js";\nexport const y = x;\n')).toEqual([
      expect.stringMatching(/adapters\/ may not import presentation\//),
    ]);
    const GATES_VIEW = "presentation/markdown/gates-check.ts";
    expect(await layerProblems(GATES_VIEW, 'import { evaluateGates } from "../../core/promotion/gates/index.js";\nexport const x = evaluateGates;\n')).toEqual(
      [],
    );
    expect(await layerProblems(GATES_VIEW, 'import { latestRunOf } from "../../adapters/github/checks.js";\nexport const x = latestRunOf;\n')).toEqual([
      expect.stringMatching(/presentation\/ may not import adapters\//),
    ]);
    expect(await layerProblems(GATES_VIEW, 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n')).toEqual([
      expect.stringMatching(/presentation\/ is pure/),
    ]);
    // The front ends render with it.
    for (const file of ["flows/promotion/judging.ts", "operations/workspace.ts", "cli/commands/schema.ts", "mcp/server.ts"]) {
      const depth = file.split("/").length - 1;
      expect(await layerProblems(file, `import { x } from "${"../".repeat(depth)}presentation/markdown/gates-check.js";\nexport const y = x;\n`)).toEqual([]);
    }
  });

  it("keeps the CLI and the MCP server out of each other's command modules", async () => {
    expect(await layerProblems(MCP, 'import { render } from "../cli/commands/render.js";\nexport const x = render;\n')).toEqual([
      expect.stringMatching(/mcp\/ may not import cli\//),
    ]);
    expect(await layerProblems(CLI_COMMAND, 'import { tools } from "../../mcp/tools.js";\nexport const x = tools;\n')).toEqual([
      expect.stringMatching(/cli\/ may start the MCP server/),
    ]);
    // Starting the server is the one thing the CLI takes from mcp/.
    expect(
      await layerProblems("cli/commands/mcp.ts", 'import { createFerryMcpServer } from "../../mcp/server.js";\nexport const x = createFerryMcpServer;\n'),
    ).toEqual([]);
  });

  it("lets only the app's entry point mount the MCP server", async () => {
    const mount = 'import { mcpHttpHandler } from "../mcp/http.js";\nexport const x = mcpHttpHandler;\n';
    expect(await layerProblems("app/main.ts", mount)).toEqual([]);
    expect(await layerProblems("app/index.ts", mount)).toEqual([expect.stringMatching(/app\/ may not import mcp\/ \(only the entry point app\/main\.ts/)]);
  });

  it("keeps everything outside test/ from importing test/", async () => {
    for (const file of [CORE, "app/index.ts", "bench/main.ts", "operations/workspace.ts"]) {
      const depth = file.split("/").length - 1;
      const line = `import { x } from "${"../".repeat(depth)}test/support/git-server.js";\nexport const y = x;\n`;
      expect(await layerProblems(file, line)).toEqual([expect.stringMatching(/may not import test\//)]);
    }
  });

  it("puts the use cases in flows/ under every front end, with no exception for any of them", async () => {
    const deps = (file: string) => `import type { Deps } from "${"../".repeat(file.split("/").length - 1)}app/deps.js";\nexport type X = Deps;\n`;
    // No flow, operation or portal module reaches into the app, not even for a type.
    expect(await layerProblems("flows/promotion/requests.ts", deps("flows/promotion/requests.ts"))).toEqual([
      expect.stringMatching(/flows\/ may not import app\//),
    ]);
    expect(await layerProblems("operations/promotions.ts", deps("operations/promotions.ts"))).toEqual([
      expect.stringMatching(/operations\/ may not import app\//),
    ]);
    expect(await layerProblems("portal/data.ts", deps("portal/data.ts"))).toEqual([expect.stringMatching(/portal\/ may not import app\//)]);
    // Flows sit under the front ends: they import none of them.
    for (const [front, line] of [
      ["operations", 'import { x } from "../../operations/promotions.js";'],
      ["portal", 'import { x } from "../../portal/server.js";'],
      ["cli", 'import { x } from "../../cli/main.js";'],
      ["mcp", 'import { x } from "../../mcp/server.js";'],
    ] as const) {
      expect(await layerProblems("flows/promotion/requests.ts", `${line}\nexport const y = x;\n`)).toEqual([
        expect.stringMatching(new RegExp(`flows/ may not import ${front}/`)),
      ]);
    }
    // Every front end calls them.
    for (const file of ["operations/promotions.ts", "portal/data.ts", "app/handlers/push.ts", "cli/commands/schema.ts", "mcp/server.ts"]) {
      const line = `import { requestPromotion } from "${"../".repeat(file.split("/").length - 1)}flows/promotion/requests.js";\nexport const x = requestPromotion;\n`;
      expect(await layerProblems(file, line)).toEqual([]);
    }
    // The portal is a front end of its own: operations/ does not reach into it.
    expect(await layerProblems("operations/status.ts", 'import { x } from "../portal/server.js";\nexport const y = x;\n')).toEqual([
      expect.stringMatching(/operations\/ may not import portal\//),
    ]);
  });

  it("lets only the app's entry point import the composition root (app/deps.ts)", async () => {
    const root = (file: string) => `import type { Deps } from "${file.split("/").length > 2 ? "../" : "./"}deps.js";\nexport type X = Deps;\n`;
    for (const file of ["app/handlers/push.ts", "app/portal-mount.ts", "app/reconcile-schedule.ts", "app/cluster-status.ts"]) {
      expect(await layerProblems(file, root(file))).toEqual([expect.stringMatching(/only app\/index\.ts \(createFerryApp\) imports the composition root/)]);
    }
    expect(await layerProblems("app/index.ts", root("app/index.ts"))).toEqual([]);
    // The handlers take the services the flows declare instead.
    const services = 'import type { FlowServices } from "../../flows/services.js";\nexport type X = FlowServices;\n';
    expect(await layerProblems("app/handlers/push.ts", services)).toEqual([]);
  });

  it("keeps the GitHub App out of the CLI and the MCP server", async () => {
    expect(await layerProblems("app/index.ts", 'import { main } from "../cli/main.js";\nexport const x = main;\n')).toEqual([
      expect.stringMatching(/app\/ may not import cli\//),
    ]);
  });
});

/** The GitHub-call messages (`no-restricted-syntax`, eslint.layers.js `githubCalls`) ESLint reports for `source` at `filePath`. */
async function githubCallProblems(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
}

/** A module at `filePath` that takes the adapter's GitHub client and runs `body` with it (`octokit`). */
function withClient(filePath: string, body: string): string {
  const depth = filePath.split("/").length - 1;
  const types = filePath.startsWith("adapters/github/") ? "./types.js" : `${"../".repeat(depth)}adapters/github/types.js`;
  return `import type { GitHub } from "${types}";\nexport async function planted(octokit: GitHub, ctx: { octokit: GitHub }, app: { auth(): Promise<GitHub> }) {\n  void ctx;\n  void app;\n  ${body}\n}\n`;
}

const PULLS_GET = 'return octokit.rest.pulls.get({ owner: "o", repo: "r", pull_number: 1 });';

describe("GitHub calls only in adapters/github (eslint.layers.js githubCalls)", () => {
  it("refuses octokit.rest.pulls.get in app/ and in operations/, and lets adapters/github make it", async () => {
    for (const file of ["flows/promotion/judging.ts", "operations/reconcile.ts"]) {
      expect(await githubCallProblems(file, withClient(file, PULLS_GET))).toEqual([expect.stringMatching(/GitHub API calls live in adapters\/github/)]);
    }
    expect(await githubCallProblems("adapters/github/pulls.ts", withClient("adapters/github/pulls.ts", PULLS_GET))).toEqual([]);
  });

  it.each([
    "mcp/server.ts",
    "cli/commands/schema.ts",
    "core/cost.ts",
    "app/portal-mount.ts",
    "bench/main.ts",
    "scripts/extract-github-contract.ts",
    "adapters/git/read.ts",
  ])("refuses the call in %s too", async (file) => {
    expect(await githubCallProblems(file, withClient(file, PULLS_GET))).toHaveLength(1);
  });

  it.each([
    ['ctx.octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "hi" });', /`\.rest` is Octokit's REST API/],
    ["(await app.auth()).rest.apps.getAuthenticated();", /`\.rest` is Octokit's REST API/],
    ['octokit["rest"].repos.get({ owner: "o", repo: "r" });', /`\["rest"\]` is Octokit's REST API/],
    [
      'await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });',
      /`\.request\(\)`, `\.graphql\(\)` and `\.paginate\(\)` call the GitHub API/,
    ],
    ['await octokit.graphql("query { viewer { login } }");', /call the GitHub API/],
    ['const pages: unknown[] = await octokit.paginate("GET /repos/{owner}/{repo}/pulls", { owner: "o", repo: "r" });\n  return pages;', /call the GitHub API/],
    ["const { rest } = octokit;\n  return rest;", /`rest`, `graphql` and `paginate` are Octokit's GitHub API/],
  ])("refuses any receiver and form outside adapters/github: %s", async (body, message) => {
    expect(await githubCallProblems("flows/promotion/reads.ts", withClient("flows/promotion/reads.ts", body))).toEqual([expect.stringMatching(message)]);
  });

  it("lets test/ drive the client, Node's http.request through, and a response type name GitHub's endpoint", async () => {
    expect(await githubCallProblems("test/support/git-server.ts", withClient("test/support/git-server.ts", PULLS_GET))).toEqual([]);
    const http =
      'import { request } from "node:http";\nimport * as https from "node:https";\nexport const get = [request, () => https.request("https://example.invalid/")];\n';
    expect(await githubCallProblems("app/portal-mount.ts", http)).toEqual([]);
    const type = withClient(
      "flows/promotion/judging.ts",
      'type Pull = Awaited<ReturnType<GitHub["rest"]["pulls"]["get"]>>["data"];\n  const none: Pull[] = [];\n  return none;',
    );
    expect(await githubCallProblems("flows/promotion/judging.ts", type)).toEqual([]);
  });
});
