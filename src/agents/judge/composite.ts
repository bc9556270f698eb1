import { blendScores } from './judge.js';

/** `pipeline.judge`: how the judge's 0–100 score is combined with the evaluator's score. */
export interface JudgeCombination {
  mode: 'blend' | 'composite';
  /** Weight r of the judge. */
  ratio: number;
  /** Composite mode: the evaluator score that maps to 0.5. */
  center: number;
  /** Composite mode: a positive scale of evaluator scores. */
  scale: number;
}

/** The logistic function 1 / (1 + e^(−x)), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const exponential = Math.exp(x);
  return exponential / (1 + exponential);
}

/**
 * The paper's composite fitness: the quantitative score normalised by a sigmoid, combined with
 * the judge's score on the same 0–1 scale:
 *
 *   score = (1 − r) · σ((eval − center) / scale) + r · judge / 100,   σ(x) = 1 / (1 + e^(−x))
 *
 * It lies in 0–1 whatever the evaluator's scale, so `ratio` means the same in every experiment.
 * Choose `center` near the scores you expect (e.g. the seed's) and `scale` near the differences
 * that matter: σ is steepest at `center`, and scores many `scale`s away saturate at 0 or 1.
 *
 * @example compositeScore(2.6, 80, { ratio: 0.2, center: 2.5, scale: 0.1 }) // 0.8·σ(1) + 0.2·0.8 ≈ 0.745
 */
export function compositeScore(
  evalScore: number,
  judgeScore: number,
  settings: { ratio: number; center: number; scale: number },
): number {
  const normalised = sigmoid((evalScore - settings.center) / settings.scale);
  return (1 - settings.ratio) * normalised + settings.ratio * (judgeScore / 100);
}

/**
 * The node's score from the evaluator's and the judge's: `blend` is the reference formula
 * `(1 − r)·eval + r·judge` ({@link blendScores}); `composite` is {@link compositeScore}.
 *
 * @example combineJudgeScore(2.6, 80, config.pipeline.judge)
 */
export function combineJudgeScore(evalScore: number, judgeScore: number, settings: JudgeCombination): number {
  return settings.mode === 'composite'
    ? compositeScore(evalScore, judgeScore, settings)
    : blendScores(evalScore, judgeScore, settings.ratio);
}
