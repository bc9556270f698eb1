import { defineCommand } from '../command.js';
import { configFileOption, experimentDirArgument } from '../options.js';

export const command = defineCommand<[dir: string], { config?: string }>({
  name: 'mcp',
  description: 'serve the experiment to a coding agent (Claude Code, Codex…) as an MCP server on stdio',
  arguments: [experimentDirArgument],
  options: [configFileOption],
  load: async () => {
    const { mcpCommand } = await import('../actions/mcp.js');
    return ([dir], options) => mcpCommand(dir, options);
  },
});
