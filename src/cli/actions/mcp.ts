import { serveMcpOverStdio } from '../../mcp/index.js';
import { listenForInterrupt } from '../interrupt.js';

/**
 * `mcp DIR`: serves the experiment to a coding agent over MCP on stdin/stdout until the client
 * closes stdin. Everything meant for people goes to stderr.
 */
export async function mcpCommand(dir: string, options: { config?: string }): Promise<void> {
  const log = (text: string): void => {
    process.stderr.write(text);
  };
  const interrupt = listenForInterrupt({
    write: log,
    stopping:
      '\nInterrupted: stopping the MCP server (a node being recorded is not stored; Ctrl-C again to stop at once)…\n',
    forced: '\nStopped at once.\n',
  });
  try {
    await serveMcpOverStdio({
      dir,
      env: process.env,
      log,
      abortSignal: interrupt.signal,
      ...(options.config === undefined ? {} : { configFile: options.config }),
    });
  } finally {
    interrupt.dispose();
  }
}
