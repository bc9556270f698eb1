import { PassThrough } from 'node:stream';
import { ErrorCode, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

/** The largest MCP message read; a longer line is skipped unread and answered with an error. */
export const MAX_MCP_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Bytes of an oversized message kept to find its id. */
const ID_SNIFF_BYTES = 4096;

type RequestId = string | number | null;

export interface MessageFilterOptions {
  /** Writes one protocol line (an error answer) to the client. */
  reply: (line: string) => void;
  /** @default MAX_MCP_MESSAGE_BYTES */
  maxMessageBytes?: number;
}

/** The id of a request, when it has a usable one; JSON-RPC answers an unidentifiable one with id null. */
function idOf(message: unknown): RequestId {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function sniffId(head: string): RequestId {
  const found = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,15})\s*[,}]/.exec(head)?.[1];
  if (found === undefined) return null;
  try {
    return idOf({ id: JSON.parse(found) as unknown });
  } catch {
    return null;
  }
}

function errorLine(id: RequestId, code: number, message: string): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })}\n`;
}

/**
 * Reads newline-delimited JSON-RPC from `input` and passes on, as a stream of lines, only the
 * messages the MCP SDK can take. Every other line is answered here with a JSON-RPC error: text
 * that is not JSON (-32700), a message that is not valid JSON-RPC 2.0 such as `"jsonrpc": "1.0"`
 * or `params: null` (-32600, with the request's id when it has one), and a line over
 * `maxMessageBytes`, which is skipped without being held in memory (-32600). The SDK's own
 * reader would drop the first two silently and close the transport on the third.
 * @example
 * const transport = new StdioServerTransport(filterJsonRpcLines(process.stdin, { reply: (line) => process.stdout.write(line) }));
 */
export function filterJsonRpcLines(input: NodeJS.ReadableStream, options: MessageFilterOptions): PassThrough {
  const maxBytes = options.maxMessageBytes ?? MAX_MCP_MESSAGE_BYTES;
  const output = new PassThrough();
  let parts: Buffer[] = [];
  let size = 0;
  let oversizedHead: string | null = null;

  const append = (part: Buffer): void => {
    if (oversizedHead !== null || part.length === 0) return;
    if (size + part.length > maxBytes) {
      oversizedHead = Buffer.concat([...parts, part])
        .subarray(0, ID_SNIFF_BYTES)
        .toString('utf8');
      parts = [];
      size = 0;
      return;
    }
    parts.push(part);
    size += part.length;
  };

  const check = (line: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      options.reply(errorLine(null, ErrorCode.ParseError, `Parse error: ${(error as Error).message}`));
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
      options.reply(
        errorLine(idOf(message), ErrorCode.InvalidRequest, `Invalid Request: not a JSON-RPC 2.0 message${where}`),
      );
      return;
    }
    output.write(`${line}\n`);
  };

  const endLine = (): void => {
    if (oversizedHead !== null) {
      options.reply(
        errorLine(
          sniffId(oversizedHead),
          ErrorCode.InvalidRequest,
          `Invalid Request: the message is over ${maxBytes} bytes, the most this server reads`,
        ),
      );
      oversizedHead = null;
      return;
    }
    const line = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    if (line.trim() !== '') check(line);
  };

  input.on('data', (data: Buffer | string) => {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a)) {
      append(chunk.subarray(0, newline));
      endLine();
      chunk = chunk.subarray(newline + 1);
    }
    append(chunk);
  });
  input.once('end', () => output.end());
  input.once('error', (error: Error) => output.destroy(error));
  return output;
}
