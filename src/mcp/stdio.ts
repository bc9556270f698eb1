import { importOptional } from '../optional-dependency.js';
import { createMcpServer, mcpUse } from './server.js';
import { openMcpSession, type McpSessionOptions } from './session.js';

/** Sends console output meant for stdout to stderr: on stdio, stdout carries only protocol messages. */
function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  return () => Object.assign(console, saved);
}

export interface ServeStdioOptions extends McpSessionOptions {
  /** Stops serving (e.g. on Ctrl-C): evaluations in flight are stopped, a round in flight is not stored. */
  abortSignal?: AbortSignal;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/**
 * Serves an experiment's MCP tools over stdin/stdout until stdin closes (the client went away)
 * or `abortSignal` aborts, then closes the experiment. Nothing but protocol messages is written
 * to stdout; notices and diagnostics go to `log`.
 * @example
 * await serveMcpOverStdio({ dir: 'examples/circle-packing', env: process.env, log: (line) => process.stderr.write(line) });
 */
export async function serveMcpOverStdio(options: ServeStdioOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const restoreConsole = consoleToStderr();
  try {
    const { StdioServerTransport } = await importOptional<typeof import('@modelcontextprotocol/sdk/server/stdio.js')>(
      '@modelcontextprotocol/sdk/server/stdio.js',
      mcpUse,
    );
    // The filter uses the SDK's schemas: loaded once the SDK is known to be there.
    const { MAX_MCP_MESSAGE_BYTES, filterJsonRpcLines } = await import('./message-filter.js');
    const session = await openMcpSession(options);
    const server = await createMcpServer(session);
    try {
      const ended = new Promise<void>((resolve) => {
        stdin.once('end', resolve);
        stdin.once('close', resolve);
        options.abortSignal?.addEventListener('abort', () => resolve(), { once: true });
        if (options.abortSignal?.aborted) resolve();
      });
      const stdout = options.stdout ?? process.stdout;
      // Malformed and oversized messages are answered before the SDK's reader sees them.
      const messages = filterJsonRpcLines(stdin, { reply: (line) => stdout.write(line) });
      const transport = new StdioServerTransport(
        messages as unknown as typeof process.stdin,
        stdout as typeof process.stdout,
        {
          // Room for one whole message the filter passed on (it buffers one line at a time).
          maxBufferSize: 2 * MAX_MCP_MESSAGE_BYTES,
        },
      );
      transport.onerror = (error) => options.log(`asi-evolve mcp: ${error.message}\n`);
      await server.connect(transport);
      options.log(`asi-evolve mcp: serving ${session.experiment.dir} on stdio\n`);
      await ended;
    } finally {
      await server.close();
      await session.close();
    }
  } finally {
    restoreConsole();
  }
}
