/**
 * Splitting a long Markdown comment into parts that each fit GitHub's limit. Pure.
 *
 * GitHub refuses comment bodies over 65,536 characters. Ferry's comments hold diffs in code
 * fences inside `<details>` blocks, so cutting at an arbitrary character would leave a fence or a
 * block open and wreck the rendering of everything after it. The splitter works line by line:
 * a part ends only between lines; every fence and `<details>` block open at the cut is closed at
 * the end of the part and reopened (same fence, same info string, the same summary marked
 * "continued") at the start of the next. A single line too long for any part is shortened with
 * an explicit note, never split across comments.
 */

/** GitHub's limit on an issue or pull request comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of {@link splitMarkdown}. */
export interface SplitOptions {
  /** Largest part, in characters (UTF-16 code units, which never undercount GitHub's characters). @default 65536 */
  readonly limit?: number;
  /** First line of part `n` (1-based), e.g. a hidden marker. Counted against the limit. @default none */
  readonly header?: (part: number) => string;
  /** Last line of every part but the last. @default "_(continued in the next comment)_" */
  readonly continued?: string;
}

type Block =
  | { readonly kind: "fence"; readonly opener: string; readonly char: string; readonly length: number; readonly indent: string }
  | { readonly kind: "details"; readonly opener: string; summary: string | undefined };

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const DETAILS_OPEN = /^\s*<details(\s[^>]*)?>/i;
const DETAILS_CLOSE = /^\s*<\/details>\s*$/i;
const SUMMARY = /<summary>([\s\S]*?)<\/summary>/i;

/** Applies one line to the stack of open blocks (returns a new stack). */
function step(stack: readonly Block[], line: string): Block[] {
  const next = [...stack];
  const top = next[next.length - 1];
  const fence = FENCE.exec(line);
  if (top?.kind === "fence") {
    // Inside a fence only its closing fence means anything.
    if (fence && fence[2]![0] === top.char && fence[2]!.length >= top.length && fence[3]!.trim() === "") next.pop();
    return next;
  }
  if (fence) {
    if (fence[2]![0] === "`" && fence[3]!.includes("`")) return next; // not a fence: inline code
    next.push({ kind: "fence", opener: line, char: fence[2]![0]!, length: fence[2]!.length, indent: fence[1]! });
    return next;
  }
  if (DETAILS_OPEN.test(line)) {
    const opener = /^\s*<details(\s[^>]*)?>/i.exec(line)![0].trim();
    const summary = SUMMARY.exec(line)?.[1];
    const rest = line.replace(/^\s*<details(\s[^>]*)?>/i, "");
    if (/<\/details>\s*$/i.test(rest)) return next; // opened and closed on one line
    next.push({ kind: "details", opener, summary });
    return next;
  }
  if (top?.kind === "details" && top.summary === undefined) {
    const summary = SUMMARY.exec(line)?.[1];
    if (summary !== undefined) {
      next[next.length - 1] = { ...top, summary };
      return next;
    }
  }
  if (DETAILS_CLOSE.test(line)) {
    const at = next.map((b) => b.kind).lastIndexOf("details");
    if (at >= 0) next.splice(at);
  }
  return next;
}

function closer(block: Block): string {
  return block.kind === "fence" ? `${block.indent}${block.char.repeat(block.length)}` : "</details>";
}

function reopener(block: Block): string[] {
  if (block.kind === "fence") return [block.opener];
  const summary = block.summary === undefined ? [] : [`<summary>${block.summary} (continued)</summary>`];
  return [block.opener, ...summary, ""];
}

const closers = (stack: readonly Block[]) => [...stack].reverse().map(closer);
const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/** Shortens a line to `max` characters with a note saying how much was left out. */
export function shortenLine(line: string, max: number): string {
  if (line.length <= max) return line;
  const note = (n: number) => ` … [line shortened: ${n} more characters]`;
  const keep = Math.max(0, max - note(line.length).length);
  return `${line.slice(0, keep)}${note(line.length - keep)}`;
}

/**
 * Splits `markdown` into parts of at most `limit` characters each (header included), cutting only
 * between lines and keeping code fences and `<details>` blocks balanced in every part.
 * Returns one part when everything fits.
 */
export function splitMarkdown(markdown: string, opts: SplitOptions = {}): string[] {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  const header = opts.header ?? (() => "");
  const continued = opts.continued ?? "_(continued in the next comment)_";
  const headerLines = (n: number) => (header(n) === "" ? [] : [header(n)]);
  // Room a part always needs besides its content: header, continuation note, a few closers.
  const reserve = size(headerLines(99)) + continued.length + 2 + 256;
  if (limit < reserve + 64) throw new Error(`comment limit ${limit} is too small for the header and continuation note`);
  const maxLine = Math.floor((limit - reserve) / 2);

  const input = markdown
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => shortenLine(l, maxLine));
  const whole = [...headerLines(1), ...input];
  if (size(whole) - 1 <= limit) return [whole.join("\n")];

  const parts: string[] = [];
  let stack: Block[] = [];
  let lines: string[] = [...headerLines(1)];
  let used = size(lines); // characters of `lines`, each with its newline (kept incrementally: parts hold many lines)
  let content = 0; // lines of real content in the current part
  const startPart = (open: readonly Block[]) => {
    lines = [...headerLines(parts.length + 1), ...open.flatMap(reopener)];
    used = size(lines);
    content = 0;
  };
  for (const line of input) {
    const after = step(stack, line);
    const tail = size(closers(after)) + continued.length + 2;
    if (used + line.length + 1 + tail > limit && content > 0) {
      parts.push([...lines, ...closers(stack), "", continued].join("\n"));
      startPart(stack);
      // Deep nesting could in theory leave no room; drop reopened blocks from the outside in.
      while (used + line.length + 1 + tail > limit && stack.length > 0) {
        stack = stack.slice(1);
        startPart(stack);
      }
    }
    lines.push(line);
    used += line.length + 1;
    content++;
    stack = step(stack, line);
  }
  parts.push([...lines, ...closers(stack)].join("\n"));
  return parts;
}
