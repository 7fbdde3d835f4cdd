/**
 * People's tokens at the fake GitHub, read through Ferry's port (adapters/github/people.ts): who
 * the token belongs to, which repositories they see, their role, and writes refused below write.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tokenClient } from "../../../adapters/github/client.js";
import { RejectedToken, commitAuthorOf, personOf, roleOn } from "../../../adapters/github/people.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";

const contract = ContractIndex.load();
let fake: FakeGitHub;

beforeAll(async () => {
  fake = await FakeGitHub.start({ contract });
  fake.addInstallation({ account: "acme" });
  await fake.addRepo({ owner: "acme", name: "shop", private: true, files: { "README.md": "shop\n" } });
  await fake.addRepo({ owner: "acme", name: "vault", private: true, files: { "README.md": "vault\n" } });
  await fake.addRepo({ owner: "acme", name: "docs", files: { "README.md": "docs\n" } });
  fake.setPermission("acme/shop", "dana", "maintain");
  fake.setPermission("acme/shop", "rita", "read");
});
afterAll(async () => fake.close());
afterEach(() => fake.assertNoViolations());

const as = (login: string) => tokenClient({ token: fake.issueUserToken(login), baseUrl: fake.url });

describe("a person's token", () => {
  it("names its person", async () => {
    expect(await personOf(as("dana"))).toEqual({ login: "dana", id: fake.user("dana").id });
  });

  it("gives the git author of their commits: login and GitHub's noreply email with their id", async () => {
    const dana = as("dana");
    const host = new URL(fake.url).hostname;
    expect(commitAuthorOf(dana, await personOf(dana))).toEqual({ name: "dana", email: `${fake.user("dana").id}+dana@users.noreply.${host}` });
    const onGitHub = tokenClient({ token: "unused", baseUrl: "https://api.github.com" });
    expect(commitAuthorOf(onGitHub, { login: "ferry[bot]", id: 41898282 })).toEqual({
      name: "ferry[bot]",
      email: "41898282+ferry[bot]@users.noreply.github.com",
    });
    expect(commitAuthorOf(onGitHub, { login: "ferry[bot]" })).toEqual({ name: "ferry[bot]", email: "ferry[bot]@users.noreply.github.com" });
  });

  it("is rejected with 401 when GitHub does not know it, and nothing is read", async () => {
    const before = fake.requests.length;
    await expect(personOf(tokenClient({ token: "ghu_not_a_real_token", baseUrl: fake.url }))).rejects.toBeInstanceOf(RejectedToken);
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([401]);
    fake.clearViolations();
  });

  it("gives each person their role: seeded, read on public repositories, none on private ones they were not given", async () => {
    const dana = as("dana");
    const rita = as("rita");
    const shop = { owner: "acme", repo: "shop" };
    expect(await roleOn(dana, shop)).toBe("maintain");
    expect(await roleOn(rita, shop)).toBe("read");
    expect(await roleOn(rita, { owner: "acme", repo: "vault" })).toBe("none");
    expect(await roleOn(rita, { owner: "acme", repo: "docs" })).toBe("read");
  });

  it("writes as its person where the role allows, and is refused (a misuse) below write", async () => {
    const ref = await as("dana").rest.git.getRef({ owner: "acme", repo: "shop", ref: "heads/main" });
    const created = await as("dana").rest.git.createRef({ owner: "acme", repo: "shop", ref: "refs/heads/dana-work", sha: ref.data.object.sha });
    expect(created.status).toBe(201);
    await expect(as("rita").rest.git.createRef({ owner: "acme", repo: "shop", ref: "refs/heads/rita-work", sha: ref.data.object.sha })).rejects.toMatchObject({
      status: 403,
    });
    expect(fake.violations.map((v) => v.kind)).toEqual(["permission"]);
    fake.clearViolations();
    expect(await fake.branchSha("acme/shop", "rita-work")).toBeUndefined();
  });
});
