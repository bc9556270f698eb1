import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';
import { stringify } from 'yaml';
import { isRunOutput } from '../../src/config/index.js';
import {
  startFakeOpenAIServer,
  type FakeOpenAIServer,
  type FakeReply,
} from '../../src/llm/test-support/fake-openai-server.js';
import { openStore } from '../../src/store/index.js';
import type { IngestedPaper, NodeRecord, RunEvent, StoredLlmCall } from '../../src/store/index.js';
import type { CognitionItem } from '../../src/cognition/index.js';

/** The package root (where bin/ and dist/ are). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cliPath = join(repoRoot, 'bin', 'asi-evolve.js');

/**
 * Whole-CLI tests run bin/asi-evolve.js, which runs dist/: fail with a clear message when the
 * package was not built instead of with a puzzling exit code.
 */
export function assertBuilt(): void {
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    throw new Error('test/e2e runs the built CLI: run `npm run build` first');
  }
}

const liveChildren = new Set<ChildProcess>();
const tempRoots: string[] = [];
const servers: FakeOpenAIServer[] = [];

/**
 * Registers the clean-up of this file's temp folders, CLI processes and fake servers.
 * Call once at the top of each e2e test file.
 */
export function useE2eCleanup(): void {
  assertBuilt();
  afterEach(async () => {
    for (const child of liveChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    liveChildren.clear();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  afterAll(() => {
    for (const dir of tempRoots.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh temp folder, removed after the file's tests. */
export function makeTempDir(prefix = 'asi-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempRoots.push(dir);
  return dir;
}

/**
 * The score evaluator used by most tests: the candidate is text with a line `score = X`,
 * and X is its score. Fast (bash and sed only).
 */
export const scoreEvalScript = `#!/usr/bin/env bash
set -eu
program="\${1:-code}"
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$program" | head -n 1)
printf '{"eval_score": %s, "success": true, "chars": %d}\\n' "\${score:-0}" "$(wc -c < "$program")" > results.json
`;

export interface ExperimentSpec {
  /** input.md; null leaves it out. */
  input?: string | null;
  /** initial_program; null (the default) leaves it out. */
  initialProgram?: string | null;
  /** eval.sh; null leaves it out. Default: {@link scoreEvalScript}. */
  evalScript?: string | null;
  /** config.yaml, as an object (written as YAML) or as text; omitted: none. */
  config?: Record<string, unknown> | string;
  /** Any other files, by relative path. */
  files?: Record<string, string>;
}

/** Writes a throwaway experiment folder in a temp dir and returns its path. */
export function makeExperiment(spec: ExperimentSpec = {}): string {
  const dir = join(makeTempDir(), 'experiment');
  mkdirSync(dir, { recursive: true });
  const input = spec.input === undefined ? 'Maximise the number on the line `score = X` of the program.\n' : spec.input;
  if (input !== null) writeFileSync(join(dir, 'input.md'), input);
  if (spec.initialProgram !== undefined && spec.initialProgram !== null)
    writeFileSync(join(dir, 'initial_program'), spec.initialProgram);
  const evalScript = spec.evalScript === undefined ? scoreEvalScript : spec.evalScript;
  if (evalScript !== null) {
    writeFileSync(join(dir, 'eval.sh'), evalScript);
    chmodSync(join(dir, 'eval.sh'), 0o755);
  }
  if (spec.config !== undefined) {
    writeFileSync(join(dir, 'config.yaml'), typeof spec.config === 'string' ? spec.config : stringify(spec.config));
  }
  for (const [name, text] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Copies a folder of examples/ into a temp dir. */
export function copyExample(name: string): string {
  const dir = join(makeTempDir(), name);
  // Leaves out what a run made inside examples/ may have left, so a test never resumes it.
  cpSync(join(repoRoot, 'examples', name), dir, {
    recursive: true,
    filter: (source) => !isRunOutput(basename(source)),
  });
  return dir;
}

/** The parent's environment without any API key or LLM setting, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /API_KEY|^OPENAI_|^ANTHROPIC_/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliProcess {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** SIGKILL after this long (the test then fails on its assertions). @default 45000 */
  timeoutMs?: number;
}

/** Starts `asi-evolve ...args` and returns at once; the process is killed after the test if still alive. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `asi-evolve ...args` to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** What a run stored, read through a read-only store (safe while a run writes). */
export interface StoredRun {
  nodes: NodeRecord[];
  calls: StoredLlmCall[];
  events: RunEvent[];
}

/** Reads the experiment's database; empty lists when it does not exist yet. */
export function readStored(experimentDir: string): StoredRun {
  const path = join(experimentDir, 'asi-evolve.db');
  if (!existsSync(path)) return { nodes: [], calls: [], events: [] };
  const store = openStore(path, { readonly: true });
  try {
    return { nodes: store.listNodes(), calls: store.listLlmCalls(), events: store.listEvents() };
  } finally {
    store.close();
  }
}

/** The cognition items and ingested papers of the experiment's database (which must exist). */
export function readCognition(experimentDir: string): { items: CognitionItem[]; papers: IngestedPaper[] } {
  const store = openStore(join(experimentDir, 'asi-evolve.db'), { readonly: true });
  try {
    return { items: store.listCognitionItems(), papers: store.listIngestedPapers() };
  } finally {
    store.close();
  }
}

/** The steps stored so far (rounds and seed), read while another process may be writing. */
export function storedSteps(experimentDir: string): number[] {
  try {
    return readStored(experimentDir).nodes.map((node) => node.step);
  } catch {
    return []; // the file may not be complete before the first migration is committed
  }
}

/** Polls `check` every 25 ms until it is true; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every file under a folder, recursively (none when it does not exist). */
export function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text of a file of a step folder. */
export function stepFile(experimentDir: string, step: number, name: string): string {
  return readFileSync(join(experimentDir, 'steps', `step_${step}`, name), 'utf8');
}

/** PIDs of processes whose command line contains `marker`. */
export function processesMatching(marker: string): number[] {
  const result = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/** Kills (SIGKILL) processes whose command line contains `marker`, so a failing test leaves none behind. */
export function killMatching(marker: string): void {
  for (const pid of processesMatching(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

// ---- the fake LLM -------------------------------------------------------------------------

/** One chat request as the fake LLM sees it. */
export interface LlmRequest {
  role: 'researcher' | 'analyzer' | 'other';
  /** The round named in the prompt ("This is round N" / "(round N)"), or null. */
  round: number | null;
  /** True for the diff-mode Researcher prompt. */
  diffMode: boolean;
  /** User messages so far in the conversation (1 for a first attempt, 2 after one follow-up…). */
  turn: number;
  messages: Array<{ role: string; content: string }>;
  /** The last user message (the follow-up, from turn 2). */
  lastUser: string;
  /** Position of the request among all requests to the server, from 0. */
  index: number;
}

function describeRequest(body: unknown, index: number): LlmRequest {
  const rawMessages = (body as { messages?: unknown } | null)?.messages;
  const messages = Array.isArray(rawMessages)
    ? rawMessages.map((message) => ({
        role: String((message as { role?: unknown }).role),
        content: String((message as { content?: unknown }).content ?? ''),
      }))
    : [];
  const first = messages.find((message) => message.role === 'user')?.content ?? '';
  const users = messages.filter((message) => message.role === 'user');
  const role = first.includes('You are the Researcher')
    ? 'researcher'
    : first.includes('You are the Analyzer')
      ? 'analyzer'
      : 'other';
  const roundText = /This is round (\d+)\./.exec(first)?.[1] ?? /\(round (\d+)\)/.exec(first)?.[1];
  return {
    role,
    round: roundText === undefined ? null : Number(roundText),
    diffMode: first.includes('<<<<<<< SEARCH'),
    turn: users.length,
    messages,
    lastUser: users[users.length - 1]?.content ?? '',
    index,
  };
}

/** The default usage the fake LLM reports, so tests can check the stored token counts. */
export const fakeUsage = { prompt_tokens: 120, completion_tokens: 30 };

/**
 * A loopback OpenAI-compatible server whose every answer is `answer(request)`. Keeps the
 * parsed requests in `calls` (in arrival order) beside the raw `server.requests`.
 */
export async function startFakeLlm(
  answer: (request: LlmRequest) => FakeReply,
): Promise<{ server: FakeOpenAIServer; calls: LlmRequest[] }> {
  const calls: LlmRequest[] = [];
  const reply = (body: unknown, index: number): FakeReply => {
    const request = describeRequest(body, index);
    calls.push(request);
    return answer(request);
  };
  const server = await startFakeOpenAIServer(Array.from({ length: 1000 }, () => reply));
  servers.push(server);
  return { server, calls };
}

/** The config section pointing the run at a fake LLM (no API key needed on loopback). */
export function fakeApi(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'test-model', base_url: url, retry_delay: 0.05, timeout: 2, ...extra };
}

/** A full-rewrite Researcher answer. */
export function rewriteAnswer(name: string, motivation: string, program: string): FakeReply {
  return {
    text: `<name>${name}</name>\n<motivation>${motivation}</motivation>\n<provenance>novel</provenance>\n<code>\n${program}</code>\n`,
    usage: fakeUsage,
  };
}

/** A diff-mode Researcher answer with SEARCH/REPLACE blocks. */
export function diffAnswer(
  name: string,
  motivation: string,
  blocks: ReadonlyArray<readonly [search: string, replace: string]>,
): FakeReply {
  const edits = blocks
    .map(([search, replace]) => `<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`)
    .join('\n\n');
  return {
    text: `<name>${name}</name>\n<motivation>${motivation}</motivation>\n<provenance>experience</provenance>\n\n${edits}\n`,
    usage: fakeUsage,
  };
}

/** An Analyzer answer. */
export function analysisAnswer(text: string): FakeReply {
  return { text: `<analysis>\n${text}\n</analysis>`, usage: fakeUsage };
}
