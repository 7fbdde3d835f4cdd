/** A component's promotion history as a Markdown table (promotion pull request bodies). */
import type { ComponentHistory, HistoryTableOptions } from "../../core/history.js";
import { historyRows } from "../../core/history.js";
import { formatUtc } from "../../core/time.js";

const short = (sha: string) => sha.slice(0, 7);
const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Markdown table for pull request bodies: env, release, when, commit, source, approved by. */
export function formatHistoryMarkdown(history: ComponentHistory, opts: HistoryTableOptions = {}): string {
  const all = historyRows(history, opts);
  if (all.length === 0) return `_No environment has run ${history.component} yet._`;
  const server = (opts.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const link = (repo: string | undefined, sha: string) => (repo ? `[${cell(repo)}@${short(sha)}](${server}/${repo}/commit/${sha})` : `\`${short(sha)}\``);
  const lines = ["| environment | release | since | commit | source | approved by |", "| --- | --- | --- | --- | --- | --- |"];
  for (const { env, entry } of all) {
    lines.push(
      `| ${env} | ${entry.release ? `\`${entry.release}\`` : "_removed_"} | ${formatUtc(entry.date)} | ${link(entry.repo, entry.commit)} | ${
        entry.source ? link(entry.source.repo, entry.source.sha) : ""
      } | ${entry.approvedBy.map((a) => `@${cell(a)}`).join(", ")} |`,
    );
  }
  return lines.join("\n");
}
