/**
 * Container logs of failing pods: which ones a pod's state calls for (the previous instance of a
 * restarting container, a terminated container that failed), reading their last lines, and the
 * per-context cache the observer keeps, which reads each log once per restart.
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import { logKey, type ContainerLogs, type Pod } from "../../core/status/cluster-objects.js";

/** One container log a pod's state calls for. */
export interface LogRequest {
  container: string;
  /** Read the previous (crashed) instance rather than the current one. */
  previous: boolean;
  /** Changes when a new instance crashed or terminated: the log is read again. */
  marker: string;
}

/** Which container logs a pod's state calls for: previous instance of restarting containers, terminated failed ones. */
export function logsWanted(pod: Pod): LogRequest[] {
  const out: LogRequest[] = [];
  for (const cs of pod.status?.containerStatuses ?? []) {
    const term = cs.state?.terminated;
    if (cs.lastState?.terminated && cs.restartCount > 0 && !cs.ready) {
      out.push({ container: cs.name, previous: true, marker: `restart:${cs.restartCount}` });
    } else if (term && term.exitCode !== 0) {
      out.push({ container: cs.name, previous: false, marker: `terminated:${term.finishedAt ?? term.containerID ?? ""}` });
    }
  }
  return out;
}

function lastLines(text: string, max: number): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.slice(-max);
}

/** Reads the last `tailLines` lines of the log `request` names. */
export async function readContainerLog(core: CoreV1Api, pod: Pod, request: LogRequest, tailLines: number): Promise<string[]> {
  const text = await core.readNamespacedPodLog({
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? "default",
    container: request.container,
    previous: request.previous,
    tailLines,
  });
  return lastLines(typeof text === "string" ? text : String(text), tailLines);
}

/** Options of {@link ContainerLogCache}. */
export interface ContainerLogCacheProps {
  readonly core: CoreV1Api;
  readonly tailLines: number;
  /** Aborts with the observer: no read starts after it, none lands after it. */
  readonly signal: AbortSignal;
  /** Counts completed reads. */
  readonly counters: { logs: number };
  /** A read of one of `pod`'s logs landed. */
  readonly onRead: (pod: Pod) => void;
  readonly onError: (error: unknown) => void;
}

interface LogEntry {
  marker: string;
  lines: string[];
}

/** The logs of one context's failing pods, each read once per restart or termination. */
export class ContainerLogCache {
  private readonly entries = new Map<string, LogEntry>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly props: ContainerLogCacheProps) {}

  /** Starts reading the logs `pod`'s state calls for that have not been read for this restart yet. */
  update(pod: Pod): void {
    const namespace = pod.metadata.namespace ?? "";
    for (const want of logsWanted(pod)) {
      const k = logKey(namespace, pod.metadata.name, want.container);
      const cur = this.entries.get(k);
      if (cur?.marker === want.marker) continue;
      const entry: LogEntry = { marker: want.marker, lines: cur?.lines ?? [] };
      this.entries.set(k, entry);
      const p = this.read(pod, want, entry).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Drops the logs of a pod that is gone. */
  forget(pod: { metadata: { namespace?: string | undefined; name: string } }): void {
    const prefix = `${pod.metadata.namespace ?? ""}/${pod.metadata.name}/`;
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** The logs read so far (non-empty ones), keys sorted. */
  current(): ContainerLogs {
    const out: ContainerLogs = {};
    for (const k of [...this.entries.keys()].sort()) {
      const e = this.entries.get(k);
      if (e && e.lines.length > 0) out[k] = [...e.lines];
    }
    return out;
  }

  /** Resolves when no read is running. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async read(pod: Pod, want: LogRequest, entry: LogEntry): Promise<void> {
    if (this.props.signal.aborted) return;
    try {
      const lines = await readContainerLog(this.props.core, pod, want, this.props.tailLines);
      this.props.counters.logs++;
      if (this.props.signal.aborted) return;
      if (this.entries.get(logKey(pod.metadata.namespace ?? "", pod.metadata.name, want.container)) !== entry) return;
      entry.lines = lines;
      this.props.onRead(pod);
    } catch (error) {
      if (!this.props.signal.aborted) this.props.onError(error);
    }
  }
}
