import type { CognitionItem } from '../domain/index.js';
import type { JsonObject, NodeRecord } from '../domain/index.js';
import { estimateTokens } from './token-estimate.js';

/**
 * What is given up, in this order, when a prompt does not fit the model's context window:
 * first the code of the sampled context programs (never the parent's), then their raw
 * results (the score is kept), then their analyses, then cognition items. Within each kind
 * the least useful goes first: the last context node (the parent comes first, then the
 * policy's order) and the lowest-ranked cognition item. The task, the parent and the
 * instructions are never trimmed.
 */
export const TRIM_ORDER = ['context-code', 'context-results', 'context-analysis', 'cognition'] as const;
export type TrimKind = (typeof TRIM_ORDER)[number];

/** A piece of a prompt: trimmable by kind, or `fixed` (task, parent, instructions). */
export interface PromptPart {
  kind: TrimKind | 'fixed';
  /** e.g. `code of #12`, `cognition c-7` */
  label: string;
  text: string;
}

export interface TrimmedPart {
  kind: TrimKind;
  label: string;
  /** Tokens it held. */
  tokens: number;
}

export interface TrimResult {
  parts: PromptPart[];
  trimmed: TrimmedPart[];
  /** Estimated tokens after trimming. */
  tokens: number;
  fits: boolean;
}

/** The text that replaces a trimmed part. */
export function omissionNote(label: string): string {
  return `[${label} omitted to fit the model's context window]`;
}

/**
 * Trims parts, in `TRIM_ORDER` and within a kind from the last part back, until their
 * estimated tokens (four characters each) are at most `maxTokens`. Trimmed parts keep their
 * place with a short note instead of their text.
 *
 * @example
 * const { parts, trimmed, fits } = trimPromptParts(parts, contextWindow - maxOutputTokens);
 */
export function trimPromptParts(parts: readonly PromptPart[], maxTokens: number): TrimResult {
  const result = parts.map((part) => ({ ...part }));
  let tokens = result.reduce((sum, part) => sum + estimateTokens(part.text), 0);
  const trimmed: TrimmedPart[] = [];
  for (const kind of TRIM_ORDER) {
    for (let index = result.length - 1; index >= 0 && tokens > maxTokens; index--) {
      const part = result[index] as PromptPart;
      if (part.kind !== kind) continue;
      const note = omissionNote(part.label);
      const before = estimateTokens(part.text);
      const after = estimateTokens(note);
      if (after >= before) continue;
      part.text = note;
      tokens -= before - after;
      trimmed.push({ kind, label: part.label, tokens: before });
    }
  }
  return { parts: result, trimmed, tokens, fits: tokens <= maxTokens };
}

/** One line for a transcript: what was trimmed and how much. */
export function describeTrimmed(trimmed: readonly TrimmedPart[]): string {
  if (trimmed.length === 0) return 'nothing trimmed';
  const total = trimmed.reduce((sum, part) => sum + part.tokens, 0);
  return `trimmed to fit the context window (~${total} tokens): ${trimmed.map((part) => part.label).join(', ')}`;
}

/** One role's prompt as it is checked before a run. */
export interface RolePrompt {
  role: string;
  modelId: string;
  contextWindow: number;
  /** Tokens kept free for the answer. */
  maxOutputTokens: number;
  parts: PromptPart[];
}

export interface ContextCheck {
  role: string;
  modelId: string;
  contextWindow: number;
  promptTokens: number;
  /** contextWindow − maxOutputTokens */
  available: number;
  fits: boolean;
  /** What trimming would give up (empty when it fits). */
  wouldTrim: TrimmedPart[];
  /** True when even the fully trimmed prompt is too long. */
  tooLongEvenTrimmed: boolean;
  /** A warning for people, or null when it fits. */
  warning: string | null;
}

/**
 * Checks each role's worst-case prompt against its model's context window, less the tokens
 * kept for the answer, and says what would be trimmed (in `TRIM_ORDER`) to make it fit.
 *
 * @example
 * for (const check of checkContextBudget(prompts)) if (check.warning) notices.push(check.warning);
 */
export function checkContextBudget(prompts: readonly RolePrompt[]): ContextCheck[] {
  return prompts.map((prompt) => {
    const available = Math.max(0, prompt.contextWindow - prompt.maxOutputTokens);
    const promptTokens = prompt.parts.reduce((sum, part) => sum + estimateTokens(part.text), 0);
    const base = {
      role: prompt.role,
      modelId: prompt.modelId,
      contextWindow: prompt.contextWindow,
      promptTokens,
      available,
    };
    if (promptTokens <= available)
      return { ...base, fits: true, wouldTrim: [], tooLongEvenTrimmed: false, warning: null };
    const trim = trimPromptParts(prompt.parts, available);
    const kinds = [...new Set(trim.trimmed.map((part) => part.kind))].join(', ');
    const what = `${prompt.role}: the worst-case prompt (~${promptTokens} tokens)`;
    const window = `${prompt.modelId}'s ${prompt.contextWindow}-token window`;
    const warning = trim.fits
      ? `${what} exceeds the ${available} tokens that ${window} leaves after ${prompt.maxOutputTokens} for the answer; ` +
        `rounds that reach it will trim ${trim.trimmed.length} parts (${kinds}), in the order ${TRIM_ORDER.join(' → ')}, and say so in the step's node.json.`
      : `${what} cannot fit ${window} even with every trimmable part removed (~${trim.tokens} tokens left); ` +
        'lower pipeline.sample_n or max_code_length, or set a larger context_window.';
    return { ...base, fits: false, wouldTrim: trim.trimmed, tooLongEvenTrimmed: !trim.fits, warning };
  });
}

/** What `fitDesignContext` may shorten: the sampled nodes (parent first) and the cognition items. */
export interface FittableContext {
  parent: NodeRecord | null;
  context: NodeRecord[];
  cognition: CognitionItem[];
}

export interface FitResult<T> {
  value: T;
  /** What was trimmed, one entry per part, in the order it was given up. */
  trimmed: TrimmedPart[];
  tokens: number;
  fits: boolean;
}

/**
 * Shortens a round's design context, in `TRIM_ORDER`, until `measure` (the estimated tokens
 * of the prompt it renders) is at most `maxPromptTokens`. The parent and the task are never
 * touched; trimmed programs and analyses are replaced by a note, trimmed results keep only
 * `eval_score`, trimmed cognition items are dropped. Returns a copy; the input is unchanged.
 *
 * @example
 * const fitted = fitDesignContext(designContext, {
 *   maxPromptTokens: model.contextWindow - maxTokens,
 *   measure: (value) => estimateTokens(templates.researcherDiff.render(researcherVariables(value, true))),
 * });
 * if (fitted.trimmed.length) notes.contextTrim = describeTrimmed(fitted.trimmed);
 */
export function fitDesignContext<T extends FittableContext>(
  value: T,
  options: { maxPromptTokens: number; measure: (value: T) => number },
): FitResult<T> {
  let current: T = { ...value, context: value.context.map((node) => ({ ...node })), cognition: [...value.cognition] };
  let tokens = options.measure(current);
  const trimmed: TrimmedPart[] = [];
  const parentId = value.parent?.id;
  const others = (): number[] =>
    current.context
      .map((node, index) => (node.id === parentId ? -1 : index))
      .filter((index) => index >= 0)
      .reverse();

  const attempt = (kind: TrimKind, label: string, change: (draft: T) => void): void => {
    if (tokens <= options.maxPromptTokens) return;
    const draft: T = {
      ...current,
      context: current.context.map((node) => ({ ...node })),
      cognition: [...current.cognition],
    };
    change(draft);
    const next = options.measure(draft);
    if (next >= tokens) return;
    trimmed.push({ kind, label, tokens: tokens - next });
    current = draft;
    tokens = next;
  };

  for (const index of others()) {
    const node = current.context[index] as NodeRecord;
    attempt('context-code', `code of #${node.id}`, (draft) => {
      (draft.context[index] as NodeRecord).program = omissionNote(`code of #${node.id}`);
    });
  }
  for (const index of others()) {
    const node = current.context[index] as NodeRecord;
    attempt('context-results', `results of #${node.id}`, (draft) => {
      const score = node.results['eval_score'];
      (draft.context[index] as NodeRecord).results = score === undefined ? {} : { eval_score: score };
    });
  }
  for (const index of others()) {
    const node = current.context[index] as NodeRecord;
    attempt('context-analysis', `analysis of #${node.id}`, (draft) => {
      (draft.context[index] as NodeRecord).analysis = omissionNote(`analysis of #${node.id}`);
    });
  }
  for (let index = current.cognition.length - 1; index >= 0 && tokens > options.maxPromptTokens; index--) {
    const item = current.cognition[index] as CognitionItem;
    attempt('cognition', `cognition ${item.id}`, (draft) => {
      draft.cognition.splice(index, 1);
    });
  }
  return { value: current, trimmed, tokens, fits: tokens <= options.maxPromptTokens };
}

/** The shape of a designer that `withContextFit` wraps (the loop's `Designer`). */
export interface FittableDesigner<C extends FittableContext, P extends { notes: JsonObject }> {
  readonly name: string;
  design(context: C): Promise<P>;
}

/**
 * Wraps a designer so that each round's context is trimmed (see `fitDesignContext`) until the
 * prompt that `render` makes of it fits `maxPromptTokens`; what was trimmed is stated in the
 * proposal's notes as `contextTrim`, which the node's metadata (node.json beside the step) keeps.
 *
 * @example
 * designer = withContextFit(designer, {
 *   maxPromptTokens: researcherModel.contextWindow - config.api.max_tokens,
 *   render: (context) => {
 *     const diff = context.diffMode && context.parent !== null;
 *     return (diff ? templates.researcherDiff : templates.researcher).render(researcherVariables(context, diff));
 *   },
 * });
 */
export function withContextFit<C extends FittableContext, P extends { notes: JsonObject }>(
  designer: FittableDesigner<C, P>,
  options: { maxPromptTokens: number; render: (context: C) => string },
): FittableDesigner<C, P> {
  return {
    name: designer.name,
    async design(context) {
      const fitted = fitDesignContext(context, {
        maxPromptTokens: options.maxPromptTokens,
        measure: (value) => estimateTokens(options.render(value)),
      });
      const proposal = await designer.design(fitted.value);
      if (fitted.trimmed.length === 0) return proposal;
      const note = `${describeTrimmed(fitted.trimmed)}${fitted.fits ? '' : ' (still over the window)'}`;
      return { ...proposal, notes: { ...proposal.notes, contextTrim: note } };
    },
  };
}
