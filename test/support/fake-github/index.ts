/**
 * Fake GitHub for tests: a contract-checked REST API server over in-memory state and real git
 * repositories. See `server.ts` for the request pipeline and `model.ts` for state and seeding.
 */
export {
  FakeGitHub,
  HANDLERS,
  formatViolations,
  type FakeGitHubOptions,
  type Faults,
  type InjectedFaults,
  type Override,
  type RequestLogEntry,
  type Violation,
  type ViolationKind,
} from "./server.js";
export { ContractIndex, CONTRACT_FILE, toJsonSchema, type Route, type RouteMatch } from "./contract.js";
export {
  GitHubModel,
  HttpError,
  ROLES,
  isoSeconds,
  type AddHookDeliveryOptions,
  type AddInstallationOptions,
  type AddRepoOptions,
  type AnnotationRecord,
  type CheckRunRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  type FakeState,
  type HookDeliveryRecord,
  type InstallationRecord,
  type IssueCommentRecord,
  type MergeListener,
  type ModelOptions,
  type PullRequestRecord,
  type RepoRecord,
  type ReviewRecord,
  type Role,
  type SeedCommitOptions,
  type SeedPullRequestOptions,
  type StatusRecord,
  type TeamRecord,
  type TokenRecord,
  type UserRecord,
} from "./model.js";
export { GitRepo, type GitCommit, type GitFileChange } from "./git.js";
export type { Caller, Handler, HandlerContext, HandlerResult } from "./handlers/types.js";
