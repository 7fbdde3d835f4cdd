/**
 * Input an operation cannot accept as given: an unknown environment, kind or component, a missing
 * directory, options that do not go together. The CLI exits 2 on it (bad usage); the MCP server
 * returns it as a tool error.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
