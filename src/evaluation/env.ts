/**
 * The evaluator's environment is an allow-list: a candidate is untrusted code and must never
 * see an API key or any other secret of the parent process (docs/architecture.md, “Running candidates safely”).
 */

/**
 * Passed through from the parent when set:
 * - PATH (so the evaluator finds python3, node, …; a standard PATH when the parent has none),
 * - LANG, LC_ALL, LC_CTYPE, TZ (text encoding and time zone of the output),
 * - CUDA_VISIBLE_DEVICES (it narrows which GPUs a child may use; dropping it would widen that).
 *
 * Set by us: PYTHONUNBUFFERED=1, so that a Python evaluator killed at its time limit still
 * leaves its last lines in the captured output.
 *
 * HOME and TMPDIR are not copied from the parent: when the environment does not set them, the
 * sandbox points HOME to the step folder, and TMPDIR to its own /tmp under bubblewrap, else
 * into the step folder (see `runSandboxed`).
 */
export const baseEnvNames: readonly string[] = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'CUDA_VISIBLE_DEVICES'];

const defaultPath = '/usr/local/bin:/usr/bin:/bin';

const secretNamePatterns: readonly RegExp[] = [
  /KEY/i,
  /TOKEN/i,
  /SECRET/i,
  /PASSWORD|PASSWD|PASSPHRASE|_PWD$/i,
  /CREDENTIAL/i,
  /PRIVATE/i,
  /AUTH(?!OR)/i,
  /COOKIE|SESSION/i,
  /(^|_)DSN$/i,
  /^(AWS|OPENAI|ANTHROPIC|AZURE|GOOGLE|GCP|GITHUB|GH|GITLAB|DEEPSEEK|OPENROUTER|GROQ|MISTRAL|COHERE|TOGETHER|GEMINI|NPM_CONFIG|DOCKER|KUBE|VAULT|SSH|GPG)_/i,
  /(DATABASE|DB|REDIS|MONGO|POSTGRES|MYSQL|AMQP|RABBIT).*_(URL|URI)$/i,
];

const secretValuePatterns: readonly RegExp[] = [
  /^(sk-|sk_live_|rk_live_|pk_live_|ghp_|gho_|ghs_|ghu_|github_pat_|glpat-|xox[abpr]-|AIza|hf_[A-Za-z0-9]{20,})/,
  /^AKIA[0-9A-Z]{16}$/,
  /^(Bearer|Basic) /i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
];

/** True when a variable's name looks like it holds a secret (`*KEY*`, `*TOKEN*`, `AWS_*`, `OPENAI_*`…). */
export function looksSecretName(name: string): boolean {
  return secretNamePatterns.some((pattern) => pattern.test(name));
}

/** True when a value looks like a credential whatever its name (`sk-…`, `ghp_…`, `user:pass@` in a URL…). */
export function looksSecretValue(value: string): boolean {
  return secretValuePatterns.some((pattern) => pattern.test(value));
}

/** What the allow-list kept and what it refused, so a caller can tell the user. */
export interface EvaluatorEnvReport {
  env: Record<string, string>;
  /** Names that were allowed (or in the base set) but refused because they look secret. */
  refused: string[];
}

function matchesAllowEntry(name: string, entry: string): boolean {
  return entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry;
}

/**
 * Like {@link buildEvaluatorEnv}, and also lists the names it refused as secret-looking.
 */
export function filterEvaluatorEnv(
  parentEnv: NodeJS.ProcessEnv,
  allow: readonly string[],
  extra: Readonly<Record<string, string>>,
): EvaluatorEnvReport {
  const env: Record<string, string> = {};
  const refused: string[] = [];
  const entries = [...baseEnvNames, ...allow].filter((entry) => entry.length > 0 && !entry.includes('='));
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value === undefined || !entries.some((entry) => matchesAllowEntry(name, entry))) continue;
    if (looksSecretName(name) || looksSecretValue(value)) {
      refused.push(name);
      continue;
    }
    env[name] = value;
  }
  env.PATH ??= defaultPath;
  env.PYTHONUNBUFFERED = '1';
  Object.assign(env, extra);
  return { env, refused: refused.sort() };
}

/**
 * Builds the complete environment of an evaluator from an allow-list.
 *
 * The result holds the base set ({@link baseEnvNames}, plus PYTHONUNBUFFERED=1), then the
 * parent's variables named in `allow` (an entry ending in `*` allows a prefix, e.g. `CUDA_*`),
 * then `extra`, which wins over both.
 *
 * A variable whose name looks secret (`*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`,
 * `*CREDENTIAL*`, `AWS_*`, `OPENAI_*`, `ANTHROPIC_*`, …) or whose value looks like a credential
 * is refused even when `allow` names it. To give an evaluator a secret on purpose, pass it in
 * `extra`: that is the only way in, so it is always a deliberate choice of the caller.
 *
 * @example
 * const env = buildEvaluatorEnv(process.env, ['CUDA_*', 'HF_HOME'], { SEED: '42' });
 * // env.OPENAI_API_KEY is undefined, even with `allow: ['OPENAI_API_KEY']`
 */
export function buildEvaluatorEnv(
  parentEnv: NodeJS.ProcessEnv,
  allow: readonly string[],
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return filterEvaluatorEnv(parentEnv, allow, extra).env;
}
