/**
 * Deciding a promotion pull request's gates from what was read about it: the problems of the
 * branch (a commit Ferry did not make, the release missing, its content not hashing to its id,
 * not the release the source environment runs, not rendered as Ferry renders it, foreign
 * changes, a step the pipeline does not have), the gates' input (parsed once, here), the gates
 * (as data: presentation/markdown/gates-check.ts writes the check's text), and whether Ferry merges. Pure: the reads happen before
 * (flows/promotion/judging.ts gathers them) and the writes after.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { hasErrors } from "../../renderers/diagnostics.js";
import type { Environment, PipelineStep, Platform } from "../../renderers/model/index.js";
import { environmentPath } from "../gitops/layout.js";
import { countedApprovers } from "./gates/approvers.js";
import type { EarlierWaves, GatesResult, Review, SourceVerification } from "./gates/index.js";
import { autoMergeAllowed, evaluateGates, GatesInput } from "./gates/index.js";
import type { HealthReport } from "./health.js";
import { planPromotion } from "./pipeline.js";
import { verifyInto } from "../signals/report.js";
import type { VerifiedPromotion } from "./pr.js";
import type { UserPermission } from "./commands.js";
import { differingPaths, foreignChanges, promotionPaths } from "./pr.js";
import type { BreakGlass } from "./freezes.js";
import { brokenFreeze } from "./gates/freeze.js";

/** A release rendered for an environment: its findings and files (relative to the environment's folder). */
export interface RenderedRelease {
  readonly diagnostics: readonly Diagnostic[];
  readonly files: ReadonlyMap<string, string>;
}

/** What a promotion pull request's gates are decided from, as read. */
export interface PromotionFacts {
  /** The promotion as its branch's commits say (core/promotion/pr.ts `verifyPromotion`). */
  readonly promotion: VerifiedPromotion;
  readonly platform: Platform;
  /** Where the platform was read (`owner/name@sha`): the file a pipeline problem names. */
  readonly platformSource: string;
  readonly headRef: string;
  readonly headSha: string;
  /** Login of the pull request's author. */
  readonly author: string;
  /** `releases/<project>/<component>/<id>.yaml`, the frozen release the branch must hold. */
  readonly releaseFile: string;
  /**
   * The frozen release file on the branch at `headSha`: the id its content hashes to
   * (renderers/release.ts `releaseId`); undefined when the branch does not hold a readable one.
   */
  readonly branchRelease: { readonly hash: string } | undefined;
  /**
   * Which releases the release must be one of: for a promotion, the one the source environment
   * runs now (`[]` when none); for a rollback, the ones the environment ran before (its history).
   */
  readonly allowedReleases: readonly string[];
  /**
   * The release as the source environment's own branch holds it (the target's for a rollback),
   * rendered for the target; undefined when that branch does not hold it.
   */
  readonly rendered: RenderedRelease | undefined;
  /**
   * Every file Ferry writes for this promotion (repository paths): the component's folder, which
   * must hold exactly these, the Namespace, the frozen release and the catalog files.
   */
  readonly expected: ReadonlyMap<string, string> | undefined;
  /** The component's folder and the files of `expected` on the branch at `headSha`; read only when the rendering has no errors. */
  readonly onBranch: ReadonlyMap<string, string> | undefined;
  /** Role on the GitOps repository of each reviewer whose review may count, by login. */
  readonly permissions: Readonly<Record<string, UserPermission>>;
  /** Every path the pull request changes. */
  readonly changedFiles: readonly string[];
  readonly reviews: readonly Review[];
  /** Teams of the reviewers whose approvals may count, by login. */
  readonly teams: Readonly<Record<string, string[]>>;
  /** The source environment's health; not read for a rollback (there is no source to be healthy). */
  readonly health: HealthReport | undefined;
  /**
   * The release's verification records in the source environment (the target for a rollback), read
   * where the pipeline step into it has `verify`; undefined when not read (the gate then blocks
   * where `verify` applies).
   */
  readonly verification?: Pick<SourceVerification, "record" | "unreadable"> | undefined;
  /** When the release landed in the source environment (its GitOps commit there); undefined when not known or a rollback. */
  readonly landedAt?: Date | undefined;
  /** The role on the component's app repository of who broke glass on the head commit (`promotion.breakGlass`), read live; undefined when nobody did. */
  readonly breakGlassPermission?: UserPermission | undefined;
  /**
   * The clusters the pull request writes, for a target on several clusters: a wave's, or those a
   * rollback writes (core/promotion/waves.ts `rollbackClusters`). @default every cluster
   */
  readonly clusters?: readonly string[] | undefined;
  /** For a pull request landing one wave of a target on several clusters: its earlier waves as read (the `wave` gate). @default not a wave */
  readonly waves?: EarlierWaves | undefined;
  readonly now: Date;
}

/** What to do about a promotion pull request. */
export interface PromotionDecision {
  readonly gates: GatesResult;
  /** Whether the pull request is a rollback (the check words its first line so; presentation/markdown/gates-check.ts). */
  readonly rollback: boolean;
  /**
   * Set when Ferry merges (every gate holds and the target auto-merges): whose approvals the merge
   * commit names, and who broke glass on a freeze covering the target (its `Ferry-Break-Glass`).
   */
  readonly merge: { readonly approvedBy: readonly string[]; readonly breakGlass?: BreakGlass } | undefined;
  /** The pipeline step promoted along (its soak); undefined for a rollback or a step the pipeline does not have. */
  readonly step: PipelineStep | undefined;
}

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** A rollback puts back what the environment ran before: source health and soak do not apply. */
function rollbackHealth(env: string): HealthReport {
  return { status: "NotObserved", detail: `a rollback of ${env} to a release it ran before` };
}

/** The problems of the pull request's branch and of the step it promotes along. */
function branchProblems(facts: PromotionFacts): { diagnostics: Diagnostic[]; step: PipelineStep | undefined } {
  const { project, component, release, to, from, rollback } = facts.promotion;
  const paths = promotionPaths(to, project, component, facts.clusters ?? facts.promotion.wave?.clusters);
  const diagnostics: Diagnostic[] = [];
  const problem = (code: string, file: string, message: string) => diagnostics.push({ severity: "error", file, line: 0, column: 0, field: "", code, message });
  for (const c of facts.promotion.foreign) {
    const who = c.authorLogin ? `@${c.authorLogin} (${c.author})` : c.author;
    problem(
      "promotion/foreign-commit",
      `${facts.headRef}@${c.sha.slice(0, 7)}`,
      `commit ${c.sha} by ${who} was not made by Ferry (no valid Ferry seal); Ferry merges only its own commits: close this pull request and ask again for a fresh branch`,
    );
  }
  const branchFile = `${facts.headRef}:${facts.releaseFile}`;
  if (!facts.branchRelease) {
    problem("promotion/release", branchFile, `the branch does not hold release ${release} of ${project}/${component}`);
  } else if (facts.branchRelease.hash !== release) {
    problem(
      "promotion/release-hash",
      branchFile,
      `the frozen release's content hashes to ${facts.branchRelease.hash}, not ${release}: it is not release ${release} (a release file is never edited)`,
    );
  }
  if (!facts.allowedReleases.includes(release)) {
    problem(
      "promotion/release-source",
      facts.headRef,
      rollback
        ? `${to.name} never ran release ${release} (its history names ${listed([...facts.allowedReleases]) || "none"}): a rollback goes back to a release it ran`
        : `${from.name} runs ${facts.allowedReleases[0] ? `release ${facts.allowedReleases[0]}` : `no release of ${project}/${component}`} now, not ${release}: only what ${from.name} runs is promoted`,
    );
  }
  if (!facts.rendered) {
    if (facts.branchRelease)
      problem("promotion/release", facts.releaseFile, `${rollback ? to.name : from.name} does not hold release ${release} of ${project}/${component}`);
  } else {
    diagnostics.push(...facts.rendered.diagnostics);
    if (!hasErrors(facts.rendered.diagnostics)) {
      const root = environmentPath(to);
      const expected = facts.expected ?? new Map([...facts.rendered.files].map(([p, text]) => [`${root}/${p}`, text]));
      const differ = differingPaths(expected, facts.onBranch ?? new Map());
      if (differ.length > 0) {
        problem(
          "promotion/branch-content",
          facts.headRef,
          `the branch does not hold release ${release} as Ferry renders it for ${to.name} (${listed(differ)}); \`/ferry retry\` puts Ferry's rendering back`,
        );
      }
    }
  }
  const foreign = foreignChanges(facts.changedFiles, paths);
  if (foreign.length > 0)
    problem(
      "promotion/foreign-change",
      facts.headRef,
      `the pull request also changes ${listed(foreign)}, which a promotion of ${project}/${component} never writes`,
    );
  let step: PipelineStep | undefined;
  if (!rollback) {
    const plan = planPromotion(facts.platform, { from: from.name, to: to.name });
    if (plan.ok) step = plan.step;
    else problem("promotion/pipeline", facts.platformSource, plan.reason);
  }
  return { diagnostics, step };
}

/** The gates' `verification`, where the pipeline step into the environment it is read in has `verify` (unread: blocks). */
function verificationOf(facts: PromotionFacts): { verification?: SourceVerification } {
  const { to, from, rollback } = facts.promotion;
  const environment = rollback ? to.name : from.name;
  const verify = verifyInto(facts.platform, environment);
  if (!verify) return {};
  return { verification: { environment, verify, ...(facts.verification ?? { unreadable: "the verification records were not read" }) } };
}

/** The gates' `breakGlass`: the branch's, with the breaker's role as read (none read: `none`). */
function breakGlassOf(facts: PromotionFacts): Pick<GatesInput, "breakGlass"> {
  const b = facts.promotion.breakGlass;
  return b ? { breakGlass: { login: b.login, reason: b.reason, commit: b.commit, permission: facts.breakGlassPermission ?? "none" } } : {};
}

/**
 * Decides a promotion pull request's gates (see the module comment); throws a zod error naming
 * the fields when the gates' input is malformed.
 */
export function decidePromotion(facts: PromotionFacts): PromotionDecision {
  const { release, to, from, rollback } = facts.promotion;
  const { diagnostics, step } = branchProblems(facts);
  // A rollback has no source to be healthy: health is reported as not observed and never demanded.
  const relaxed = (e: Environment): Environment => (rollback ? { ...e, requireHealth: false } : e);
  const input = GatesInput.parse({
    release,
    target: relaxed(to),
    source: relaxed(from),
    ...(step ? { step } : {}),
    diagnostics,
    reviews: facts.reviews,
    headSha: facts.headSha,
    author: facts.author,
    nonApprovers: [...facts.promotion.requesters],
    teams: facts.teams,
    permissions: facts.permissions,
    pushers: [...facts.promotion.pushers],
    health: facts.health ?? rollbackHealth(to.name),
    ...verificationOf(facts),
    rollback,
    ...(facts.landedAt && !rollback ? { landedAt: facts.landedAt } : {}),
    freezes: facts.platform.spec.freezes,
    ...breakGlassOf(facts),
    ...(facts.waves && !rollback ? { waves: facts.waves } : {}),
    now: facts.now,
  });
  const gates = evaluateGates(input);
  const broken = brokenFreeze(input);
  return {
    gates,
    rollback,
    merge: autoMergeAllowed(to, gates) ? { approvedBy: countedApprovers(input), ...(broken ? { breakGlass: broken } : {}) } : undefined,
    step,
  };
}
