/**
 * The portal's URL scheme: where it lives under the app's server and the path of each page the
 * pages link to. portal/server.ts dispatches requests on the same paths.
 */

/** Where the portal lives under the app's server. */
export const PORTAL_BASE = "/ferry";

/** The portal's stylesheet path (served by the app). */
export const STYLESHEET = `${PORTAL_BASE}/assets/portal.css`;

/** A component's page. */
export function componentHref(project: string, component: string): string {
  return `${PORTAL_BASE}/components/${encodeURIComponent(project)}/${encodeURIComponent(component)}`;
}
