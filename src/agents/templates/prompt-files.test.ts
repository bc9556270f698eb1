import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { loadDebugTemplate } from '../debug/index.js';
import { loadStaticCheckTemplate } from '../gates/static-check.js';
import { loadManagerTemplate } from '../manager/index.js';
import { DEFAULT_PROMPTS_DIR, readPromptSource } from './prompt-files.js';
import { loadTemplates } from './load.js';

let experimentDir: string;
beforeEach(() => {
  experimentDir = mkdtempSync(join(tmpdir(), 'asi-prompt-files-'));
});
afterEach(() => rmSync(experimentDir, { recursive: true, force: true }));

describe('the default prompts are files of the package', () => {
  it('ships one template file per agent, each one that every loader compiles', () => {
    const files = readdirSync(DEFAULT_PROMPTS_DIR).sort();
    expect(files).toEqual([
      'analyzer.jinja2',
      'debug.jinja2',
      'judge.jinja2',
      'manager.jinja2',
      'researcher.jinja2',
      'researcher_diff.jinja2',
      'static_check.jinja2',
    ]);
    const templates = loadTemplates(experimentDir);
    expect(templates.analyzer.source).toBe(readFileSync(join(DEFAULT_PROMPTS_DIR, 'analyzer.jinja2'), 'utf8'));
    expect(loadDebugTemplate(experimentDir).source).toContain('debug agent');
    expect(loadStaticCheckTemplate(experimentDir).source).toContain('static check agent');
    expect(loadManagerTemplate(experimentDir).source).toContain('manager');
  });

  it('a default copied into prompts/ and edited replaces it, for every agent', () => {
    mkdirSync(join(experimentDir, 'prompts'));
    for (const file of readdirSync(DEFAULT_PROMPTS_DIR)) {
      const text = readFileSync(join(DEFAULT_PROMPTS_DIR, file), 'utf8');
      writeFileSync(join(experimentDir, 'prompts', file), `${text}\n{# edited copy #}`);
    }
    expect(loadTemplates(experimentDir).researcher.source).toContain('{# edited copy #}');
    expect(loadDebugTemplate(experimentDir).source).toContain('{# edited copy #}');
    expect(loadStaticCheckTemplate(experimentDir).source).toContain('{# edited copy #}');
    expect(loadManagerTemplate(experimentDir).source).toContain('{# edited copy #}');
  });

  it('names the override that cannot be read', () => {
    mkdirSync(join(experimentDir, 'prompts', 'debug.jinja2'), { recursive: true });
    const error = thrownAsiError(() => readPromptSource(experimentDir, 'debug.jinja2'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(join(experimentDir, 'prompts', 'debug.jinja2'));
  });
});
