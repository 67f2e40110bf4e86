/** Small HTTP helpers for the REST handler: JSON bodies in and out, Salesforce's error array. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sfError, type SalesforceErrorItem } from '../db/index.ts';

const MAX_BODY = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Salesforce's REST error body: an array of {message, errorCode, fields}. */
export function sendErrors(res: ServerResponse, status: number, errors: readonly SalesforceErrorItem[]): void {
  sendJson(
    res,
    status,
    errors.map((e) => (e.fields.length ? { message: e.message, errorCode: e.errorCode, fields: e.fields } : { message: e.message, errorCode: e.errorCode })),
  );
}

/** Reads a JSON request body; JSON_PARSER_ERROR (Salesforce's code) when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw sfError('REQUEST_LIMIT_EXCEEDED', `Request body exceeds ${MAX_BODY} bytes`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw sfError('JSON_PARSER_ERROR', `Unexpected character in the JSON body: ${(e as Error).message}`);
  }
}
