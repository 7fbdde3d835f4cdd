/** HTML building blocks of the portal's pages: escaping and the page frame (landmarks, navigation, skip link). Pure. */
import { PORTAL_BASE, STYLESHEET } from "./routes.js";

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** What every page frame needs. */
export interface FrameInput {
  readonly title: string;
  /** Signed-in person; undefined on the sign-in page. */
  readonly login?: string;
  /** The CSRF token for the sign-out form. */
  readonly csrf?: string;
  /** Which navigation entry is current. */
  readonly current?: "overview" | "promotions" | "environments" | "previews" | "dora";
  readonly body: string;
}

/** A complete page: header with navigation, main landmark, footer. */
export function frame(input: FrameInput): string {
  const nav = input.login
    ? `<nav aria-label="Portal"><ul>
${(
  [
    ["overview", `${PORTAL_BASE}/`, "Overview"],
    ["environments", `${PORTAL_BASE}/environments`, "Environments"],
    ["promotions", `${PORTAL_BASE}/promotions`, "Promotions"],
    ["previews", `${PORTAL_BASE}/previews`, "Previews"],
    ["dora", `${PORTAL_BASE}/dora`, "DORA"],
  ] as const
)
  .map(([key, href, label]) => `<li><a href="${href}"${input.current === key ? ' aria-current="page"' : ""}>${label}</a></li>`)
  .join("\n")}
</ul></nav>
<form method="post" action="${PORTAL_BASE}/logout" class="signout"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><span>Signed in as <strong>${esc(input.login)}</strong></span> <button type="submit">Sign out</button></form>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} · Ferry</title>
<link rel="stylesheet" href="${STYLESHEET}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p class="brand"><a href="${PORTAL_BASE}/">Ferry</a></p>${nav}</header>
<main id="main" tabindex="-1">
<h1>${esc(input.title)}</h1>
${input.body}
</main>
<footer><p>Ferry portal: what runs where, from git, GitHub and the clusters.</p></footer>
</body>
</html>
`;
}

/** The portal's stylesheet: high-contrast colours, a layout that fits a phone, visible focus. */
export const PORTAL_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff}
a{color:#0645ad}a:focus,button:focus,input:focus,select:focus{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.5rem 1rem;background:#12304a;color:#fff}
header a{color:#fff}header ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
header a[aria-current=page]{font-weight:700;text-decoration:underline}.brand{margin:0;font-weight:700;font-size:1.2rem}
.signout{display:flex;gap:.5rem;align-items:center;margin:0}
main{padding:1rem;max-width:80rem;margin:0 auto}footer{padding:1rem;color:#444;border-top:1px solid #ccc}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #bbb;padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f6}
.Healthy{color:#0b6b1f}.Degraded,.Failed{color:#a30000}.Progressing{color:#7a4a00}.Unknown,.NotObserved{color:#444}
.badge{font-weight:700}.drift{color:#a30000;font-weight:700}
button{font:inherit;padding:.35rem .8rem;border:1px solid #12304a;background:#12304a;color:#fff;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#12304a}
form.inline{display:inline}.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:end}
label{display:flex;flex-direction:column;font-weight:600}select,input{font:inherit;padding:.3rem}.hint{margin:0;max-width:30rem;color:#1a1a1a;font-size:.9rem}input[name=breakGlass]{min-width:18rem}
.notice{border-left:4px solid #12304a;background:#eef2f6;padding:.5rem 1rem}.refused{border-left-color:#a30000;background:#fdeeee}
svg{max-width:100%;height:auto}.signals{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{max-width:30rem}
.verdict.verified{color:#0b6b1f}.verdict.failed{color:#a30000}.verdict.verifying{color:#7a4a00}.verdict.not-observed{color:#444}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:700}
ul.clusters{margin:.25rem 0;padding-left:1.2rem}.bar{fill:#7da7cf}.bar-failed{fill:#a30000}.axis{stroke:#444}.chart-label{font-size:12px;fill:#1a1a1a}
@media (max-width:40rem){th,td{padding:.3rem}header{flex-direction:column;align-items:flex-start}}
`;
