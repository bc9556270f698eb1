/** The dashboard's stylesheet. */
export const dashboardCss = String.raw`:root {
  --text: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff; --page: #f3f4f6; --accent: #2563eb;
  --good: #047857; --bad: #b91c1c; --code: #0f172a;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; font-size: 14px; color: var(--text); background: var(--page);
}
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #1f2937; color: #f9fafb; }
header.top .brand { color: #f9fafb; font-weight: 700; font-size: 16px; }
header.top nav a { color: #d1d5db; margin-right: 16px; }
.live { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #4b5563; }
.live.on { background: var(--good); }
.live.off { background: var(--bad); }
main { padding: 16px 20px; display: flex; flex-direction: column; gap: 16px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 0; }
.panel h2 { margin: 0 0 10px; font-size: 16px; }
.panel h3 { font-size: 14px; margin: 14px 0 6px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.scroll { max-height: 520px; overflow: auto; }
.chart { min-height: 120px; }
.hint { color: var(--muted); font-size: 12px; }
.problem { color: var(--bad); font-weight: 600; }
.picker { display: flex; gap: 8px; align-items: center; }
.picker input[type=search] { flex: 1; padding: 6px 8px; font-size: 14px; border: 1px solid var(--line); border-radius: 6px; }
table.grid { border-collapse: collapse; width: 100%; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.grid th { background: #f9fafb; font-weight: 600; position: sticky; top: 0; }
td.num, span.num { font-variant-numeric: tabular-nums; }
td.num, td.when { white-space: nowrap; }
#node-list td { white-space: nowrap; }
td.up { color: var(--good); }
td.down { color: var(--bad); }
tr.failed td { color: var(--muted); }
tr.best td { background: #fef9c3; }
svg.front-plot { display: block; font-size: 12px; }
svg.front-plot line.grid { stroke: var(--line); }
svg.front-plot rect.frame { fill: none; stroke: #374151; }
svg.front-plot polyline.front-line { fill: none; stroke-width: 2; }
svg.front-plot circle { cursor: pointer; }
svg.front-plot circle.dominated { fill-opacity: 0.3; }
svg.front-plot circle:hover { stroke: var(--text); stroke-width: 2; fill-opacity: 1; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
.tree { font-size: 13px; line-height: 1.6; }
.tree-line { white-space: nowrap; }
.tree-line.on-path { font-weight: 700; }
.tree-line.failed { color: var(--muted); }
pre { margin: 0; }
pre.text, pre.log { white-space: pre-wrap; word-break: break-word; background: #f9fafb; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; max-height: 480px; overflow: auto; }
pre.code, pre.diff { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 12.5px; background: #f8fafc; color: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; max-height: 70vh; overflow: auto; }
.tok-comment { color: #6b7280; font-style: italic; }
.tok-string { color: #047857; }
.tok-number { color: #b45309; }
.tok-keyword { color: #7c3aed; font-weight: 600; }
.diff-add { background: #dcfce7; display: block; }
.diff-del { background: #fee2e2; display: block; }
.diff-hunk { color: #1d4ed8; display: block; }
.diff-file { color: var(--muted); display: block; }
.diff-context { display: block; }
.node-header { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.node-header h1 { font-size: 20px; margin: 6px 0; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; }
.badge.ok { background: #dcfce7; color: var(--good); }
.badge.failed { background: #fee2e2; color: var(--bad); }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 4px 16px; margin: 10px 0; }
dl.facts dt { color: var(--muted); font-size: 12px; }
dl.facts dd { margin: 0 0 4px; }
ul.cognition { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 8px; }
ul.activity { margin: 0; padding-left: 18px; max-height: 240px; overflow: auto; }
.transcript summary, details summary { cursor: pointer; padding: 4px 0; }
.transcript h4 { margin: 8px 0 4px; font-size: 12px; text-transform: uppercase; color: var(--muted); }
.islands { display: flex; flex-wrap: wrap; gap: 12px; }
.island { border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.island h4 { margin: 0 0 4px; }
table.elite-grid { border-collapse: collapse; }
table.elite-grid td { width: 22px; height: 22px; border: 1px solid var(--line); text-align: center; font-size: 10px; padding: 0; }
table.elite-grid td a { color: #111827; }
`;
