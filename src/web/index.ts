export { createDashboardApp, type DashboardApp, type DashboardAppOptions } from './app.js';
export {
  startDashboardServer,
  defaultDashboardPort,
  type DashboardServer,
  type DashboardServerOptions,
} from './server.js';
export type { DashboardExperiment } from './experiment-source.js';
export { isLoopbackHost } from './host-check.js';
export { resolveInside, type SafePath } from './safe-path.js';
export type { LiveMessage } from './live.js';
export type { NodeSummary, ExperimentSummary } from './node-summary.js';
export { readObjectiveSettings, type FrontAnswer } from './front-view.js';
export type { NodeDetail } from './node-detail.js';
export { renderScoreCurveSvg, type CurvePoint, type ScoreCurveOptions } from './report/score-curve.js';
export { renderReportMarkdown, type ReportInput } from './report/report-markdown.js';
export { writeExperimentReport, type WriteReportOptions, type WrittenReport } from './report/write-report.js';
