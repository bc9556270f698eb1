import { join } from 'node:path';
import type { ProvenanceReport, ProvenanceSplit } from '../../cognition/index.js';
import type { NodeRecord, SpendSummary, Store } from '../../store/index.js';
import { formatUsd, gitPatch, parseFileSet, programFileChanges, stepFolderName } from '../../domain/index.js';
import { formatDuration, formatScore } from '../format.js';
import { frontReport, writeFront, type FrontReport } from '../front-lines.js';
import { nodeBrief, type NodeBrief } from '../node-brief.js';
import { configuredObjectives } from './configured-objectives.js';
import { openExperimentStore } from './open-experiment-store.js';
import { bestPatch, projectDirFor, requireSeed, writeBestFolder, writeTextFile } from './project-output.js';

type Write = (text: string) => void;

function firstLine(text: string, width = 100): string {
  const line = text.split('\n').find((entry) => entry.trim()) ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** The paper's provenance split: over all designed nodes, and over the best 10 % of them. */
function writeProvenance(report: ProvenanceReport & { roundsShownCognition: number }, write: Write): void {
  const line = (label: string, split: ProvenanceSplit): string => {
    const unknown = split.counts.unknown > 0 ? `; ${split.counts.unknown} did not say` : '';
    const stated = split.nodes - split.counts.unknown;
    if (stated === 0)
      return `  ${label} (${split.nodes} node${split.nodes === 1 ? '' : 's'}): no design stated its provenance${unknown}\n`;
    const { cognition, experience, novel } = split.shares;
    return `  ${label} (${split.nodes} node${split.nodes === 1 ? '' : 's'}): cognition ${percent(cognition)} / experience ${percent(experience)} / novel ${percent(novel)}${unknown}\n`;
  };
  write('Provenance of designs (as each Researcher answer stated it):\n');
  write(line('all rounds', report.all));
  write(line(`best ${Math.round(report.bestFraction * 100)} %`, report.best));
  write(`  rounds shown cognition items: ${report.roundsShownCognition} of ${report.all.nodes}\n`);
}

/** What `status` reports, as `status --json` prints it. */
export interface StatusReport {
  experiment: string;
  rounds: { stored: number; succeeded: number; failed: number };
  seed: { success: boolean; score: number | null; error: string | null } | null;
  best: NodeBrief | null;
  /** Evaluation time of the stored rounds, summed. */
  evaluationMs: number;
  llm: SpendSummary;
  /** Failed rounds by the first word of their error (`timeout`, `crash`…). */
  failuresByReason: Record<string, number>;
  /** The last five rounds stored. */
  recent: NodeBrief[];
  /** With `--provenance`: where the designs came from, and how many rounds were shown cognition items. */
  provenance?: ProvenanceReport & { roundsShownCognition: number };
  /** With objectives configured: the non-dominated nodes and how many are dominated. */
  front?: FrontReport;
}

function writeJson(write: Write, value: unknown): void {
  write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The front of the stored node summaries when the experiment configures objectives (programs are not read). */
async function frontOf(dir: string, store: Store): Promise<FrontReport | undefined> {
  const settings = await configuredObjectives(dir);
  return settings === null ? undefined : frontReport(store.nodeSummaries(), settings);
}

async function statusReport(dir: string, store: Store, withProvenance: boolean): Promise<StatusReport> {
  // Running totals and a few indexed rows: as fast at 100,000 nodes as at 10, and no program is read.
  const totals = store.nodeTotals();
  const best = totals.bestId === null ? undefined : store.getNodeSummary(totals.bestId);
  const seed = store.seedSummary();
  const report: StatusReport = {
    experiment: dir,
    rounds: {
      stored: totals.rounds,
      succeeded: totals.roundsSucceeded,
      failed: totals.rounds - totals.roundsSucceeded,
    },
    seed: seed ? { success: seed.success, score: seed.score, error: seed.error } : null,
    best: best ? nodeBrief(best) : null,
    evaluationMs: totals.roundsRuntimeMs,
    llm: store.spendSummary(),
    failuresByReason: Object.fromEntries(store.failureReasons()),
    recent: store.recentRounds(5).map(nodeBrief),
  };
  const front = await frontOf(dir, store);
  if (front) report.front = front;
  if (withProvenance) {
    // Loaded only when asked for: the cognition part brings embedders and LLM clients with it.
    const { provenanceReport } = await import('../../cognition/index.js');
    const nodes = store.nodeSummaries();
    const roundsShownCognition = nodes.filter((node) => node.step > 0 && node.cognitionIds.length > 0).length;
    report.provenance = { ...provenanceReport(nodes), roundsShownCognition };
  }
  return report;
}

function writeStatus(report: StatusReport, write: Write): void {
  const { rounds, seed, best, llm } = report;
  write(`Experiment: ${report.experiment}\n`);
  write(`Rounds stored: ${rounds.stored} (${rounds.succeeded} succeeded, ${rounds.failed} failed)\n`);
  if (seed) write(`Seed: ${seed.success ? formatScore(seed.score) : `failed (${seed.error ?? ''})`}\n`);
  write(
    best
      ? `Best: ${formatScore(best.score)} (node ${best.id}, step ${best.step}, "${best.name}")\n`
      : 'Best: none yet\n',
  );
  if (report.front) writeFront(report.front, write);
  write(`Evaluation time: ${formatDuration(report.evaluationMs)}\n`);
  write(
    `LLM: ${llm.calls} calls, ${llm.inputTokens} input + ${llm.outputTokens} output tokens, ${formatUsd(llm.totalUsd)}\n`,
  );
  for (const [role, usage] of Object.entries(llm.byRole)) {
    write(
      `  role ${role}: ${usage.calls} calls, ${usage.inputTokens} in / ${usage.outputTokens} out, ${formatUsd(usage.usd)}\n`,
    );
  }
  for (const [model, usage] of Object.entries(llm.byModel)) {
    write(
      `  model ${model}: ${usage.calls} calls, ${usage.inputTokens} in / ${usage.outputTokens} out, ${formatUsd(usage.usd)}\n`,
    );
  }
  const failures = Object.entries(report.failuresByReason);
  if (failures.length > 0)
    write(`Failures by reason: ${failures.map(([reason, count]) => `${reason} ${count}`).join(', ')}\n`);
  if (report.recent.length > 0) {
    write('Recent rounds:\n');
    for (const node of report.recent) {
      write(
        `  step ${node.step}: ${node.success ? formatScore(node.score) : `failed (${firstLine(node.error ?? '', 60)})`}  ${node.name}\n`,
      );
    }
  }
  if (report.provenance) writeProvenance(report.provenance, write);
}

/** `status DIR [--json]`: where the run stands; with `provenance`, where the designs came from. */
export async function statusCommand(
  dir: string,
  write: Write,
  options: { provenance?: boolean; json?: boolean } = {},
): Promise<void> {
  const store = openExperimentStore(dir);
  try {
    const report = await statusReport(dir, store, options.provenance === true);
    if (options.json) writeJson(write, report);
    else writeStatus(report, write);
  } finally {
    store.close();
  }
}

/** What `best --json` prints: the best node, where its program and step folder are. */
export interface BestReport extends NodeBrief {
  program: string;
  stepFolder: string;
  /** With objectives configured: the non-dominated nodes and how many are dominated. */
  front?: FrontReport;
}

/** What `best` may write besides its summary (docs/architecture.md, "Multi-file candidates"). */
export interface BestOutputOptions {
  /** `--patch [FILE]`: true writes the patch to stdout (and nothing else). */
  patch?: string | boolean;
  /** `--out DIR`: the seed project with the best candidate applied. */
  out?: string;
  /** `--force`: `--out` may write into a folder that is not empty. */
  force?: boolean;
  /** `--project DIR`: the seed project folder, over the config's `project.dir`. */
  project?: string;
}

/**
 * `best DIR [--json] [--patch [FILE]] [--out DIR]`: the best node's score and where its program is,
 * and the front when objectives are configured; exit status 1 when there is none yet. The patch and
 * project outputs are written (or refused) at once; the summary may first read the objectives.
 */
export function bestCommand(
  dir: string,
  write: Write,
  options: { json?: boolean } & BestOutputOptions = {},
): void | Promise<void> {
  if (options.patch !== undefined || options.out !== undefined) {
    const store = openExperimentStore(dir);
    try {
      writeBestOutputs(store, dir, write, options);
    } finally {
      store.close();
    }
    return;
  }
  return bestSummary(dir, write, options.json === true);
}

async function bestSummary(dir: string, write: Write, json: boolean): Promise<void> {
  const store = openExperimentStore(dir);
  try {
    // The summary: the best program can be large and is not printed.
    const bestId = store.nodeTotals().bestId;
    const best = bestId === null ? undefined : store.getNodeSummary(bestId);
    if (!best) {
      if (json) writeJson(write, null);
      else write('No successful node yet.\n');
      process.exitCode = 1;
      return;
    }
    const report: BestReport = {
      ...nodeBrief(best),
      program: join(dir, 'best', 'code'),
      stepFolder: join(dir, 'steps', stepFolderName(best.step)),
    };
    const front = await frontOf(dir, store);
    if (front) report.front = front;
    if (json) {
      writeJson(write, report);
      return;
    }
    write(`Best score: ${formatScore(best.score)} (node ${best.id}, step ${best.step}, "${best.name}")\n`);
    write(`Program: ${report.program}\n`);
    write(`Step folder: ${report.stepFolder}\n`);
    if (report.front) writeFront(report.front, write);
  } finally {
    store.close();
  }
}

function writeBestOutputs(store: Store, dir: string, write: Write, options: BestOutputOptions): void {
  const best = store.bestNode();
  if (best === undefined) {
    write('No successful node yet.\n');
    process.exitCode = 1;
    return;
  }
  const seed = requireSeed(store, dir);
  const projectDir = projectDirFor(dir, options.project, seed.program);
  if (options.patch !== undefined && options.patch !== false) {
    const patch = bestPatch(seed, best, projectDir);
    if (options.patch === true) write(patch);
    else {
      writeTextFile(options.patch, patch, '--patch');
      write(`Wrote node ${best.id} as a patch against the seed to ${options.patch}\n`);
    }
  }
  if (options.out !== undefined) {
    const changed = writeBestFolder(seed, best, {
      dir,
      out: options.out,
      projectDir,
      force: options.force === true,
    });
    write(`Wrote node ${best.id} to ${options.out} (${changed} file(s) changed against the seed)\n`);
  }
}

function describeNode(node: NodeRecord, base: NodeRecord | undefined, write: Write, withProgram: boolean): void {
  write(
    `Node ${node.id} (step ${node.step}) "${node.name}" — ${node.success ? `score ${formatScore(node.score)}` : `FAILED: ${node.error ?? ''}`}\n`,
  );
  if (node.evalScore !== null && node.evalScore !== node.score)
    write(`Evaluator score: ${formatScore(node.evalScore)}\n`);
  write(
    `Operator: ${node.operator}; parents: ${node.parentIds.join(', ') || 'none'}; island: ${node.island ?? '-'}; provenance: ${node.provenance}\n`,
  );
  write(`Cognition seen: ${node.cognitionIds.join(', ') || 'none'}\n`);
  write(
    `Runtime: ${formatDuration(node.runtimeMs)}; LLM cost: ${formatUsd(node.costUsd)}; visits: ${node.visitCount}; created ${node.createdAt}\n`,
  );
  write(`\nMotivation:\n${node.motivation || '(none)'}\n`);
  write(`\nResults:\n${JSON.stringify(node.results, null, 2)}\n`);
  write(`\nAnalysis:\n${node.analysis || '(none)'}\n`);
  if (withProgram) writeProgram(node, base, write);
}

/** A single file's program in full; a multi-file one as its per-file changes against `base`. */
function writeProgram(node: NodeRecord, base: NodeRecord | undefined, write: Write): void {
  const files = parseFileSet(node.program);
  if (files === null) {
    write(`\nProgram:\n${node.program}\n`);
    return;
  }
  const changes = base === undefined ? null : programFileChanges(base.program, node.program);
  if (base === undefined || changes === null) {
    write(`\nFiles (${files.size}):\n`);
    for (const [path, content] of files) write(`  ${path} (${content.split('\n').length - 1} lines)\n`);
    return;
  }
  const relation = node.parentIds[0] === base.id ? 'its parent' : 'the seed';
  write(`\nChanges against node ${base.id} (${relation}), ${changes.length} file(s):\n`);
  write(changes.length === 0 ? '(no file changed)\n' : gitPatch(changes));
}

/**
 * What a multi-file node's changes are shown against: its first parent, else the seed; undefined
 * for a single-file node, the seed itself, or when neither is stored.
 */
function changeBase(store: Store, node: NodeRecord): NodeRecord | undefined {
  if (parseFileSet(node.program) === null) return undefined;
  const parentId = node.parentIds[0];
  const parent = parentId === undefined ? undefined : store.getNode(parentId);
  if (parent !== undefined) return parent;
  const seed = store.seedSummary();
  return seed === undefined || seed.id === node.id ? undefined : store.getNode(seed.id);
}

/** A stored node as `show --json` and `lineage --json` print it: every field, the program only when asked. */
function nodeJson(node: NodeRecord, withProgram: boolean): Omit<NodeRecord, 'program'> & { program?: string } {
  if (withProgram) return node;
  const { program: _program, ...rest } = node;
  return rest;
}

/** `show DIR NODE [--json]`: everything stored about one node. */
export function showCommand(
  dir: string,
  id: number,
  write: Write,
  options: { program: boolean; json?: boolean },
): void {
  const store = openExperimentStore(dir);
  try {
    const node = store.requireNode(id);
    if (options.json) writeJson(write, nodeJson(node, options.program));
    else describeNode(node, options.program ? changeBase(store, node) : undefined, write, options.program);
  } finally {
    store.close();
  }
}

/** `lineage DIR NODE [--json]`: the node and its ancestors (first parents) with scores and motivations. */
export function lineageCommand(dir: string, id: number, write: Write, options: { json?: boolean } = {}): void {
  const store = openExperimentStore(dir);
  try {
    const chain = store.lineage(id);
    if (options.json) {
      // The node first, then its parent, its parent's parent…; programs are left out (`show --json` has them).
      writeJson(
        write,
        chain.map((node) => nodeJson(node, false)),
      );
      return;
    }
    chain.forEach((node, depth) => {
      write(
        `${'  '.repeat(depth)}${depth === 0 ? '' : '↳ '}node ${node.id} ${node.success ? formatScore(node.score) : 'failed'} "${node.name}": ${firstLine(node.motivation, 80)}\n`,
      );
      // A multi-file node: what it changed in its parent's files.
      const parent = chain[depth + 1];
      const changes = parent === undefined ? null : programFileChanges(parent.program, node.program);
      if (changes !== null) write(changes.length === 0 ? '(no file changed)\n' : gitPatch(changes));
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
    const changes = programFileChanges(a.program, b.program);
    if (changes !== null) {
      write(changes.length === 0 ? `No file differs between node ${a.id} and node ${b.id}.\n` : gitPatch(changes));
      return;
    }
    write(
      createTwoFilesPatch(
        `node-${a.id}`,
        `node-${b.id}`,
        a.program,
        b.program,
        formatScore(a.score),
        formatScore(b.score),
      ),
    );
  } finally {
    store.close();
  }
}
