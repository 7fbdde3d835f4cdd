/**
 * The MCP resources, as JSON:
 * - `ferry://platform`: the platform (the server's `--platform`) as loaded, defaults filled in;
 * - `ferry://components/{project}/{component}`: a component's `Component` document, for each
 *   component of the server's app checkouts the caller sees;
 * - `ferry://schemas/{kind}`: the JSON Schema of each Ferry file kind.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { SCHEMA_KINDS, jsonSchema } from "../operations/schema.js";
import { key, visibleComponents } from "./components.js";
import type { ToolContext } from "./tools/tool.js";
import { platformBundle } from "./workspace.js";

const JSON_TYPE = "application/json";

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) }] };
}

function variable(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

export function registerResources(server: McpServer, context: ToolContext): void {
  if (context.defaults.platform !== undefined) {
    server.registerResource(
      "platform",
      "ferry://platform",
      {
        title: "The platform",
        description: "The platform's projects, environments, pipeline, pricing and policy settings (.ferry/platform.yaml as loaded).",
        mimeType: JSON_TYPE,
      },
      async (uri) => json(uri.href, platformBundle({}, context).platform),
    );
  }

  if (context.defaults.apps.length > 0) {
    server.registerResource(
      "component",
      new ResourceTemplate("ferry://components/{project}/{component}", {
        list: async () => {
          const { components } = await visibleComponents({}, context);
          return {
            resources: components.map((c) => ({
              uri: `ferry://components/${key(c)}`,
              name: key(c),
              description: `${c.component.spec.type} from ${c.repo} (${c.source.file})`,
              mimeType: JSON_TYPE,
            })),
          };
        },
      }),
      { title: "A component", description: "A component's Component document as loaded (defaults filled in).", mimeType: JSON_TYPE },
      async (uri, vars) => {
        const wanted = `${variable(vars.project)}/${variable(vars.component)}`;
        const { components } = await visibleComponents({}, context);
        const found = components.find((c) => key(c) === wanted);
        if (!found) throw new Error(`no component ${wanted} you can see`);
        return json(uri.href, found.component);
      },
    );
  }

  server.registerResource(
    "schema",
    new ResourceTemplate("ferry://schemas/{kind}", {
      list: async () => ({ resources: SCHEMA_KINDS.map((kind) => ({ uri: `ferry://schemas/${kind}`, name: kind, mimeType: "application/schema+json" })) }),
    }),
    { title: "JSON Schema of a kind", description: "The JSON Schema of a Ferry file kind.", mimeType: "application/schema+json" },
    async (uri, vars) => json(uri.href, jsonSchema(variable(vars.kind))),
  );
}
