/** Where sip.js keeps the generated grammar, as a path or a file URL. */
export const SIP_GRAMMAR: RegExp;
/** The grammar's source with its bytecode table decoded once and kept (throws, naming `file`, on another shape). */
export function decodeGrammarOnce(source: string, file?: string): string;
