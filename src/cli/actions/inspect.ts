import { join } from 'node:path';
import type { ProvenanceSplit } from '../../cognition/index.js';
import type { NodeRecord, NodeSummary } from '../../store/index.js';
import { formatDuration, formatScore, formatUsd } from '../format.js';
import { openExperimentStore } from './open-experiment-store.js';

type Write = (text: string) => void;

function firstLine(text: string, width = 100): string {
  const line = text.split('\n').find((entry) => entry.trim()) ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** The paper's provenance split: over all designed nodes, and over the best 10 % of them. */
async function writeProvenance(nodes: readonly NodeSummary[], write: Write): Promise<void> {
  // Loaded only when asked for: the cognition part brings embedders and LLM clients with it.
  const { provenanceReport } = await import('../../cognition/index.js');
  const report = provenanceReport(nodes);
  const line = (label: string, split: ProvenanceSplit): string => {
    const unknown = split.counts.unknown > 0 ? `; ${split.counts.unknown} did not say` : '';
    const stated = split.nodes - split.counts.unknown;
    if (stated === 0) return `  ${label} (${split.nodes} node${split.nodes === 1 ? '' : 's'}): no design stated its provenance${unknown}\n`;
    const { cognition, experience, novel } = split.shares;
    return `  ${label} (${split.nodes} node${split.nodes === 1 ? '' : 's'}): cognition ${percent(cognition)} / experience ${percent(experience)} / novel ${percent(novel)}${unknown}\n`;
  };
  write('Provenance of designs (as each Researcher answer stated it):\n');
  write(line('all rounds', report.all));
  write(line(`best ${Math.round(report.bestFraction * 100)} %`, report.best));
  const shown = nodes.filter((node) => node.step > 0 && node.cognitionIds.length > 0).length;
  write(`  rounds shown cognition items: ${shown} of ${report.all.nodes}\n`);
}

/** `status DIR`: where the run stands; with `provenance`, where the designs came from. */
export async function statusCommand(dir: string, write: Write, options: { provenance?: boolean } = {}): Promise<void> {
  const store = openExperimentStore(dir);
  try {
    // Running totals and a few indexed rows: as fast at 100,000 nodes as at 10, and no program is read.
    const totals = store.nodeTotals();
    const rounds = totals.rounds;
    const succeeded = totals.roundsSucceeded;
    const best = totals.bestId === null ? undefined : store.getNodeSummary(totals.bestId);
    const seed = store.seedSummary();
    const spend = store.spendSummary();
    write(`Experiment: ${dir}\n`);
    write(`Rounds stored: ${rounds} (${succeeded} succeeded, ${rounds - succeeded} failed)\n`);
    if (seed) write(`Seed: ${seed.success ? formatScore(seed.score) : `failed (${seed.error ?? ''})`}\n`);
    write(best ? `Best: ${formatScore(best.score)} (node ${best.id}, step ${best.step}, "${best.name}")\n` : 'Best: none yet\n');
    write(`Evaluation time: ${formatDuration(totals.roundsRuntimeMs)}\n`);
    write(`LLM: ${spend.calls} calls, ${spend.inputTokens} input + ${spend.outputTokens} output tokens, ${formatUsd(spend.totalUsd)}\n`);
    for (const [role, usage] of Object.entries(spend.byRole)) {
      write(`  role ${role}: ${usage.calls} calls, ${usage.inputTokens} in / ${usage.outputTokens} out, ${formatUsd(usage.usd)}\n`);
    }
    for (const [model, usage] of Object.entries(spend.byModel)) {
      write(`  model ${model}: ${usage.calls} calls, ${usage.inputTokens} in / ${usage.outputTokens} out, ${formatUsd(usage.usd)}\n`);
    }
    const failures = store.failureReasons();
    if (failures.size > 0) write(`Failures by reason: ${[...failures].map(([reason, count]) => `${reason} ${count}`).join(', ')}\n`);
    const recent = store.recentRounds(5);
    if (recent.length > 0) {
      write('Recent rounds:\n');
      for (const node of recent) {
        write(`  step ${node.step}: ${node.success ? formatScore(node.score) : `failed (${firstLine(node.error ?? '', 60)})`}  ${node.name}\n`);
      }
    }
    if (options.provenance) await writeProvenance(store.nodeSummaries(), write);
  } finally {
    store.close();
  }
}

/** `best DIR`: the best node's score and where its program is. */
export function bestCommand(dir: string, write: Write): void {
  const store = openExperimentStore(dir);
  try {
    const best = store.bestNode();
    if (!best) {
      write('No successful node yet.\n');
      process.exitCode = 1;
      return;
    }
    write(`Best score: ${formatScore(best.score)} (node ${best.id}, step ${best.step}, "${best.name}")\n`);
    write(`Program: ${join(dir, 'best', 'code')}\n`);
    write(`Step folder: ${join(dir, 'steps', `step_${best.step}`)}\n`);
  } finally {
    store.close();
  }
}

function describeNode(node: NodeRecord, write: Write, withProgram: boolean): void {
  write(`Node ${node.id} (step ${node.step}) "${node.name}" — ${node.success ? `score ${formatScore(node.score)}` : `FAILED: ${node.error ?? ''}`}\n`);
  if (node.evalScore !== null && node.evalScore !== node.score) write(`Evaluator score: ${formatScore(node.evalScore)}\n`);
  write(`Operator: ${node.operator}; parents: ${node.parentIds.join(', ') || 'none'}; island: ${node.island ?? '-'}; provenance: ${node.provenance}\n`);
  write(`Cognition seen: ${node.cognitionIds.join(', ') || 'none'}\n`);
  write(`Runtime: ${formatDuration(node.runtimeMs)}; LLM cost: ${formatUsd(node.costUsd)}; visits: ${node.visitCount}; created ${node.createdAt}\n`);
  write(`\nMotivation:\n${node.motivation || '(none)'}\n`);
  write(`\nResults:\n${JSON.stringify(node.results, null, 2)}\n`);
  write(`\nAnalysis:\n${node.analysis || '(none)'}\n`);
  if (withProgram) write(`\nProgram:\n${node.program}\n`);
}

/** `show DIR NODE`: everything stored about one node. */
export function showCommand(dir: string, id: number, write: Write, options: { program: boolean }): void {
  const store = openExperimentStore(dir);
  try {
    describeNode(store.requireNode(id), write, options.program);
  } finally {
    store.close();
  }
}

/** `lineage DIR NODE`: the node and its ancestors (first parents) with scores and motivations. */
export function lineageCommand(dir: string, id: number, write: Write): void {
  const store = openExperimentStore(dir);
  try {
    const chain = store.lineage(id);
    chain.forEach((node, depth) => {
      write(`${'  '.repeat(depth)}${depth === 0 ? '' : '↳ '}node ${node.id} ${node.success ? formatScore(node.score) : 'failed'} "${node.name}": ${firstLine(node.motivation, 80)}\n`);
    });
  } finally {
    store.close();
  }
}

/** `diff DIR A B`: unified diff of two nodes' programs. */
export async function diffCommand(dir: string, first: number, second: number, write: Write): Promise<void> {
  const { createTwoFilesPatch } = await import('diff');
  const store = openExperimentStore(dir);
  try {
    const a = store.requireNode(first);
    const b = store.requireNode(second);
    write(createTwoFilesPatch(`node-${a.id}`, `node-${b.id}`, a.program, b.program, formatScore(a.score), formatScore(b.score)));
  } finally {
    store.close();
  }
}
