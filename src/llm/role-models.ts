import type { Config } from '../config/index.js';
import type { Random } from '../random.js';
import { createProvider, providerDescriptor, type ProviderContext } from './provider-registry.js';
import { createEnsemble } from './ensemble.js';
import type { LanguageModel } from './model.js';
import { ROLE_NAMES, pricingOf, resolveRoleTarget, type ModelSettings, type RoleName } from './model-settings.js';
import { priceOf, type Pricing } from './pricing.js';
import type { LlamaCppModel } from './providers/llama-cpp.js';
import { readRecordedCalls, type RecordedCall } from './providers/replay-source.js';
import { BudgetTracker, withBudget, type Spend } from './wrappers/budget.js';
import { withDeadline } from './wrappers/deadline.js';
import { withRecorder, type LlmCallRecordDraft } from './wrappers/recorder.js';
import { withRetry, type RetryInfo } from './wrappers/retry.js';
import { replyCharLimit, withPromptLimit, withReplyLimit } from './wrappers/size-limits.js';
import { knownSecrets, secretRedactor, withReplyRedaction } from './known-secrets.js';

/** The longest wait between two attempts: `withRetry`'s default caps on backoff and Retry-After. */
const MAX_RETRY_DELAY_MS = 60_000;

export interface RoleModelsOptions {
  /** The run's seeded generator: ensembles choose, and retries jitter, with forks of it. */
  random: Random;
  /** Receives every attempt of every role (the loop files it under its round). */
  onCall: (record: LlmCallRecordDraft) => void;
  /** What earlier runs of the experiment spent (from the store), so a resumed run keeps its budget. */
  initialSpend?: Spend;
  /** The experiment folder: relative `model_path` and `transcript` are read from it. */
  baseDir?: string;
  fetch?: typeof fetch;
  onRetry?: (info: RetryInfo & { role: string }) => void;
  /** How node-llama-cpp is imported (tests). */
  importLlama?: () => Promise<unknown>;
}

/** The models of a run, one per role, sharing one budget. */
export interface RoleModels {
  /**
   * The role's model (an ensemble when it names several), or null: no model, use the built-in
   * operator.
   */
  forRole(role: RoleName): LanguageModel | null;
  /** One line per role that has a model, for people. */
  readonly description: string;
  readonly budget: BudgetTracker;
  /** Warnings worth printing before round 1 (e.g. a model without a price under a money budget). */
  readonly notices: string[];
  /** Loads local models now, so that a missing package or file stops the run before round 1. */
  prepare(): Promise<void>;
  /** Frees local models. */
  close(): Promise<void>;
}

/**
 * The longest one call of a model can hold a round: every attempt up to its deadline, and the
 * longest wait before each retry.
 * @example longestCallMs(settings) // 4 × 300 s + 3 × 60 s = 1 380 000 ms with the defaults
 */
export function longestCallMs(settings: Pick<ModelSettings, 'timeoutSeconds' | 'retryTimes'>): number {
  return (settings.retryTimes + 1) * settings.timeoutSeconds * 1000 + settings.retryTimes * MAX_RETRY_DELAY_MS;
}

function describeSettings(settings: ModelSettings): string {
  return providerDescriptor(settings.provider).describe(settings);
}

/**
 * Builds each role's model from `roles`, `models` and `api` (a role left out uses the main
 * model; with no main model and no model of its own a role gets null). Each member model is
 * `promptLimit(retry(budget(recorder(redaction(replyLimit(deadline(provider)))))))`: a prompt over
 * the context window is never sent, a reply far over the output limit is discarded unseen, known
 * secrets are removed from replies and records, the deadline bounds each attempt, the recorder
 * keeps each attempt under its role, the budget refuses an attempt before it is sent when it
 * could cross `budget.usd` or `budget.tokens`, and the retry backs off with jitter (honouring
 * Retry-After) on transient errors only. A role with several models is an ensemble of such
 * stacks, choosing per call with a fork of the run's `random`.
 *
 * @example
 * const models = createRoleModels(config, process.env, { random: createRandom(config.run.seed), onCall, initialSpend, baseDir: experiment.dir });
 * await models.prepare();
 * const researcher = models.forRole('researcher'); // null → built-in operator
 */
export function createRoleModels(
  config: Pick<Config, 'api' | 'models' | 'roles' | 'budget' | 'pricing'>,
  env: NodeJS.ProcessEnv,
  options: RoleModelsOptions,
): RoleModels {
  const pricing: Pricing = pricingOf(config);
  const budget = new BudgetTracker({ usd: config.budget.usd, tokens: config.budget.tokens }, options.initialSpend);
  const transcripts = new Map<string, RecordedCall[]>();
  const readTranscript = (path: string, key: string): RecordedCall[] => {
    let calls = transcripts.get(path);
    if (!calls) {
      calls = readRecordedCalls(path, key);
      transcripts.set(path, calls);
    }
    return calls;
  };
  const context: ProviderContext = {
    env,
    readTranscript,
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.importLlama ? { importLlama: options.importLlama } : {}),
  };
  // One provider (one HTTP client, one loaded GGUF) per model; a replay serves one role's calls.
  const providers = new Map<string, LanguageModel>();
  const providerFor = (settings: ModelSettings, role: string): LanguageModel => {
    const cacheKey = providerDescriptor(settings.provider).perRole ? `${settings.name}#${role}` : settings.name;
    let provider = providers.get(cacheKey);
    if (!provider) {
      provider = createProvider(settings, { ...context, role });
      providers.set(cacheKey, provider);
    }
    return provider;
  };
  // An endpoint that echoes the API key back must not get it stored, shown or evaluated.
  const redact = secretRedactor(knownSecrets(config, env));
  const stackFor = (settings: ModelSettings, role: string): LanguageModel => {
    const maxOutputTokens = settings.maxCompletionTokens ?? settings.maxTokens;
    let model = withDeadline(providerFor(settings, role), { timeoutMs: settings.timeoutSeconds * 1000 });
    model = withReplyLimit(model, { maxReplyChars: replyCharLimit(maxOutputTokens) });
    model = withReplyRedaction(model, redact);
    model = withRecorder(model, { role, onCall: options.onCall, pricing, redact });
    model = withBudget(model, { tracker: budget, role, maxOutputTokens, pricing });
    const jitter = options.random.fork(`retry:${role}:${settings.name}`);
    const onRetry = options.onRetry;
    const retried = withRetry(model, {
      maxRetries: settings.retryTimes,
      // A replay has nothing to wait for.
      baseDelayMs: providerDescriptor(settings.provider).perRole ? 0 : settings.retryDelaySeconds * 1000,
      maxDelayMs: MAX_RETRY_DELAY_MS,
      maxRetryAfterMs: MAX_RETRY_DELAY_MS,
      random: () => jitter.next(),
      ...(onRetry ? { onRetry: (info: RetryInfo) => onRetry({ ...info, role }) } : {}),
    });
    // A prompt the model cannot read is refused before anything records, spends or retries it.
    return withPromptLimit(retried, { maxPromptTokens: settings.contextWindow });
  };

  const models = new Map<RoleName, LanguageModel | null>();
  const rolesByModel = new Map<string, string[]>();
  const describeRole = (role: string, model: string): void => {
    rolesByModel.set(model, [...(rolesByModel.get(model) ?? []), role]);
  };
  const used = new Map<string, ModelSettings>();
  for (const role of ROLE_NAMES) {
    const target = resolveRoleTarget(config, role);
    if (!target) {
      models.set(role, null);
      continue;
    }
    for (const member of target.members) used.set(member.settings.name, member.settings);
    const [only] = target.members;
    if (target.members.length === 1 && only) {
      models.set(role, stackFor(only.settings, role));
      describeRole(role, describeSettings(only.settings));
      continue;
    }
    const members = target.members.map((member) => ({ model: stackFor(member.settings, role), weight: member.weight }));
    models.set(role, createEnsemble(members, options.random.fork(`ensemble:${role}`)));
    describeRole(
      role,
      `ensemble of ${target.members.map((member) => `${describeSettings(member.settings)} ×${member.weight}`).join('; ')}`,
    );
  }

  const notices: string[] = [];
  if (config.budget.usd !== undefined) {
    for (const settings of used.values()) {
      if (!providerDescriptor(settings.provider).costs) continue;
      if (!priceOf(settings.modelId, pricing)) {
        notices.push(
          `${settings.modelId} (${settings.key}) has no known price: its calls count $0 toward budget.usd. Set ${settings.key}.price or pricing['${settings.modelId}'].`,
        );
      }
    }
  }
  if (config.budget.usd !== undefined || config.budget.tokens !== undefined)
    notices.push(`Budget: ${budget.describe()}.`);

  const localModels = (): LlamaCppModel[] =>
    [...providers.values()].filter((provider): provider is LlamaCppModel => provider.provider === 'llama-cpp');
  const forRole = (role: RoleName): LanguageModel | null => models.get(role) ?? null;
  return {
    forRole,
    // One line per distinct model: "gpt-5-mini at … (every role)" when all roles share it.
    description: [...rolesByModel]
      .map(([model, roles]) =>
        rolesByModel.size === 1 && roles.length === ROLE_NAMES.length
          ? `${model} (every role)`
          : `${model} (${roles.join(', ')})`,
      )
      .join('; '),
    budget,
    notices,
    prepare: async () => {
      for (const local of localModels()) await local.load();
    },
    close: async () => {
      for (const local of localModels()) await local.dispose();
    },
  };
}
