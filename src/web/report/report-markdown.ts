import { formatUsd } from '../../domain/index.js';
import { provenanceReport } from '../../cognition/index.js';
import type { NodeRecord, Provenance, SpendSummary, SpendTotals } from '../../store/index.js';
import { formatObjectiveValue, listInstances, type FrontView } from '../../domain/index.js';

/** What the report is written from (read from the store by `writeExperimentReport`). */
export interface ReportInput {
  experimentName: string;
  experimentDir: string;
  nodes: readonly NodeRecord[];
  spend: SpendSummary;
  generatedAt: Date;
  /** The score curve image, as linked from the report (relative to it). */
  imagePath: string;
  /** Info string of the best program's code fence (`js`, `py`…); none when unknown. */
  programLanguage?: string;
  /** With objectives configured: the front, and its plot as linked from the report (none with one objective). */
  front?: { view: FrontView; imagePath: string | null };
}

function score(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(4) : value.toFixed(6);
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Text copied from the store (names, motivations, analyses, errors: written by a model or a
 * candidate) as Markdown text that shows as written: HTML in it is escaped, so that a viewer
 * that renders inline HTML never runs or shows it as markup.
 */
function plain(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function cell(text: string): string {
  return plain(text).replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
}

/** A code fence longer than any run of backticks in `text`. */
function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text.endsWith('\n') ? text : `${text}\n`}${marks}`;
}

function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line ? `> ${plain(line)}` : '>'))
    .join('\n');
}

function failureReason(node: NodeRecord): string {
  return (node.error ?? '').split(':')[0]?.trim() || 'unknown';
}

function spendTable(title: string, rows: Record<string, SpendTotals>): string[] {
  const lines = [`| ${title} | calls | input tokens | output tokens | cost |`, '| --- | ---: | ---: | ---: | ---: |'];
  for (const [key, totals] of Object.entries(rows)) {
    lines.push(
      `| ${cell(key)} | ${totals.calls} | ${totals.inputTokens} | ${totals.outputTokens} | ${formatUsd(totals.usd)} |`,
    );
  }
  return lines;
}

function summary(input: ReportInput, best: NodeRecord | undefined): string[] {
  const rounds = input.nodes.filter((node) => node.step > 0);
  const succeeded = rounds.filter((node) => node.success).length;
  const seed = input.nodes.find((node) => node.step === 0);
  const operators = new Map<string, number>();
  for (const node of rounds) operators.set(node.operator, (operators.get(node.operator) ?? 0) + 1);
  const lines = ['## Summary', '', '| | |', '| --- | --- |'];
  lines.push(`| Rounds stored | ${rounds.length} (${succeeded} succeeded, ${rounds.length - succeeded} failed) |`);
  if (seed) lines.push(`| Seed score | ${seed.success ? score(seed.score) : `failed (${cell(seed.error ?? '')})`} |`);
  lines.push(
    `| Best score | ${best ? `${score(best.score)} (node ${best.id}, round ${best.step}, "${cell(best.name)}")` : 'none yet'} |`,
  );
  if (best && seed?.success && seed.score !== null && best.score !== null) {
    const gain = best.score - seed.score;
    const relative =
      seed.score !== 0 ? ` (${gain >= 0 ? '+' : ''}${((100 * gain) / Math.abs(seed.score)).toFixed(1)} %)` : '';
    lines.push(`| Gain over the seed | ${gain >= 0 ? '+' : ''}${score(gain)}${relative} |`);
  }
  if (operators.size > 0)
    lines.push(`| Designed by | ${[...operators].map(([name, count]) => `${cell(name)} ${count}`).join(', ')} |`);
  lines.push(`| Evaluation time | ${duration(rounds.reduce((total, node) => total + node.runtimeMs, 0))} |`);
  lines.push(`| LLM spend | ${formatUsd(input.spend.totalUsd)} over ${input.spend.calls} calls |`);
  return lines;
}

function topAnalyses(nodes: readonly NodeRecord[]): string[] {
  const top = nodes
    .filter((node) => node.success && node.score !== null)
    .sort((left, right) => (right.score as number) - (left.score as number) || left.id - right.id)
    .slice(0, 5);
  const lines = ['## Top analyses (best 5 nodes)', ''];
  if (top.length === 0) return [...lines, 'No successful node yet.'];
  top.forEach((node, rank) => {
    lines.push(
      `### ${rank + 1}. Node ${node.id} (round ${node.step}) — ${score(node.score)} — "${cell(node.name)}"`,
      '',
    );
    lines.push(
      `Operator ${cell(node.operator)}; parents ${node.parentIds.join(', ') || 'none'}; provenance ${node.provenance}.`,
      '',
    );
    if (node.motivation.trim()) lines.push('**Motivation**', '', quote(node.motivation), '');
    lines.push('**Analysis**', '', node.analysis.trim() ? quote(node.analysis) : '_(no analysis)_', '');
  });
  lines.pop();
  return lines;
}

const provenanceKinds: readonly Provenance[] = ['cognition', 'experience', 'novel', 'unknown'];

function percentOf(count: number, total: number): string {
  return total === 0 ? '–' : `${((100 * count) / total).toFixed(1)} %`;
}

function provenance(nodes: readonly NodeRecord[]): string[] {
  const { all, best, bestFraction } = provenanceReport(nodes);
  const bestLabel = `best ${Math.round(bestFraction * 100)} %`;
  const lines = [
    '## Cognition provenance',
    '',
    'Where each design came from, as its designer stated it (the seed is not counted).',
    '',
    `| provenance | all designs (n = ${all.nodes}) | ${bestLabel} (n = ${best.nodes}) |`,
    '| --- | ---: | ---: |',
  ];
  for (const kind of provenanceKinds) {
    lines.push(`| ${kind} | ${percentOf(all.counts[kind], all.nodes)} | ${percentOf(best.counts[kind], best.nodes)} |`);
  }
  const bestNodes = nodes
    .filter((node) => node.step > 0 && node.success && node.score !== null)
    .sort((left, right) => (right.score as number) - (left.score as number) || left.id - right.id)
    .slice(0, best.nodes);
  const seen = new Map<string, number>();
  for (const node of bestNodes) for (const id of node.cognitionIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  if (seen.size > 0) {
    const items = [...seen].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])).slice(0, 10);
    lines.push(
      '',
      `Cognition items seen by the ${bestLabel}: ${items.map(([id, count]) => `\`${id.replaceAll('`', "'")}\` (${count})`).join(', ')}.`,
    );
  }
  return lines;
}

function failures(nodes: readonly NodeRecord[]): string[] {
  const failed = nodes.filter((node) => node.step > 0 && !node.success);
  const lines = ['## Failures by reason', ''];
  if (failed.length === 0) return [...lines, 'No round failed.'];
  const byReason = new Map<string, NodeRecord[]>();
  for (const node of failed) byReason.set(failureReason(node), [...(byReason.get(failureReason(node)) ?? []), node]);
  lines.push('| reason | rounds | example |', '| --- | ---: | --- |');
  for (const [reason, group] of [...byReason].sort((left, right) => right[1].length - left[1].length)) {
    const example = group[0];
    lines.push(
      `| ${cell(reason)} | ${group.length} | node ${example?.id}: ${cell((example?.error ?? '').slice(0, 120))} |`,
    );
  }
  return lines;
}

function frontSection(front: NonNullable<ReportInput['front']>): string[] {
  const { view, imagePath } = front;
  const names = view.objectives.map((objective) => objective.name);
  const lines = [
    '## Front',
    '',
    `Objectives: ${view.objectives.map((objective) => `${cell(objective.name)} (${objective.direction})`).join(', ')}.`,
    `${view.front.length} node${view.front.length === 1 ? '' : 's'} on the front, ${view.dominated} dominated${view.infeasible > 0 ? ` (${view.infeasible} of them outside a bound)` : ''}.`,
  ];
  const first = view.growth[0];
  const last = view.growth.at(-1);
  if (first && last && last !== first)
    lines.push(`The front held ${first.size} after round ${first.step} and ${last.size} after round ${last.step}.`);
  if (imagePath !== null)
    lines.push(
      '',
      `![The front: every node by ${cell(names[0] ?? '')} and ${cell(names[1] ?? '')}, the front joined](${imagePath})`,
    );
  if (view.front.length === 0) return [...lines, '', 'No node is on the front yet.'];
  const withInstances = view.instances !== null;
  lines.push(
    '',
    `| node | round | name | ${names.map(cell).join(' | ')}${withInstances ? ' | instances won' : ''} |`,
    `| ---: | ---: | --- | ${names.map(() => '---:').join(' | ')}${withInstances ? ' | ---' : ''} |`,
  );
  for (const point of view.front) {
    const values = names.map((name) => formatObjectiveValue(point.values[name]));
    const wins = withInstances ? ` | ${cell(listInstances(point.winsInstances) || '–')}` : '';
    lines.push(`| ${point.id} | ${point.step} | ${cell(point.name)} | ${values.join(' | ')}${wins} |`);
  }
  return lines;
}

/**
 * The run report as Markdown: summary, score curve image, the front (with objectives), best program, top analyses,
 * cognition provenance, failures by reason, and spend by role and by model.
 */
export function renderReportMarkdown(input: ReportInput): string {
  const best = input.nodes
    .filter((node) => node.success && node.score !== null)
    .reduce<NodeRecord | undefined>(
      (top, node) => (top === undefined || (node.score as number) > (top.score as number) ? node : top),
      undefined,
    );
  const lines = [
    `# ASI-Evolve report: ${cell(input.experimentName)}`,
    '',
    `Experiment \`${input.experimentDir}\`, written ${input.generatedAt.toISOString()}.`,
    '',
    ...summary(input, best),
    '',
    '## Score curve',
    '',
    `![Score over rounds: every node's score and the best so far](${input.imagePath})`,
    '',
    ...(input.front ? [...frontSection(input.front), ''] : []),
    '## Best program',
    '',
  ];
  if (best) {
    lines.push(`Node ${best.id} (round ${best.step}), "${cell(best.name)}", score ${score(best.score)}.`, '');
    lines.push(fence(best.program, input.programLanguage));
  } else {
    lines.push('No successful node yet.');
  }
  lines.push(
    '',
    ...topAnalyses(input.nodes),
    '',
    ...provenance(input.nodes),
    '',
    ...failures(input.nodes),
    '',
    '## Spend',
    '',
  );
  if (input.spend.calls === 0) {
    lines.push('No LLM calls were made (the built-in no-model operator designed the candidates).');
  } else {
    lines.push(
      `${formatUsd(input.spend.totalUsd)} over ${input.spend.calls} calls (${input.spend.inputTokens} input and ${input.spend.outputTokens} output tokens).`,
      '',
    );
    lines.push(...spendTable('role', input.spend.byRole), '', ...spendTable('model', input.spend.byModel));
  }
  return `${lines.join('\n')}\n`;
}
