import { z } from 'zod';
import type { Objective, ObjectiveSettings } from '../domain/index.js';

/** The spellings a direction may take; British spellings and the short forms read the same. */
const directions = {
  maximize: 'maximize',
  maximise: 'maximize',
  max: 'maximize',
  minimize: 'minimize',
  minimise: 'minimize',
  min: 'minimize',
} as const;

const directionSchema = z
  .string()
  .transform((value, context) => {
    const direction = directions[value.trim().toLowerCase() as keyof typeof directions];
    if (direction === undefined) {
      context.addIssue({
        code: 'custom',
        message: `unknown direction '${value}' (use maximize or minimize; maximise and minimise also work)`,
      });
      return z.NEVER;
    }
    return direction;
  })
  .meta({ enum: Object.keys(directions) });

/** JSON.parse keeps a `__proto__` key, but copying it into an object sets the prototype instead: never a metric. */
const unusableKey = "'__proto__' cannot name a results.json metric: it is dropped when results are read";

const objectiveSchema = z
  .strictObject({
    /** A numeric key of results.json (or `<key>.<name>` inside an object named by `instances`). */
    name: z
      .string()
      .trim()
      .min(1, 'an objective needs the results.json key it reads')
      .refine((name) => name !== '__proto__', unusableKey),
    direction: directionSchema,
    /** Smallest acceptable value: below it a node is out of bounds (see `out_of_bounds`). */
    min: z.number().optional(),
    /** Largest acceptable value. */
    max: z.number().optional(),
  })
  .superRefine((objective, context) => {
    if (objective.min !== undefined && objective.max !== undefined && objective.min > objective.max) {
      context.addIssue({
        code: 'custom',
        path: ['max'],
        message: `max (${objective.max}) is below min (${objective.min})`,
      });
    }
  });

/**
 * Several objectives (docs/architecture.md, Several objectives). Empty `metrics` and no
 * `instances` is the default: one score, `eval_score`, exactly as without this section.
 */
export const objectivesSchema = z
  .strictObject({
    /** The objectives, each a metric of results.json with its direction and optional bounds. */
    metrics: z.array(objectiveSchema).default([]),
    /** A node outside a bound: `infeasible` (ranked after every feasible node, by how far out) or `dominated` (dominated by every feasible node, compared with the others on the objectives). */
    out_of_bounds: z.enum(['infeasible', 'dominated']).default('infeasible'),
    /** A results.json key holding an object of instance → score (higher is better): a node best on any instance stays on the front. */
    instances: z
      .string()
      .trim()
      .min(1)
      .refine((name) => name !== '__proto__', unusableKey)
      .nullable()
      .default(null),
  })
  .superRefine((section, context) => {
    const seen = new Set<string>();
    section.metrics.forEach((objective, index) => {
      if (seen.has(objective.name)) {
        context.addIssue({
          code: 'custom',
          path: ['metrics', index, 'name'],
          message: `objective '${objective.name}' is listed twice`,
        });
      }
      seen.add(objective.name);
    });
  })
  .prefault({});

/** The evaluator's primary score, the objective when only per-instance scores are configured. */
const primaryScore: Objective = { name: 'eval_score', direction: 'maximize' };

/**
 * The experiment's objectives as the domain ranks them, or null when none are configured (the
 * single-score experiment of old). Per-instance scores alone rank on `eval_score` besides.
 */
export function objectiveSettings(section: z.infer<typeof objectivesSchema>): ObjectiveSettings | null {
  if (section.metrics.length === 0 && section.instances === null) return null;
  const objectives: Objective[] = section.metrics.map(({ name, direction, min, max }) => ({
    name,
    direction,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  }));
  return {
    objectives: objectives.length > 0 ? objectives : [primaryScore],
    outOfBounds: section.out_of_bounds,
    ...(section.instances === null ? {} : { instances: section.instances }),
  };
}
