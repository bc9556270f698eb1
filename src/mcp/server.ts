import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { redactSecrets } from '../secrets.js';
import { AsiEvolveError } from '../errors.js';
import { NODE_TEXT_LIMITS } from '../domain/index.js';
import { importOptional, type OptionalUse } from '../optional-dependency.js';
import { sampleContextTool, searchCognitionTool } from './context-tools.js';
import { evaluateTool, recordNodeTool } from './evaluate-tools.js';
import type { McpSession } from './session.js';
import { bestTool, statsTool, taskTool } from './summary-tools.js';

/** The MCP SDK is an optional package: only `asi-evolve mcp` needs it. */
export const mcpUse: OptionalUse = {
  feature: 'the MCP server (asi-evolve mcp)',
  packages: ['@modelcontextprotocol/sdk'],
};

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A tool's answer: the JSON as text (what every client shows the model) and as structured content. */
function answer(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/** A known error is a tool error the agent can act on; anything else is a bug, logged with its stack. */
function toolError(tool: string, error: unknown, log: (line: string) => void): CallToolResult {
  if (AsiEvolveError.isInstance(error)) {
    const text = `${tool}: ${redactSecrets(error.message)}${error.hint ? `\nhint: ${error.hint}` : ''}`;
    return { content: [{ type: 'text', text }], isError: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  log(
    `asi-evolve mcp: internal error in ${tool}: ${redactSecrets(error instanceof Error ? (error.stack ?? message) : message)}\n`,
  );
  return { content: [{ type: 'text', text: `${tool}: internal error: ${redactSecrets(message)}` }], isError: true };
}

function handled<A>(
  tool: string,
  session: McpSession,
  work: (args: A) => Promise<Record<string, unknown>> | Record<string, unknown>,
) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return answer(await work(args));
    } catch (error) {
      return toolError(tool, error, session.log);
    }
  };
}

/** A required text of at most `maxLength` characters; the length is checked before any work starts. */
const text = (what: string, maxLength: number, empty = `${what} is empty`) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .max(maxLength, {
      error: (issue) =>
        `${what} is ${String((issue.input as string).length)} characters; at most ${maxLength} are accepted`,
    })
    .refine((value) => value.trim() !== '', { message: empty });
/** Queries of search_cognition: a paragraph, not a document. */
const MAX_QUERY_CHARS = 10_000;
const count = (what: string, maximum: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(maximum, `${what} must be at most ${maximum}`);

/**
 * The MCP server over one opened experiment: the loop's operations as tools, so that a coding
 * agent can act as Researcher and Analyzer (docs/architecture.md, “The MCP server”). Connect it to a transport.
 * @example
 * const server = await createMcpServer(session);
 * await server.connect(new StdioServerTransport());
 */
export async function createMcpServer(session: McpSession): Promise<McpServer> {
  const { McpServer } = await importOptional<typeof import('@modelcontextprotocol/sdk/server/mcp.js')>(
    '@modelcontextprotocol/sdk/server/mcp.js',
    mcpUse,
  );
  const server = new McpServer({ name: 'asi-evolve', version: packageVersion() });
  // As long as a Researcher's program may be: the same bound as in a round.
  const program = text(
    'program',
    session.config.pipeline.researcher.max_code_length,
    'program is empty: pass the whole candidate program',
  );

  // A multi-file experiment's candidate as changes to a base node's files (docs/architecture.md, “Multi-file candidates”).
  const files = z
    .record(z.string(), z.string({ error: 'files: each value is the whole content of the file, as a string' }), {
      error: 'files must map project-relative paths to whole file contents',
    })
    .optional()
    .describe(
      'multi-file experiments: whole files by project-relative path (a new path creates the file), instead of program',
    );
  const edits = z
    .array(
      z.strictObject(
        { path: z.string(), search: z.string(), replace: z.string() },
        { error: 'edits: each edit is { path, search, replace }' },
      ),
      { error: 'edits must be a list of { path, search, replace }' },
    )
    .max(500, 'edits: at most 500 edits')
    .optional()
    .describe(
      'multi-file experiments: SEARCH/REPLACE edits, each naming its file; `search` must match the file exactly once',
    );
  const candidateArgs = (what: string) => ({
    program: program.optional().describe(`the whole candidate program (single-file experiments)`),
    files,
    edits: edits.describe(`${edits.description ?? ''}; applied after files, to ${what}`),
  });

  server.registerTool(
    'task',
    {
      description:
        "The experiment's task (input.md), how candidates are evaluated (command, program file name), the current best score and how many rounds are stored.",
    },
    handled('task', session, () => taskTool(session)),
  );

  server.registerTool(
    'sample_context',
    {
      description:
        "What the Researcher of the next round would see: the parent and context nodes the configured sampling policy draws (program, motivation, analysis, results, score, id) and the cognition items retrieved for them. On a fresh experiment the seed (initial_program) is evaluated and stored as node 0 first, as `asi-evolve run` does. Build on the parent's program ('context[0]'), evaluate your candidate, then record_node it.",
      inputSchema: { n: count('n', 50).optional().describe('how many nodes to sample (default: pipeline.sample_n)') },
    },
    handled('sample_context', session, (args: { n?: number | undefined }) => sampleContextTool(session, args)),
  );

  server.registerTool(
    'search_cognition',
    {
      description:
        "The experiment's cognition items (domain knowledge, lessons found by runs) closest to a text, with their similarity, as `asi-evolve cognition search`.",
      inputSchema: {
        query: text('query', MAX_QUERY_CHARS).describe('text to search for'),
        top_k: count('top_k', 100)
          .optional()
          .describe('items to return (default: the larger of cognition.retrieval.top_k and 5)'),
      },
    },
    handled('search_cognition', session, (args: { query: string; top_k?: number | undefined }) =>
      searchCognitionTool(session, args),
    ),
  );

  server.registerTool(
    'evaluate',
    {
      description:
        'Runs the evaluator on a candidate in the sandbox, as a round does, in a scratch folder; stores nothing. The candidate is the whole program, or in a multi-file experiment files and/or edits applied to base_id (default: the best node). Returns status (ok/failed), score, results, the failure reason and the tails of its output.',
      inputSchema: {
        ...candidateArgs('the files of base_id'),
        base_id: z
          .number({ error: 'base_id must be a node id' })
          .int('base_id must be a whole number')
          .min(0, 'base_id must be a node id (>= 0)')
          .optional()
          .describe('multi-file experiments: the node whose files the changes apply to (default: the best node)'),
      },
    },
    handled(
      'evaluate',
      session,
      (args: {
        program?: string | undefined;
        files?: Record<string, string> | undefined;
        edits?: Array<{ path: string; search: string; replace: string }> | undefined;
        base_id?: number | undefined;
      }) => evaluateTool(session, args),
    ),
  );

  server.registerTool(
    'record_node',
    {
      description:
        "Evaluates the candidate (as evaluate does) and stores it as the next round's node with your name, motivation and analysis; updates best/ on a new best. Without parent_ids the parents are the nodes sample_context showed. In a multi-file experiment, files and/or edits apply to the first parent's files. Fails while an `asi-evolve run` holds the experiment.",
      inputSchema: {
        ...candidateArgs("the first parent's files"),
        name: text('name', NODE_TEXT_LIMITS.name).describe('a short name for the design'),
        motivation: text('motivation', NODE_TEXT_LIMITS.motivation).describe('what the design changes and why'),
        analysis: text('analysis', NODE_TEXT_LIMITS.analysis).describe(
          'your analysis of its evaluation: what worked, what did not, what to try next',
        ),
        parent_ids: z
          .array(
            z
              .number({ error: 'parent_ids must hold node ids' })
              .int('parent_ids must hold whole numbers')
              .min(0, 'parent_ids must hold node ids (>= 0)'),
            {
              error: 'parent_ids must be a list of node ids',
            },
          )
          .max(50, 'parent_ids: at most 50 nodes')
          .optional()
          .describe(
            'the nodes the design builds on, the edited parent first (default: the nodes sample_context showed)',
          ),
      },
    },
    handled(
      'record_node',
      session,
      (args: {
        program?: string | undefined;
        files?: Record<string, string> | undefined;
        edits?: Array<{ path: string; search: string; replace: string }> | undefined;
        name: string;
        motivation: string;
        analysis: string;
        parent_ids?: number[] | undefined;
      }) => recordNodeTool(session, args),
    ),
  );

  server.registerTool(
    'best',
    { description: 'The best node so far: id, score, program, motivation, analysis and results.' },
    handled('best', session, () => bestTool(session)),
  );

  server.registerTool(
    'stats',
    {
      description:
        'Where the experiment stands: rounds stored (succeeded, failed), the seed, the best score, LLM spend and the last rounds with their scores.',
      inputSchema: {
        recent: count('recent', 100).optional().describe('how many of the last rounds to list (default 5)'),
      },
    },
    handled('stats', session, (args: { recent?: number | undefined }) =>
      statsTool(session, { recent: args.recent ?? 5 }),
    ),
  );

  return server;
}
