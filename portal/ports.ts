/**
 * The portal's ports and settings as types only: what the pages read through ({@link PortalData}),
 * what the buttons call ({@link PortalActions}) and `Deps.portal` ({@link PortalSettings}). A leaf
 * module: it imports nothing of the app back, so app/deps.ts can name the portal's settings
 * without an import loop through the portal's implementations (data.ts, actions.ts, mount.ts).
 */
import type { GitHub } from "../adapters/github/types.js";
import type { SignalsReport } from "../core/signals/report.js";
import type { DoraView, PortalSnapshot, PreviewsView, SignalsView } from "../presentation/portal/view.js";
import type { OAuthSettings } from "./oauth.js";

/** A signed-in person as the portal knows them. */
export interface PortalPerson {
  readonly login: string;
  /** A client acting with the person's own token. */
  readonly octokit: GitHub;
}

/** The port the pages read through. */
export interface PortalData {
  /** Everything `person` may see. */
  snapshot(person: PortalPerson): Promise<PortalSnapshot>;
  /**
   * A release's signals in one environment, for the component page only (the overview reads none);
   * asked only for a component and environment `snapshot` gave the person. @default not observed
   */
  signals?(person: PortalPerson, req: PortalSignalsRequest): Promise<SignalsView>;
  /** The previews of the app repositories the person can read, for the previews page only. @default the page says they are not read */
  previews?(person: PortalPerson): Promise<PreviewsView>;
  /**
   * DORA figures of one environment (@default the first production one) per project the person
   * sees, with the weekly trend, for the DORA page only. @default the page says they are not read
   */
  dora?(person: PortalPerson, req: { readonly environment?: string }): Promise<DoraView>;
}

/** Which release's signals the component page asks for. */
export interface PortalSignalsRequest {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  /** The release the environment runs. */
  readonly release: string;
  /** When it landed there (the boundary its charts mark). @default not known */
  readonly landedAt?: Date;
}

/**
 * Reads a release's signals in one environment (the verify window's, judged), or undefined when
 * none can be read: the source behind {@link PortalData.signals}.
 */
export type SignalsReader = (req: PortalSignalsRequest) => Promise<SignalsReport | undefined>;

/** What a button asks for. */
export interface PortalActionRequest {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  /** Promote only: break glass on a freeze of the environment, why (needs maintain on the app repository). @default none */
  readonly breakGlass?: string;
}

/** What became of it: done (with the pull request line) or refused with the reason. */
export type PortalActionOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** The port behind the buttons. */
export interface PortalActions {
  promote(person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome>;
  rollback(person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome>;
}

/** The portal's settings (`Deps.portal`). */
export interface PortalSettings {
  readonly oauth: OAuthSettings;
  /** The REST base URL people's clients use. */
  readonly apiBaseUrl: string;
  readonly sessionSecret: string;
  readonly publicUrl?: string;
  /** @default read through the app (portal/data.ts) */
  readonly data?: PortalData;
  /** The signals the component page charts. @default the release's signals from its environment's GitOps history and Prometheus (portal/data.ts) */
  readonly signals?: SignalsReader;
  /** @default the promotion flow (portal/actions.ts) */
  readonly actions?: PortalActions;
  /** @default fetch */
  readonly fetch?: typeof fetch;
}
