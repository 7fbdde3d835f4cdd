/** Organisation teams: membership of one user and the member list. */
import { userJson } from "../json.js";
import { HttpError } from "../model.js";
import { mustStr, notFound, ok, str, type Handler, type HandlerContext } from "./types.js";

function findTeam(ctx: HandlerContext): NonNullable<ReturnType<HandlerContext["model"]["team"]>> {
  const org = mustStr(ctx, "org");
  if (ctx.caller.kind === "installation" && ctx.caller.installation.account.toLowerCase() !== org.toLowerCase()) {
    throw new HttpError(404, "Not Found");
  }
  const team = ctx.model.team(org, mustStr(ctx, "team_slug"));
  if (!team) throw notFound();
  return team;
}

const membership: Handler = async (ctx) => {
  const team = findTeam(ctx);
  const login = mustStr(ctx, "username");
  const member = team.members.get(login.toLowerCase());
  if (!member) throw notFound();
  return ok({
    url: `${ctx.model.apiUrl}/organizations/${ctx.model.user(team.org).id}/team/${team.id}/memberships/${member.login}`,
    role: member.role,
    state: member.state,
  });
};

const members: Handler = async (ctx) => {
  const team = findTeam(ctx);
  const role = str(ctx, "role") ?? "all";
  const list = [...team.members.values()].filter((x) => x.state === "active" && (role === "all" || x.role === role));
  return ok(
    list.map((x) => userJson(ctx.model, x.login)),
    {},
  );
};

/** Handlers by contract key. */
export const orgHandlers: Readonly<Record<string, Handler>> = {
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": membership,
  "GET /orgs/{org}/teams/{team_slug}/members": members,
};
