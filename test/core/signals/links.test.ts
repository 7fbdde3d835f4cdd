/** observability.links for a release (core/signals/links.ts). */
import { describe, expect, it } from "vitest";
import { linkValues, observabilityLinks } from "../../../core/signals/links.js";

const subject = { component: "shop/api", release: "89004479966f", window: { from: 1000, to: 1300 } };

describe("observability links", () => {
  it("takes the variables from the release: project and component apart, the window as a duration", () => {
    expect(linkValues(subject, "shop-prod")).toEqual({ namespace: "shop-prod", project: "shop", component: "api", release: "89004479966f", window: "5m" });
  });

  it("substitutes URL-encoded values, sorted by name, and refuses what is not an http(s) URL or uses an unknown variable", () => {
    const values = { ...linkValues(subject, "ns"), component: "a b&c=d#e" };
    const links = observabilityLinks(
      {
        traces: "https://tempo.example.com/search?service.name=${component}",
        data: "data:text/html,${component}",
        broken: "not a url ${component}",
        pods: "https://grafana.example.com/${pod}",
      },
      values,
    );
    expect(links).toEqual([
      { name: "broken", problem: "is not a URL" },
      { name: "data", problem: "is not an http(s) URL" },
      { name: "pods", problem: "uses ${pod}, which Ferry does not know" },
      { name: "traces", url: "https://tempo.example.com/search?service.name=a%20b%26c%3Dd%23e" },
    ]);
  });
});
