export { createMcpServer } from './server.js';
export { serveMcpOverStdio, type ServeStdioOptions } from './stdio.js';
export { openMcpSession, type McpSession, type McpSessionOptions } from './session.js';
