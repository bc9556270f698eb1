/**
 * Our default prompts, in Jinja2 syntax (rendered with nunjucks). They live here as strings so
 * the build needs no file copy; an experiment's `prompts/<file>` replaces each one.
 * The variables each template receives are listed in `TEMPLATE_VARIABLES` (variable-docs.ts).
 */

const fence = '```';

const researcherHeader = `{#-
  researcher.jinja2: the Researcher's prompt, full-rewrite mode (the default of asi-evolve).
  Variables: task, step, parent {id, name, motivation, program, score, success, error, analysis,
  results, results_json, operator} (none on the first round), context (list of nodes like parent,
  parent first), best (the best-scored context node), cognition (list of {id, title, content,
  source}), max_code_length, diff_mode.
  Expected answer: <name>, <motivation>, optional <provenance>, <code>.
-#}`;

const researcherDiffHeader = `{#-
  researcher_diff.jinja2: the Researcher's prompt, diff mode (SEARCH/REPLACE edits of parent.program).
  Variables: as researcher.jinja2; parent is always set here.
  Expected answer: <name>, <motivation>, optional <provenance>, then SEARCH/REPLACE blocks.
-#}`;

const introduction = `You are the Researcher of an automated research loop. Each round you design one new candidate program. The evaluator runs it and gives it a score (higher is better); your candidate is judged by that score alone, so aim to beat the best candidate so far. This is round {{ step }}.

## Task

{{ task }}
`;

const contextSection = `{% if context | length %}
## Previous candidates

These candidates were sampled from the experiment database for this round{% if parent %}; the first one, #{{ parent.id }}, is the one you build on{% endif %}. Their analyses say what worked, what failed and why: use them.
{% for node in context %}
### Candidate #{{ node.id }}: {{ node.name }} ({% if node.success %}score {{ node.score }}{% else %}FAILED{% if node.error %}: {{ node.error }}{% endif %}{% endif %})

Motivation: {{ node.motivation }}
{% if node.analysis %}
Analysis:
{{ node.analysis }}
{% endif %}
Results: {{ node.results_json }}
{% if diff_mode and parent and node.id == parent.id %}
(Its program is shown below, under "The program to edit".)
{% else %}
${fence}
{{ node.program | rstrip }}
${fence}
{% endif %}
{%- endfor %}
{%- if best and best.score is not none %}
The best score among these candidates is {{ best.score }} (#{{ best.id }}).
{% endif %}
{%- else %}
There are no previous candidates yet: write a first, working program from the task description.
{% endif %}`;

const cognitionSection = `{% if cognition | length %}
## Relevant knowledge

Heuristics, pitfalls and principles retrieved for this round. Use them where they apply; cite the ones you use in your motivation.
{% for item in cognition %}
- [{{ item.id }}] {{ item.title }}{% if item.source %} (source: {{ item.source }}){% endif %}
  {{ item.content | indent(2) }}
{%- endfor %}
{% endif %}`;

/** The candidate shown to a reviewer (judge, static check): variables name, motivation, program. */
export const candidateSection = `## Candidate{% if name %}: {{ name }}{% endif %}
{% if motivation %}
Motivation: {{ motivation }}
{% endif %}
${fence}
{{ program | rstrip }}
${fence}
`;

const provenanceLine = `<provenance>cognition, experience or novel: whether the idea came mainly from the knowledge above, from the previous candidates, or is new</provenance>`;

/** Full-rewrite prompt. */
export const DEFAULT_RESEARCHER_TEMPLATE = `${researcherHeader}
${introduction}${contextSection}${cognitionSection}
## What to do

1. Read the task, the previous candidates with their scores and analyses{% if cognition | length %}, and the knowledge items{% endif %}.
2. Decide on one clear idea that should raise the score. Prefer an idea you can justify from the evidence; avoid repeating what already failed.
3. Write the complete new program. It must run as it is: keep every function name, signature, input and output the evaluator relies on. It must be at most {{ max_code_length }} characters long.
4. If the program contains EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers, change only the code between them and copy everything outside them exactly.

## Response format

Answer with these tags, in this order, and write nothing after </code>:

<name>a short name for the idea, a few words</name>
<motivation>what you changed, and why you expect it to raise the score (cite the evidence or knowledge that led to it)</motivation>
${provenanceLine}
<code>
the complete program: not a fragment, not a diff
</code>
`;

/** Diff-mode prompt: SEARCH/REPLACE edits of the parent's program. */
export const DEFAULT_RESEARCHER_DIFF_TEMPLATE = `${researcherDiffHeader}
${introduction}${contextSection}${cognitionSection}
## The program to edit

This is candidate #{{ parent.id }} ({{ parent.name }}{% if parent.score is not none %}, score {{ parent.score }}{% endif %}). Your edits apply to exactly this text:

${fence}
{{ parent.program | rstrip }}
${fence}

## What to do

1. Read the task, the previous candidates with their scores and analyses{% if cognition | length %}, and the knowledge items{% endif %}.
2. Decide on one clear idea that should raise the score. Prefer an idea you can justify from the evidence; avoid repeating what already failed.
3. Express it as edits of the program above. The edited program must run as it is and be at most {{ max_code_length }} characters long.
4. If the program contains EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers, edit only the code between them.

## Response format

Answer with these tags, in this order:

<name>a short name for the idea, a few words</name>
<motivation>what you changed, and why you expect it to raise the score (cite the evidence or knowledge that led to it)</motivation>
${provenanceLine}

then one or more edit blocks, each exactly like this:

<<<<<<< SEARCH
lines copied exactly from the program above
=======
the lines that replace them
>>>>>>> REPLACE

Rules for edit blocks:
- The SEARCH part must match the program character for character (same indentation, same spaces) and occur exactly once: include enough lines to make it unique.
- Blocks apply in order, each to the result of the previous ones. Keep each block small; use several blocks for changes in several places.
- To delete lines, leave the part after ======= empty. To add lines, SEARCH for the line before them and repeat it in the replacement.
`;

/** Analyzer prompt. */
export const DEFAULT_ANALYZER_TEMPLATE = `{#-
  analyzer.jinja2: the Analyzer's prompt.
  Variables: task, step, name, motivation, program, success, score, results (object; prints as
  JSON), results_json, error, logs (already trimmed to the budget), logs_trimmed_chars, parent
  {id, name, motivation, score, analysis, results, ...} or none, best (the best sampled node) or none.
  Expected answer: <analysis>.
-#}
You are the Analyzer of an automated research loop. A candidate program was just evaluated. Write a compact, decision-oriented report: it is stored with the candidate and shown to the Researcher in later rounds, so it must say what was learnt and what to do next.

## Task

{{ task }}

## The candidate (round {{ step }}): {{ name }}

Motivation: {{ motivation }}

${fence}
{{ program | rstrip }}
${fence}

## Outcome

{% if success %}The evaluation succeeded{% if score is not none %} with score {{ score }} (higher is better){% endif %}.{% else %}The evaluation FAILED{% if error %}: {{ error }}{% endif %}.{% endif %}

All results:
{{ results_json }}
{% if parent %}
## Its parent, #{{ parent.id }}: {{ parent.name }}

Score: {% if parent.score is not none %}{{ parent.score }}{% else %}none (failed){% endif %}
Motivation: {{ parent.motivation }}
Results: {{ parent.results_json }}
{% endif %}
{%- if best and not (parent and best.id == parent.id) %}
## The best sampled candidate, #{{ best.id }}: {{ best.name }}

Score: {{ best.score }}
Motivation: {{ best.motivation }}
{% if best.analysis %}Analysis: {{ best.analysis }}
{% endif %}
{%- elif best %}
The parent is also the best sampled candidate.
{% endif %}

## Evaluator output
{% if logs_trimmed_chars > 0 %}
The output was too long: {{ logs_trimmed_chars }} characters were trimmed from its middle; the beginning and the end are kept.
{% endif %}
${fence}
{{ logs }}
${fence}

## What to write

- Did the idea work? Compare the score and the metrics with the parent and the best sampled candidate, with numbers.
- Why: the evidence in the metrics and the output. If it failed, the root cause (the error, the line, the limit it hit).
- What to try next, concretely, and what to avoid.
- At most about 300 words, no preamble.

Answer with the report inside the tags:

<analysis>
your report
</analysis>
`;

/** Judge prompt. */
export const DEFAULT_JUDGE_TEMPLATE = `{#-
  judge.jinja2: the LLM judge's prompt.
  Variables: task, name, motivation, program, results (object; prints as JSON), results_json.
  Expected answer: <score> (0 to 100) and <reason>.
-#}
You are a strict reviewer of candidate programs written for the task below. Score this candidate from 0 to 100 for how well it solves the task: correctness, soundness and generality of the approach (no hard-coding to the evaluator, no loopholes), and promise for further improvement. The measured results are given; do not simply restate them.

## Task

{{ task }}

${candidateSection}
## Evaluation results

{{ results_json }}

## Response format

<score>a whole number from 0 to 100</score>
<reason>two or three sentences that justify the score</reason>
`;
