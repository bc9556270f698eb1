import { LlmCallError } from '../errors.js';
import type { LanguageModel } from '../model.js';
import { timerDelayMs } from './sleep.js';

export interface DeadlineOptions {
  /** Milliseconds one call may take. */
  timeoutMs: number;
}

/**
 * Wraps a model so that no call outlives `timeoutMs`. The call's signal is aborted at the
 * deadline, and the call rejects then with a retryable `LlmCallError` (reason `timeout`)
 * even when the provider ignores its signal; a caller's abort rejects it at once too.
 *
 * @example
 * const model = withDeadline(base, { timeoutMs: 300_000 });
 */
export function withDeadline(model: LanguageModel, options: DeadlineOptions): LanguageModel {
  if (!(options.timeoutMs > 0)) {
    throw new TypeError(`Expected \`timeoutMs\` to be a positive number, got ${options.timeoutMs}`);
  }
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    generate(generateOptions) {
      const callerSignal = generateOptions.abortSignal;
      if (callerSignal?.aborted) return Promise.reject(callerSignal.reason);
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      let onCallerAbort: (() => void) | undefined;

      const stopped = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          const error = new LlmCallError(
            `${model.provider} (${model.modelId}) gave no answer within ${options.timeoutMs} ms`,
            { reason: 'timeout', isRetryable: true, provider: model.provider, modelId: model.modelId },
          );
          reject(error);
          controller.abort(error);
        }, timerDelayMs(options.timeoutMs));
        if (callerSignal) {
          onCallerAbort = () => {
            reject(callerSignal.reason);
            controller.abort(callerSignal.reason);
          };
          callerSignal.addEventListener('abort', onCallerAbort, { once: true });
        }
      });

      let call: Promise<Awaited<ReturnType<LanguageModel['generate']>>>;
      try {
        call = model.generate({ ...generateOptions, abortSignal: controller.signal });
      } catch (error) {
        call = Promise.reject(error);
      }
      // The loser of the race may reject later; nobody awaits it.
      call.catch(() => undefined);
      stopped.catch(() => undefined);

      return Promise.race([call, stopped]).finally(() => {
        clearTimeout(timer);
        if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
      });
    },
  };
}
