import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { stepOfFolderName, type LlmCallRecord } from '../../domain/index.js';

/** One recorded attempt of an LLM call, as a replay serves it: the stored call without its bookkeeping. */
export type RecordedCall = Pick<
  LlmCallRecord,
  'role' | 'provider' | 'modelId' | 'request' | 'responseText' | 'usage' | 'error'
>;

const databaseName = 'asi-evolve.db';

function readStepsFolder(stepsDir: string): RecordedCall[] {
  const steps = readdirSync(stepsDir)
    .filter((name) => stepOfFolderName(name) !== null)
    .sort((first, second) => (stepOfFolderName(first) ?? 0) - (stepOfFolderName(second) ?? 0));
  const calls: RecordedCall[] = [];
  for (const step of steps) {
    const llmDir = join(stepsDir, step, 'llm');
    if (!existsSync(llmDir)) continue;
    for (const file of readdirSync(llmDir)
      .filter((name) => name.endsWith('.json'))
      .sort()) {
      const path = join(llmDir, file);
      let record: Partial<RecordedCall>;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as Partial<RecordedCall>;
      } catch (error) {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          `replay: ${path} is not a JSON transcript: ${(error as Error).message}`,
          { file: path, cause: error },
        );
      }
      if (
        typeof record.role !== 'string' ||
        typeof record.responseText !== 'string' ||
        typeof record.request !== 'object' ||
        record.request === null
      ) {
        throw new AsiEvolveError('CONFIG_INVALID', `replay: ${path} lacks role, request or responseText`, {
          file: path,
        });
      }
      calls.push({
        role: record.role,
        provider: record.provider ?? 'unknown',
        modelId: record.modelId ?? 'unknown',
        request: record.request,
        responseText: record.responseText,
        usage: {
          inputTokens: record.usage?.inputTokens ?? undefined,
          cachedInputTokens: record.usage?.cachedInputTokens ?? undefined,
          outputTokens: record.usage?.outputTokens ?? undefined,
        },
        error: record.error ?? null,
      });
    }
  }
  return calls;
}

function readDatabase(path: string): RecordedCall[] {
  const store = openStore(path, { readonly: true });
  try {
    return store.listLlmCalls().map((call) => ({
      role: call.role,
      provider: call.provider,
      modelId: call.modelId,
      request: call.request,
      responseText: call.responseText,
      usage: call.usage,
      error: call.error,
    }));
  } finally {
    store.close();
  }
}

/**
 * Reads the LLM calls recorded by an earlier run, in the order they were made: from an
 * experiment folder or its `asi-evolve.db` (every call, in storage order), or from a `steps`
 * folder of transcripts (`step_N/llm/NN-role.json`, by step then file). `key` names the
 * config key in errors.
 *
 * @example const calls = readRecordedCalls('/runs/circle-packing-2026-01-05', 'api.transcript');
 */
export function readRecordedCalls(path: string, key: string): RecordedCall[] {
  if (!existsSync(path)) {
    throw new AsiEvolveError('CONFIG_INVALID', `replay: the transcript ${path} does not exist (${key})`, {
      file: path,
      key,
      hint: 'Name an earlier experiment folder, its asi-evolve.db, or its steps folder.',
    });
  }
  if (statSync(path).isFile()) return readDatabase(path);
  if (existsSync(join(path, databaseName))) return readDatabase(join(path, databaseName));
  if (readdirSync(path).some((name) => stepOfFolderName(name) !== null)) return readStepsFolder(path);
  if (existsSync(join(path, 'steps'))) return readStepsFolder(join(path, 'steps'));
  throw new AsiEvolveError(
    'CONFIG_INVALID',
    `replay: ${path} holds no ${databaseName} and no step_N folders (${key})`,
    { file: path, key },
  );
}
