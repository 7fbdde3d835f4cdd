// Ferry's layers, enforced by ESLint's own `no-restricted-imports` (see ARCHITECTURE.md).
// Each top-level source folder is one layer; a layer may import only the layers listed for it.
// The pure layers (renderers, policies, core) may import no I/O at all: no filesystem, process,
// network or HTTP module, and none of the GitHub, git or Kubernetes client libraries.

/** Node modules and packages that do I/O: forbidden in the pure layers. */
export const IO_MODULES = ["fs", "fs/promises", "child_process", "net", "http", "https", "http2", "dgram", "tls", "worker_threads"];

const IO_PACKAGES = [
  "probot",
  "pino",
  "@probot/pino",
  "octokit",
  "@octokit/*",
  "isomorphic-git",
  "isomorphic-git/*",
  "@kubernetes/client-node",
  "ioredis",
  "prom-client",
];

const TOP_LEVEL = [
  "app",
  "portal",
  "flows",
  "presentation",
  "core",
  "adapters",
  "operations",
  "renderers",
  "policies",
  "templates",
  "cli",
  "mcp",
  "test",
  "bench",
  "scripts",
];

/** A pattern matching a relative import that reaches into top-level folder `name` (from any depth). */
function into(name, message) {
  return { regex: `^(\\.\\./)+${name}(/|$)`, message };
}

/** What each layer may not import, as no-restricted-imports options. */
function restrict(layer, forbiddenLayers, { pure = false, extra = [] } = {}) {
  const patterns = forbiddenLayers.map((name) => into(name, `${layer}/ may not import ${name}/ (see ARCHITECTURE.md, "Layers").`));
  if (pure) {
    patterns.push({
      group: IO_PACKAGES,
      message: `${layer}/ is pure: I/O clients belong in adapters/ (see ARCHITECTURE.md).`,
    });
  }
  patterns.push(...extra);
  const paths = pure
    ? IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
        name,
        message: `${layer}/ is pure: no filesystem, process or network I/O (adapters/ does I/O; see ARCHITECTURE.md).`,
      }))
    : [];
  return { files: [`${layer}/**/*.ts`], rules: { "no-restricted-imports": ["error", { paths, patterns }] } };
}

const others = (...allowed) => TOP_LEVEL.filter((name) => !allowed.includes(name));

const GITHUB_CALL_HOME = 'GitHub API calls live in adapters/github, one named function each (see CONTRIBUTING.md, "A GitHub API call")';

/**
 * Every GitHub API call is a named function in adapters/github: elsewhere (test/ excepted, which
 * drives the fake GitHub directly) `no-restricted-syntax` refuses, whatever the client is called
 * (`octokit`, `ctx.octokit`, `app`, `(await app.auth())`, `this.#client`):
 * - any `<expr>.rest` (and `<expr>["rest"]`): Octokit's REST methods, `octokit.rest.pulls.get(…)`;
 * - a call `<expr>.request(…)`, `<expr>.graphql(…)` or `<expr>.paginate(…)` on any receiver but
 *   Node's `http`, `https` and `http2` modules (`http.request(…)` is not a GitHub call);
 * - taking `rest`, `graphql` or `paginate` out of an object by destructuring (`const { rest } = octokit`).
 * Type positions (`GitHub["rest"]["pulls"]["get"]` naming a response type) are not calls and pass;
 * so does reading `octokit.request.endpoint` (an Octokit plugin's hook, not a request).
 */
export const githubCalls = {
  files: ["**/*.ts", "**/*.js"],
  ignores: ["adapters/github/**", "test/**", "**/*.test.ts"],
  rules: {
    "no-restricted-syntax": [
      "error",
      { selector: "MemberExpression[computed=false][property.name='rest']", message: `\`.rest\` is Octokit's REST API: ${GITHUB_CALL_HOME}.` },
      { selector: "MemberExpression[computed=true][property.value='rest']", message: `\`["rest"]\` is Octokit's REST API: ${GITHUB_CALL_HOME}.` },
      {
        selector:
          "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(request|graphql|paginate)$/]:not([callee.object.name=/^(http|https|http2)$/])",
        message: `\`.request()\`, \`.graphql()\` and \`.paginate()\` call the GitHub API: ${GITHUB_CALL_HOME}.`,
      },
      {
        selector: "ObjectPattern > Property[key.name=/^(rest|graphql|paginate)$/]",
        message: `\`rest\`, \`graphql\` and \`paginate\` are Octokit's GitHub API: ${GITHUB_CALL_HOME}.`,
      },
    ],
  },
};

const APP_MAY_NOT = others("app", "portal", "flows", "presentation", "adapters", "core", "renderers", "policies", "templates", "mcp");
const NO_MCP = { regex: "^(\\.\\./)+mcp/", message: "app/ may not import mcp/ (only the entry point app/main.ts mounts mcp/http.ts at /mcp)." };
const NO_COMPOSITION_ROOT = {
  regex: "^(\\./|\\.\\./)+deps\\.js$",
  message: "only app/index.ts (createFerryApp) imports the composition root app/deps.ts: take the services you use from flows/services.ts.",
};

export const layers = [
  // Pure: the rendering core and the policy engine. Policies read rendered objects, so they may
  // import renderers; nothing in renderers calls policies (core/render.ts does both).
  restrict("renderers", others("renderers"), { pure: true }),
  restrict("policies", others("policies", "renderers"), { pure: true }),
  // Pure decisions above renderers and policies: gates, pipeline, release planning, history,
  // cost, the GitOps repository layout, status health; each returns data that presentation/ renders.
  restrict("core", others("core", "renderers", "policies"), { pure: true }),
  // Views: every Markdown body (comments, PR bodies, check outputs) and the portal's HTML, CSS and SVG,
  // rendered from the data core/ decides. Pure; core/ may not import it (decisions return data).
  restrict("presentation", others("presentation", "core", "renderers", "policies"), { pure: true }),
  // Built-in component types and traits: YAML files read from their own folder.
  restrict("templates", others("templates", "renderers")),
  // I/O: GitHub, git and GitOps repositories, Kubernetes, the local filesystem.
  restrict("adapters", others("adapters", "core", "renderers", "policies")),
  // The use cases (release, promotion, preview, status back, reconcile, drift publishing, a person's
  // request): what the front ends call. Each declares the services it uses (flows/services.ts).
  restrict("flows", others("flows", "presentation", "adapters", "core", "renderers", "policies", "templates")),
  // The operations shared by the CLI and the MCP server, on top of the flows (a person's promotion
  // is flows/promotion/requests.ts, the app's own code path).
  restrict("operations", others("operations", "flows", "presentation", "adapters", "core", "renderers", "policies", "templates")),
  // The portal: a front end of its own (the app mounts it at /ferry/ through app/portal-mount.ts).
  restrict("portal", others("portal", "flows", "presentation", "adapters", "core", "renderers", "policies", "templates")),
  // The GitHub App: webhook handlers, the composition root (app/deps.ts) and the process (queue,
  // replicas, metrics, endpoints); it mounts the portal. Only the entry point createFerryApp
  // (app/index.ts) imports the composition root: handlers and flows take the services they declare.
  // The process entry (app/main.ts) may mount the MCP server's HTTP handler; nothing else in app/ uses mcp/.
  restrict("app", APP_MAY_NOT, { extra: [NO_MCP, NO_COMPOSITION_ROOT] }),
  { files: ["app/index.ts"], rules: restrict("app", APP_MAY_NOT, { extra: [NO_MCP] }).rules },
  { files: ["app/main.ts", "app/deps.ts"], rules: restrict("app", APP_MAY_NOT).rules },
  // The CLI may start the MCP server (mcp/server.ts over stdio, mcp/http.ts over HTTP) but uses none of its tool modules.
  restrict("cli", others("cli", "operations", "flows", "presentation", "adapters", "core", "renderers", "policies", "templates", "mcp"), {
    extra: [
      {
        regex: "^(\\.\\./)+mcp/(?!(server|http)\\.js$)",
        message: "cli/ may start the MCP server (mcp/server.ts, mcp/http.ts) only; share code through operations/.",
      },
    ],
  }),
  // The MCP server calls operations/, never the CLI's command modules.
  restrict("mcp", others("mcp", "operations", "flows", "presentation", "adapters", "core", "renderers", "policies", "templates")),
  restrict("bench", ["test", "cli", "mcp"]),
  restrict("scripts", ["test"]),
  githubCalls,
];
