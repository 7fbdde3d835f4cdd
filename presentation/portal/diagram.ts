/**
 * A component's dependency neighbourhood as an inline SVG, drawn on the server: what it depends
 * on (left), the component (middle), what depends on it (right). Pure; no script, no CDN.
 */
import { esc } from "./html.js";

/** The neighbourhood to draw: `project/component` names. */
export interface Neighbourhood {
  readonly component: string;
  readonly dependsOn: readonly string[];
  readonly dependents: readonly string[];
}

const BOX_W = 200;
const BOX_H = 36;
const GAP = 16;
const COL = [10, 290, 570];

function box(x: number, y: number, label: string, strong: boolean): string {
  return `<g><rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${strong ? "#12304a" : "#eef2f6"}" stroke="#12304a"/><text x="${x + BOX_W / 2}" y="${y + BOX_H / 2 + 5}" text-anchor="middle" font-size="13" fill="${strong ? "#fff" : "#1a1a1a"}">${esc(label)}</text></g>`;
}

function arrow(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#12304a" stroke-width="1.5" marker-end="url(#arrow)"/>`;
}

/** The SVG (with a title and description for screen readers). */
export function neighbourhoodSvg(n: Neighbourhood): string {
  const rows = Math.max(1, n.dependsOn.length, n.dependents.length);
  const height = rows * (BOX_H + GAP) + GAP;
  const mid = height / 2 - BOX_H / 2;
  const y = (i: number, count: number) => GAP + i * (BOX_H + GAP) + ((rows - count) * (BOX_H + GAP)) / 2;
  const parts: string[] = [box(COL[1]!, mid, n.component, true)];
  n.dependsOn.forEach((d, i) => {
    const top = y(i, n.dependsOn.length);
    parts.push(box(COL[0]!, top, d, false), arrow(COL[1]!, mid + BOX_H / 2, COL[0]! + BOX_W + 2, top + BOX_H / 2));
  });
  n.dependents.forEach((d, i) => {
    const top = y(i, n.dependents.length);
    parts.push(box(COL[2]!, top, d, false), arrow(COL[2]!, top + BOX_H / 2, COL[1]! + BOX_W + 2, mid + BOX_H / 2));
  });
  const desc = `${n.component} depends on ${n.dependsOn.length > 0 ? n.dependsOn.join(", ") : "nothing"}; ${n.dependents.length > 0 ? n.dependents.join(", ") : "nothing"} depends on it.`;
  return `<svg role="img" aria-labelledby="dep-title dep-desc" viewBox="0 0 ${COL[2]! + BOX_W + 10} ${height}" width="${COL[2]! + BOX_W + 10}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<title id="dep-title">Dependencies of ${esc(n.component)}</title><desc id="dep-desc">${esc(desc)}</desc>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#12304a"/></marker></defs>
${parts.join("\n")}
</svg>`;
}
