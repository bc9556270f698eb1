/** The pages the dashboard serves; each is a shell that its own bundle (src/web/client/<page>.ts) fills in. */
export const dashboardPages = {
  overview: { title: 'Overview', script: 'overview.js', charts: true },
  node: { title: 'Node', script: 'node.js', charts: false },
  cognition: { title: 'Cognition', script: 'cognition.js', charts: false },
} as const;

export type DashboardPage = keyof typeof dashboardPages;

/** The HTML shell of a page: no inline script (the content security policy allows only our files). */
export function pageHtml(page: DashboardPage): string {
  const { title, script, charts } = dashboardPages[page];
  const chartFiles = charts ? ['<link rel="stylesheet" href="/assets/uplot.css">'] : [];
  const scripts = [...(charts ? ['uplot.js'] : []), script].map((file) => `<script src="/assets/${file}"></script>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — asi-evolve</title>
${chartFiles.join('\n')}
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body data-page="${page}">
<header class="top">
<a class="brand" href="/">asi-evolve</a>
<nav><a href="/">Overview</a><a href="/cognition">Cognition</a></nav>
${page === 'overview' ? '<span id="live" class="live">connecting…</span>\n' : ''}</header>
<main id="main"><p class="hint">Loading…</p></main>
${scripts.join('\n')}
</body>
</html>
`;
}
