import { describe, expect, it } from 'vitest';
import { buildEvaluatorEnv, filterEvaluatorEnv, looksSecretName, looksSecretValue } from './env.js';

const parent = {
  PATH: '/opt/bin:/usr/bin',
  LANG: 'C.UTF-8',
  HOME: '/root',
  SHELL: '/bin/bash',
  OPENAI_API_KEY: 'sk-test-123456',
  ANTHROPIC_API_KEY: 'sk-ant-xyz',
  AWS_REGION: 'eu-west-1',
  HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz',
  HF_HOME: '/data/hf',
  CUDA_VISIBLE_DEVICES: '1',
  CUDA_HOME: '/usr/local/cuda',
  INNOCENT_LOOKING: 'sk-proj-abcdef',
  DATA_URL: 'https://user:hunter2@example.com/data',
};

describe('buildEvaluatorEnv', () => {
  it('keeps only the base set when nothing is allowed', () => {
    const env = buildEvaluatorEnv(parent, [], {});
    expect(env).toEqual({
      PATH: '/opt/bin:/usr/bin',
      LANG: 'C.UTF-8',
      CUDA_VISIBLE_DEVICES: '1',
      PYTHONUNBUFFERED: '1',
    });
  });

  it('never passes OPENAI_API_KEY, even when allowed by name or by prefix', () => {
    const env = buildEvaluatorEnv(
      parent,
      ['OPENAI_API_KEY', 'OPENAI_*', 'ANTHROPIC_API_KEY', 'HF_TOKEN', 'AWS_REGION'],
      {},
    );
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.HF_TOKEN).toBeUndefined();
    expect(env.AWS_REGION).toBeUndefined();
  });

  it('passes allowed names and prefixes, and does not copy HOME', () => {
    const env = buildEvaluatorEnv(parent, ['HF_HOME', 'CUDA_*', 'SHELL', 'NOT_SET'], {});
    expect(env.HF_HOME).toBe('/data/hf');
    expect(env.CUDA_HOME).toBe('/usr/local/cuda');
    expect(env.SHELL).toBe('/bin/bash');
    expect('NOT_SET' in env).toBe(false);
    expect(env.HOME).toBeUndefined();
  });

  it('refuses values that look like credentials whatever their name', () => {
    const report = filterEvaluatorEnv(parent, ['INNOCENT_LOOKING', 'DATA_URL'], {});
    expect(report.env.INNOCENT_LOOKING).toBeUndefined();
    expect(report.env.DATA_URL).toBeUndefined();
    expect(report.refused).toEqual(['DATA_URL', 'INNOCENT_LOOKING']);
  });

  it('lets extra pass a secret deliberately and override the base set', () => {
    const env = buildEvaluatorEnv(parent, [], {
      OPENAI_API_KEY: 'sk-deliberate',
      PATH: '/only',
      PYTHONUNBUFFERED: '0',
    });
    expect(env.OPENAI_API_KEY).toBe('sk-deliberate');
    expect(env.PATH).toBe('/only');
    expect(env.PYTHONUNBUFFERED).toBe('0');
  });

  it('falls back to a standard PATH when the parent has none', () => {
    expect(buildEvaluatorEnv({}, [], {}).PATH).toBe('/usr/local/bin:/usr/bin:/bin');
  });
});

describe('secret detection', () => {
  it.each([
    'OPENAI_API_KEY',
    'GITHUB_TOKEN',
    'DB_PASSWORD',
    'MY_SECRET',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'AWS_PROFILE',
    'SSH_AUTH_SOCK',
    'DATABASE_URL',
    'MYSQL_PWD',
    'SENTRY_DSN',
  ])('%s looks secret', (name) => expect(looksSecretName(name)).toBe(true));
  it.each(['PATH', 'HF_HOME', 'CUDA_VISIBLE_DEVICES', 'OMP_NUM_THREADS', 'GIT_AUTHOR_NAME', 'PWD'])(
    '%s does not',
    (name) => expect(looksSecretName(name)).toBe(false),
  );
  it('recognises common key formats in values', () => {
    expect(looksSecretValue('sk-ant-api03-xyz')).toBe(true);
    expect(looksSecretValue('AKIAABCDEFGHIJKLMNOP')).toBe(true);
    expect(looksSecretValue('/usr/local/cuda')).toBe(false);
  });
});
