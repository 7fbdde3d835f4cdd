/** The person a token belongs to (`GET /user`): only people's tokens have one. */
import { userJson } from "../json.js";
import { HttpError } from "../model.js";
import { ok, type Handler } from "./types.js";

const authenticatedUser: Handler = async (ctx) => {
  if (ctx.caller.kind !== "user") throw new HttpError(403, "Resource not accessible by integration");
  const user = ctx.model.user(ctx.caller.login);
  return ok({
    ...userJson(ctx.model, user),
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
  });
};

/** Handlers by contract key. */
export const userHandlers: Readonly<Record<string, Handler>> = {
  "GET /user": authenticatedUser,
};
