/** Escapes text for an HTML attribute or text node (only server-known values go into the page shell). */
const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The console's HTML shell: no data in it, only the session token and settings; app.js renders the rest. */
export function consolePage(options: { token: string; domain: string; sample?: unknown }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="console-token" content="${escapeHtml(options.token)}">
<meta name="console-domain" content="${escapeHtml(options.domain)}">
<meta name="console-sample" content="${escapeHtml(JSON.stringify(options.sample ?? {}))}">
<title>swf-local console · ${escapeHtml(options.domain)}</title>
<style>
  :root { --ok:#2e7d32; --bad:#c62828; --warn:#ef6c00; --run:#1565c0; --muted:#6b7280; --line:#e5e7eb; font-family: system-ui, sans-serif; }
  body { margin: 0; color: #111827; background: #f9fafb; }
  header { background: #111827; color: white; padding: 10px 20px; display: flex; gap: 16px; align-items: baseline; }
  header a { color: white; text-decoration: none; font-weight: 600; }
  main { padding: 16px 20px; max-width: 1200px; }
  table { border-collapse: collapse; width: 100%; background: white; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); font-size: 14px; vertical-align: top; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: white; background: var(--muted); }
  .badge.OPEN { background: var(--run); } .badge.COMPLETED { background: var(--ok); } .badge.FAILED { background: var(--bad); }
  .badge.CANCELED { background: var(--warn); } .badge.TERMINATED { background: #6d28d9; } .badge.TIMED_OUT { background: #9f1239; }
  .badge.CONTINUED_AS_NEW { background: #0f766e; }
  .mark { display: inline-block; margin-right: 6px; font-size: 12px; color: #374151; background: #eef2ff; border-radius: 4px; padding: 0 5px; }
  .step { font-size: 13px; } .step.failed-at { color: var(--bad); } .step.at { color: var(--run); }
  td.run-id, td.time, .events td.time { font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; }
  .events td { padding: 2px 8px; font-size: 12px; }
  .events details summary { cursor: pointer; color: #374151; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 640px; font-family: ui-monospace, monospace; }
  .events pre { margin: 4px 0; }
  .facts th { width: 160px; color: var(--muted); font-weight: 500; }
  .bulk { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; }
  .counts button { margin-right: 6px; border: 1px solid var(--line); background: white; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
  .counts button.active { border-color: #111827; font-weight: 600; }
  .panel { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
  .error { color: var(--bad); } .muted { color: var(--muted); } .warn { color: var(--warn); }
  pre { background: #f3f4f6; padding: 8px; overflow: auto; max-height: 240px; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
  textarea { width: 100%; min-height: 220px; font-family: ui-monospace, monospace; font-size: 13px; }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
  svg text { font-size: 12px; font-family: system-ui, sans-serif; }
  tr.highlight td { background: #fff7d6; }
  tr.own td { font-weight: 600; }
</style>
</head>
<body>
<header><a href="#/">swf-local console</a><span>domain ${escapeHtml(options.domain)}</span></header>
<main id="app">Loading…</main>
<script src="/console/app.js"></script>
</body>
</html>`;
}
