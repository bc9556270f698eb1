import { AsiEvolveError } from '../errors.js';

/**
 * An answer of a model that does not follow the response format (missing tags, no usable
 * SEARCH/REPLACE block, a non-numeric score). `missing` names what was missing or invalid.
 */
export class ResponseFormatError extends AsiEvolveError {
  readonly missing: string[];

  constructor(message: string, missing: string[]) {
    super('LLM_RESPONSE_INVALID', message);
    this.name = 'ResponseFormatError';
    this.missing = missing;
  }
}

/** The Researcher gave up: every attempt's answer was unusable. `problems` lists each attempt's problem. */
export class ResearcherError extends AsiEvolveError {
  readonly problems: string[];
  readonly lastAnswer: string;

  constructor(message: string, problems: string[], lastAnswer: string) {
    super('LLM_RESPONSE_INVALID', message, {
      hint: 'the model did not follow the response format: raise pipeline.max_retries.researcher or adjust prompts/researcher.jinja2',
    });
    this.name = 'ResearcherError';
    this.problems = problems;
    this.lastAnswer = lastAnswer;
  }
}

/** The judge never gave a numeric `<score>`. */
export class JudgeError extends AsiEvolveError {
  readonly problems: string[];

  constructor(message: string, problems: string[]) {
    super('LLM_RESPONSE_INVALID', message, { hint: 'adjust prompts/judge.jinja2 or raise the judge retries' });
    this.name = 'JudgeError';
    this.problems = problems;
  }
}
