import type { Random } from '../random.js';
import type { LanguageModel } from './model.js';

/** One member of an ensemble and its weight (any positive number; weights need not sum to 1). */
export interface EnsembleMember {
  model: LanguageModel;
  weight: number;
}

/** An ensemble is itself a model, with its members visible. */
export interface EnsembleModel extends LanguageModel {
  readonly members: readonly EnsembleMember[];
}

/**
 * A model that hands each call to one of its members, chosen with probability proportional
 * to its weight by the run's seeded `random` (so a run's choices repeat under the same seed
 * when calls come in the same order). The context window is the smallest of the members'.
 *
 * @example
 * const researcher = createEnsemble([{ model: gpt, weight: 3 }, { model: claude, weight: 1 }], random.fork('ensemble:researcher'));
 */
export function createEnsemble(members: readonly EnsembleMember[], random: Random): EnsembleModel {
  if (members.length === 0) throw new TypeError('Expected `members` to hold at least one model');
  for (const member of members) {
    if (!(member.weight > 0) || !Number.isFinite(member.weight)) {
      throw new TypeError(`Expected each member's \`weight\` to be a positive number, got ${member.weight}`);
    }
  }
  const total = members.reduce((sum, member) => sum + member.weight, 0);
  const windows = members
    .map((member) => member.model.contextWindow)
    .filter((window): window is number => window !== undefined);
  const pick = (): LanguageModel => {
    let threshold = random.next() * total;
    for (const member of members) {
      threshold -= member.weight;
      if (threshold < 0) return member.model;
    }
    return (members[members.length - 1] as EnsembleMember).model;
  };
  return {
    provider: 'ensemble',
    modelId: `ensemble(${members.map((member) => `${member.model.modelId}×${member.weight}`).join(', ')})`,
    contextWindow: windows.length > 0 ? Math.min(...windows) : undefined,
    members,
    generate: (options) => pick().generate(options),
  };
}
