/** Ferry's logger (app/log.ts): secret headers and query parameters censored wherever they appear. */
import { describe, expect, it } from "vitest";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { ferryLog, redactUrl } from "../../app/log.js";

describe("Ferry's logger", () => {
  /** The one line `ferryLog` writes for `write(log)` (a grandchild logger, as pino-http's), JSON parsed. */
  async function written(write: (log: Awaited<ReturnType<typeof ferryLog>>) => void): Promise<Record<string, unknown>> {
    const out = new PassThrough();
    const log = await ferryLog({ LOG_FORMAT: "json", LOG_LEVEL: "trace" }, out);
    const chunk = once(out, "data");
    write(log.child({ name: "test" }).child({}, { serializers: {} }));
    const [data] = (await chunk) as [Buffer];
    return JSON.parse(data.toString()) as Record<string, unknown>;
  }

  it("censors secret headers wherever a request, response or error carries them, and keeps the rest", async () => {
    const line = await written((log) =>
      log.error(
        {
          req: {
            method: "GET",
            url: "/ferry/callback?code=c0de&state=st4te",
            headers: { authorization: "Bearer ghu_x", cookie: "ferry_session=s", host: "h" },
          },
          res: {
            statusCode: 303,
            headers: { "set-cookie": ["ferry_session=s; HttpOnly"], location: "https://github.com/login/oauth/authorize?client_id=Iv1&state=st4te" },
          },
          err: { message: "boom", request: { headers: { authorization: "token ghs_y" }, url: "https://api.github.com/x?access_token=ghs_y" } },
          headers: { "proxy-authorization": "Basic eA==", "x-hub-signature-256": "sha256=abc" },
        },
        "GET /ferry/callback?code=c0de&state=st4te 303",
      ),
    );
    expect(line).toMatchObject({
      msg: "GET /ferry/callback?code=[Redacted]&state=[Redacted] 303",
      req: { url: "/ferry/callback?code=[Redacted]&state=[Redacted]", headers: { authorization: "[Redacted]", cookie: "[Redacted]", host: "h" } },
      res: { statusCode: 303, headers: { "set-cookie": "[Redacted]", location: "https://github.com/login/oauth/authorize?client_id=Iv1&state=[Redacted]" } },
      err: { request: { headers: { authorization: "[Redacted]" }, url: "https://api.github.com/x?access_token=[Redacted]" } },
      headers: { "proxy-authorization": "[Redacted]", "x-hub-signature-256": "[Redacted]" },
    });
    expect(JSON.stringify(line)).not.toMatch(/c0de|st4te|ghu_x|ghs_y|ferry_session=s|eA==|sha256=abc/);
  });

  it("rewrites only the values of secret query parameters", () => {
    expect(redactUrl("/ferry/callback?state=s&code=c#top")).toBe("/ferry/callback?state=[Redacted]&code=[Redacted]#top");
    expect(redactUrl("/ferry/?project=shop&health=Degraded&decode=1&postcode=2")).toBe("/ferry/?project=shop&health=Degraded&decode=1&postcode=2");
    expect(redactUrl('GET /x?CODE=abc "quoted"')).toBe('GET /x?CODE=[Redacted] "quoted"');
    expect(redactUrl("no url here: code=abc")).toBe("no url here: code=abc");
  });
});
