/**
 * Users: the person a token belongs to (`GET /user`: only people's tokens have one), and any
 * account by login (`GET /users/{username}`: people the fake knows, and the app's bot user).
 */
import { userJson } from "../json.js";
import { HttpError, type GitHubModel, type UserRecord } from "../model.js";
import { ok, type Handler } from "./types.js";

/** A user as `GET /user` and `GET /users/{username}` answer it. */
function fullUser(model: GitHubModel, user: UserRecord) {
  return {
    ...userJson(model, user),
    name: user.name,
    company: null,
    blog: "",
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2020-01-01T00:00:00Z",
  };
}

const authenticatedUser: Handler = async (ctx) => {
  if (ctx.caller.kind !== "user") throw new HttpError(403, "Resource not accessible by integration");
  return ok(fullUser(ctx.model, ctx.model.user(ctx.caller.login)));
};

const userByLogin: Handler = async (ctx) => {
  const login = String(ctx.params.username);
  const known = ctx.model.state.users.get(login.toLowerCase());
  const user = known ?? (login.toLowerCase() === ctx.model.botLogin.toLowerCase() ? ctx.model.user(ctx.model.botLogin) : undefined);
  if (!user) throw new HttpError(404, "Not Found");
  return ok(fullUser(ctx.model, user));
};

/** Handlers by contract key. */
export const userHandlers: Readonly<Record<string, Handler>> = {
  "GET /user": authenticatedUser,
  "GET /users/{username}": userByLogin,
};
