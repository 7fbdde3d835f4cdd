/** Diff: what changes between two rendered trees, or between a render in memory and a directory. */
import { existsSync } from "node:fs";
import { z } from "zod";
import type { Diagnostic } from "../renderers/diagnostics.js";
import type { FileChange, TreeDiff } from "../renderers/diff.js";
import { changeDiff, diffTrees } from "../renderers/diff.js";
import { readTree } from "../adapters/fs/files.js";
import { UsageError } from "./errors.js";
import { renderWorkspace } from "./render.js";
import { WorkspaceInput } from "./workspace.js";

/** The workspace to render, and the tree to compare the render with. */
export const DiffInput = WorkspaceInput.extend({
  against: z.string().describe("tree to compare the render with: a previous render, or a GitOps checkout"),
});
export type DiffInput = Readonly<z.infer<typeof DiffInput>>;

/** A diff of a render: only diagnostics when the render has errors. */
export type DiffOutcome =
  { readonly ok: false; readonly diagnostics: Diagnostic[] } | { readonly ok: true; readonly diagnostics: Diagnostic[]; readonly diff: TreeDiff };

/** One changed file as the CLI's --json and the MCP tool report it; `diff` is left out when `lines` is false. */
export interface ChangeReport {
  readonly path: string;
  readonly status: FileChange["status"];
  readonly diff: string | undefined;
}

/**
 * Renders in memory and compares with `against`, limited to what the render covers: the
 * selected environments and the releases.
 */
export function diffWorkspace(input: DiffInput): DiffOutcome {
  const r = renderWorkspace(input);
  if (!("result" in r) || !r.ok) return { ok: false, diagnostics: r.diagnostics };
  const envs = new Set(r.ws.environments.map((e) => e.name));
  const before = new Map([...readTree(input.against)].filter(([p]) => p.startsWith("releases/") || envs.has(p.split("/")[1] ?? "")));
  return { ok: true, diagnostics: r.diagnostics, diff: diffTrees(before, r.result.files) };
}

/** Compares two rendered trees on disk; a missing directory is a usage error. */
export function diffDirectories(before: string, after: string): TreeDiff {
  for (const d of [before, after]) if (!existsSync(d)) throw new UsageError(`${d}: no such directory`);
  return diffTrees(readTree(before), readTree(after));
}

export function changeReports(diff: TreeDiff, { lines }: { readonly lines: boolean }): ChangeReport[] {
  return diff.changes.map((c) => ({ path: c.path, status: c.status, diff: lines ? changeDiff(c) : undefined }));
}
