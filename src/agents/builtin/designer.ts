import { AsiEvolveError } from '../../errors.js';
import { isFileSetProgram, type NodeRecord } from '../../domain/index.js';
import type { DesignContext, Designer, Proposal } from '../types.js';
import { crossoverPrograms } from './crossover.js';
import { perturbProgram, type LiteralChange } from './perturb.js';

const label = 'built-in no-model operator (not an LLM)';
const maxListed = 10;

/**
 * A program as the operators see it. A multi-file bundle has its marker lines replaced by one
 * line without digits, so that no operator changes a number in a file's path, and two bundles
 * of the same files have the same shape; `unmask` puts the parent's markers back and `where`
 * turns a bundle line into `path line N`.
 */
interface Masked {
  text: string;
  unmask(text: string): string;
  where(line: number): string;
}

const maskLine = '@@@ asi-evolve file @@@';
const markerPattern = /^@@@ asi-evolve file: (.+) @@@$/;

function mask(program: string): Masked {
  if (!isFileSetProgram(program) || program.split('\n').includes(maskLine))
    return { text: program, unmask: (text) => text, where: (line) => `line ${line}` };
  const lines = program.split('\n');
  const markers: Array<{ index: number; line: string; path: string }> = [];
  lines.forEach((line, index) => {
    const marker = markerPattern.exec(line);
    if (marker !== null) markers.push({ index, line, path: marker[1] ?? '' });
  });
  const text = lines
    .map((line, index) => (markers.some((marker) => marker.index === index) ? maskLine : line))
    .join('\n');
  return {
    text,
    unmask(changed) {
      let next = 0;
      return changed
        .split('\n')
        .map((line) => (line === maskLine ? (markers[next++]?.line ?? line) : line))
        .join('\n');
    },
    where(line) {
      const marker = markers.filter((candidate) => candidate.index < line - 1).pop();
      return marker === undefined ? `line ${line}` : `${marker.path} line ${line - 1 - marker.index}`;
    },
  };
}

function listChanges(changes: readonly LiteralChange[], where: (line: number) => string): string {
  const listed = changes
    .slice(0, maxListed)
    .map((change) => `${where(change.line)} ${change.before} → ${change.after}`);
  const more = changes.length > maxListed ? `, and ${changes.length - maxListed} more` : '';
  return `${listed.join(', ')}${more}`;
}

function changeNotes(
  changes: readonly LiteralChange[],
  where: (line: number) => string,
): Array<{ line: number; before: string; after: string; at?: string }> {
  return changes.map((change) => {
    const at = where(change.line);
    return {
      line: change.line,
      before: change.before,
      after: change.after,
      ...(at === `line ${change.line}` ? {} : { at }),
    };
  });
}

function tryCrossover(context: DesignContext, parent: NodeRecord): Proposal | null {
  const partners = context.context.filter((node) => node.success && node.id !== parent.id && node.program !== '');
  // A shuffled order keeps the choice of partner fair and seeded.
  for (let remaining = partners.length; remaining > 0; remaining--) {
    const partner = partners.splice(context.random.int(remaining), 1)[0];
    if (partner === undefined) continue;
    const masked = mask(parent.program);
    if (isFileSetProgram(parent.program) !== isFileSetProgram(partner.program)) continue;
    const mixed = crossoverPrograms(masked.text, mask(partner.program).text, context.random);
    if (mixed === null) continue;
    const count = mixed.changes.length;
    return {
      name: `crossover-${context.step}`,
      motivation: `crossover of #${parent.id} and #${partner.id} (same program, different constants): took ${count} of ${mixed.differing} differing constants from #${partner.id}: ${listChanges(mixed.changes, masked.where)}`,
      program: masked.unmask(mixed.program),
      provenance: 'experience',
      operator: 'builtin:crossover',
      notes: {
        builtin: label,
        parents: [parent.id, partner.id],
        differing: mixed.differing,
        changes: changeNotes(mixed.changes, masked.where),
      },
    };
  }
  return null;
}

function perturb(context: DesignContext, parent: NodeRecord): Proposal | null {
  const masked = mask(parent.program);
  const perturbed = perturbProgram(masked.text, context.random);
  if (perturbed === null) return null;
  const count = perturbed.changes.length;
  return {
    name: `perturb-${context.step}`,
    motivation: `perturbed ${count} constant${count === 1 ? '' : 's'} of #${parent.id}: ${listChanges(perturbed.changes, masked.where)}`,
    program: masked.unmask(perturbed.program),
    provenance: 'experience',
    operator: 'builtin:perturb',
    notes: {
      builtin: label,
      parents: [parent.id],
      sigma: perturbed.sigma,
      changes: changeNotes(perturbed.changes, masked.where),
    },
  };
}

/**
 * THE BUILT-IN NO-MODEL OPERATOR: not an LLM. It lets a run work end to end without any model:
 * it perturbs 1 to 3 numeric constants of the parent (builtin:perturb) or, when another
 * successful context node has the same program with different constants, recombines the two
 * (builtin:crossover, chosen half of the time it is possible). Only constants inside EVOLVE
 * blocks are touched when the program has them. Deterministic under `context.random`.
 * @throws AsiEvolveError USAGE when there is no parent (no initial program, or none that succeeded)
 * @throws AsiEvolveError USAGE when the parent has no numeric constant to change
 * @example const designer = createBuiltinDesigner(); const proposal = await designer.design(context);
 */
export function createBuiltinDesigner(): Designer {
  return {
    name: 'builtin',
    async design(context) {
      const parent = context.parent;
      if (parent === null) {
        // Which of the two causes it is, the loop knows (it stops at a failed seed unless told not to); both are named.
        throw new AsiEvolveError(
          'USAGE',
          'the built-in no-model operator has no parent program to change: the experiment has no initial program, or no stored program has succeeded (a failed one is a parent only with database.sampling.allow_failed_parents: true)',
          {
            hint: 'add an initial_program file that the evaluator accepts, or configure a model (api.model) so the Researcher can write the first program',
          },
        );
      }
      const crossoverFirst = parent.success && context.random.next() < 0.5;
      const proposal =
        (crossoverFirst ? tryCrossover(context, parent) : null) ??
        perturb(context, parent) ??
        (crossoverFirst || !parent.success ? null : tryCrossover(context, parent));
      if (proposal !== null) return proposal;
      throw new AsiEvolveError(
        'USAGE',
        `the built-in no-model operator found no numeric constant to change in node #${parent.id}`,
        {
          hint: 'the built-in operator only tunes numeric constants (inside EVOLVE blocks when the program has them): give the program tunable constants, or configure a model (api.model)',
        },
      );
    },
  };
}
