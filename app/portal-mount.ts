/**
 * Mounts the portal on the app's server (Probot's `addHandler`, beside app/endpoints.ts) when
 * `Deps.portal` or the configuration (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET) asks for it.
 */
import type { ApplicationFunctionOptions } from "probot";
import { repoInstallationId } from "../adapters/github/apps.js";
import type { GitHub } from "../adapters/github/types.js";
import type { AppConfig } from "./config.js";
import type { FlowServices } from "../flows/services.js";
import { ferryPortalActions } from "../portal/actions.js";
import { ferryPortalData } from "../portal/data.js";
import type { PortalSettings } from "../portal/ports.js";
import { webUrlOf } from "../portal/oauth.js";
import { portalHandler } from "../portal/server.js";
import { SessionStore } from "../portal/session.js";

/** The settings the configuration gives, if it names the OAuth client. */
export function portalFromConfig(config: AppConfig | undefined): PortalSettings | undefined {
  if (!config?.portal) return undefined;
  const { clientId, clientSecret, sessionSecret, publicUrl } = config.portal;
  return {
    oauth: { clientId, clientSecret, webUrl: webUrlOf(config.baseUrl) },
    apiBaseUrl: config.baseUrl,
    sessionSecret,
    ...(publicUrl ? { publicUrl } : {}),
  };
}

/** What mounting needs of the Probot app. */
export interface PortalApp {
  auth(installationId?: number): Promise<GitHub>;
}

/** Serves the portal under /ferry/ when `settings` are given; logs why not otherwise. */
export function servePortal(
  app: PortalApp,
  options: Partial<ApplicationFunctionOptions> | undefined,
  settings: PortalSettings | undefined,
  deps: FlowServices,
): void {
  if (!settings) {
    deps.logger.debug("no GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET: the portal at /ferry/ is not served");
    return;
  }
  if (!options?.addHandler) {
    deps.logger.debug("no HTTP server: the portal at /ferry/ is not served");
    return;
  }
  const installation = async () => {
    return app.auth(await repoInstallationId(await app.auth(), deps.platformRepo));
  };
  options.addHandler(
    portalHandler({
      oauth: settings.oauth,
      apiBaseUrl: settings.apiBaseUrl,
      sessions: new SessionStore({ secret: settings.sessionSecret }),
      data: settings.data ?? ferryPortalData({ installation, deps: () => deps, ...(settings.signals ? { signals: settings.signals } : {}) }),
      actions: settings.actions ?? ferryPortalActions({ installation, deps: () => deps }),
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      logger: deps.logger,
    }),
  );
}
