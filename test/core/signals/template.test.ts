/** Signal templates (core/signals/template.ts): substitution and unknown variables. */
import { describe, expect, it } from "vitest";
import { substitute, unknownVariables } from "../../../core/signals/template.js";

describe("signal templates", () => {
  it("substitutes each variable and maps a place in the result back to the template", () => {
    const t = 'rate(x{namespace="${namespace}",c="${component}"}[${window}])';
    const s = substitute(t, { namespace: "shop-dev", component: "api", window: "5m" });
    expect(s.text).toBe('rate(x{namespace="shop-dev",c="api"}[5m])');
    expect(s.templateOffset(s.text.indexOf("[5m]"))).toBe(t.indexOf("[${window}]"));
    expect(s.templateOffset(s.text.indexOf("5m"))).toBe(t.indexOf("${window}"));
    expect(s.templateOffset(s.text.length)).toBe(t.length);
  });

  it("names the variables it does not know, with their offset", () => {
    expect(unknownVariables('x{a="${namespace}",b="${env}"}')).toEqual([{ name: "env", offset: 22 }]);
  });
});
