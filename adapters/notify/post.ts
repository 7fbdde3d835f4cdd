/**
 * The one port through which notifications leave Ferry: a POST of a JSON body to a URL (a Slack or
 * Teams incoming webhook, or a generic webhook), and its implementation over Node's http/https
 * with one deadline. What it answers never holds the URL (it carries a secret path for Slack and
 * Teams): only the status, or the kind of failure.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** What a POST ended with: the HTTP status, or why there is none (never the URL). */
export type PostResult = { readonly status: number } | { readonly error: "timeout" | "unreachable" | "bad-url" };

/** One POST of `body` to `url`; never rejects. */
export interface NotificationSender {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<PostResult>;
}

/** Options of {@link httpSender}. */
export interface HttpSenderProps {
  /** The whole exchange's deadline, in ms. @default 10000 */
  readonly timeoutMs?: number;
}

/** {@link NotificationSender} over Node's http/https (the answer's body is read and dropped). */
export function httpSender(props: HttpSenderProps = {}): NotificationSender {
  const timeoutMs = props.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error(`httpSender timeoutMs must be a positive integer of ms, got ${timeoutMs}`);
  return {
    post(url, body, headers) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return Promise.resolve({ error: "bad-url" });
      }
      if (target.protocol !== "http:" && target.protocol !== "https:") return Promise.resolve({ error: "bad-url" });
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      return new Promise<PostResult>((resolve) => {
        let done = false;
        const finish = (result: PostResult): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(result);
        };
        const req = send(target, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
          res.resume();
          res.once("end", () => finish({ status: res.statusCode ?? 0 }));
          res.once("error", () => finish({ status: res.statusCode ?? 0 }));
        });
        const timer = setTimeout(() => {
          finish({ error: "timeout" });
          req.destroy();
        }, timeoutMs);
        req.once("error", () => finish({ error: "unreachable" }));
        req.end(body);
      });
    },
  };
}
