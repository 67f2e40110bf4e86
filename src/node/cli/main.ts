/**
 * The `switchboard` command line. `runCli` takes the arguments and an output sink and returns the
 * exit code, so tests can run it in-process as well as through bin/switchboard.mjs.
 *
 *   switchboard callcenter init   [--out switchboard.yaml] [--force]
 *   switchboard callcenter schema
 *   switchboard callcenter build  [config] [--out dir]
 *   switchboard callcenter lint   <file…> [--format json]
 *   switchboard package build     [config] [--out dir] [--connector-dist dir] [--external-url https://…] [--api-version NN.0]
 *   switchboard doctor            [config] [--console http://127.0.0.1:PORT] [--token T] [--package out/package] [--format json]
 *   switchboard voice-bridge      --scrt-url URL --call-center NAME --org-id 00D… [--key FILE] [--port 8787] …
 *   switchboard voice-bridge keygen --out DIR
 *
 * Exit codes: 0 success (warnings allowed), 1 errors found, 2 usage error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImportXml, buildMetadataXml, importFileName, metadataFileName } from '../callcenter/build.ts';
import { CONFIG_FILE, configSchema, formatConfigProblem, initConfigYaml, loadConfig } from '../callcenter/config.ts';
import type { CallCenterDefinition } from '../callcenter/definition.ts';
import { certificateCommand } from '../callcenter/certificate-check.ts';
import { DEFAULT_CERTIFICATE_FILE } from '../callcenter/definition.ts';
import {
  formatProblem,
  hasErrors,
  lintCallCenter,
  type CallCenterFormat,
  type CallCenterSurface,
  type HybridFormat,
  type LintProblem,
  type LintProfile,
} from '../callcenter/lint.ts';
import { diagnoseConfig, diagnoseConsole, diagnosePackage, diagnoseVoiceBridge, formatFinding, type Finding } from '../doctor/doctor.ts';
import { buildPackage, DEFAULT_API_VERSION, PackageBuildError } from '../package/package-builder.ts';
import { TOKEN_ENV, VOICE_BRIDGE_HELP, voiceBridgeCommand } from '../voice-bridge/command.ts';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

const USAGE = `Usage: switchboard <command>

  callcenter init   [--out ${CONFIG_FILE}] [--force] [--surface opencti|voice]
                                                         write a commented config file
  callcenter schema                                      print the config file's JSON Schema
  callcenter build  [config] [--out out/callcenter]      write the Setup import and Metadata API files
  callcenter lint   <file…> [--format json] [--profile P] check Call Center files (either format)
  package build     [config] [--out out/package] [--connector-dist dist/app/softphone]
                    [--external-url https://…] [--api-version ${DEFAULT_API_VERSION}]
                                                         write a Salesforce DX project
  doctor            [config] [--console http://127.0.0.1:PORT] [--token T]
                    [--package out/package] [--format json]
                                                         explain why a softphone stays blank
  voice-bridge      --scrt-url URL --call-center NAME --org-id 00D… [--key FILE]
                    [--port 8787] [--host 127.0.0.1] [--token T]
                                                         create Salesforce VoiceCalls for a phone system
  voice-bridge keygen --out DIR                          its key pair and the call center's certificate

Exit codes: 0 ok (warnings allowed), 1 problems found, 2 usage error.
`;

/** `switchboard <command> [sub] --help`: what one command does, its arguments and options. */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  'callcenter init': `Usage: switchboard callcenter init [--out ${CONFIG_FILE}] [--force] [--surface opencti|voice]

Writes a commented config file to start from (the Call Center's settings as YAML).
  --out FILE       where to write it (default ${CONFIG_FILE})
  --force          overwrite an existing file
  --surface S      opencti (default): an Open CTI softphone; voice: a Salesforce Voice contact
                   center (partner telephony): connector URL, ConversationVendorInfo API name and
                   the certificate file of the voice bridge's key
`,
  'callcenter schema': `Usage: switchboard callcenter schema

Prints the config file's JSON Schema (for editors: YAML language servers read it).
`,
  'callcenter build': `Usage: switchboard callcenter build [config] [--out out/callcenter]

Reads the config (default ${CONFIG_FILE}), checks it, and writes the Call Center twice: the
Setup > Call Centers > Import XML file, and the Metadata API callCenters/*.callCenter-meta.xml.
  --out DIR    output folder (default out/callcenter)
`,
  'callcenter lint': `Usage: switchboard callcenter lint <file…> [--format json] [--profile auto|switchboard|generic]

Checks Call Center definition files (Setup import XML or Metadata API .callCenter-meta.xml): names
each file's format and whose call center it is checked as, then prints each problem as
file:line:column severity rule message, with a fix.
  --format json   {files: [{file, format, hybrid?, surface, profile, problems}], errors, warnings}
                  (format: import, metadata, or hybrid for a file of one format carrying parts of
                  the other, then hybrid: {root, marks}; surface: opencti, or voice for a
                  Salesforce Voice contact center: reqHvcc)
  --profile P     switchboard adds the connector's own advice (its section, its adapter page);
                  generic checks only what Salesforce needs; auto (default) picks switchboard for
                  a file with a switchboard section or an adapter URL naming Switchboard
Exit code 1 when any file has an error (warnings alone exit 0).
`,
  'package build': `Usage: switchboard package build [config] [--out out/package] [--connector-dist dist/app/softphone]
                                [--external-url https://…] [--api-version ${DEFAULT_API_VERSION}]

Writes a Salesforce DX project: the Call Center, the softphone's Visualforce page and static
resource (or the Call Center pointing at --external-url where you host it), CSP trusted sites, the
presence message channel with its Omni-Channel bridge, the Apex classes, the user's extension
field, the secret's Custom Metadata type and the agents' permission set, with a README of the steps.
For a Salesforce Voice config (surface: voice): the contact center, the ConversationVendorInfo
(connector URL), CSP trusted sites, the agents' and admins' permission sets and a README of the
admin steps (partner telephony add-on, import, certificate, users, the voice bridge).
  --out DIR              output folder (default out/package)
  --connector-dist DIR   the built softphone (default dist/app/softphone; Voice: dist/app/voice, when
                         its adapter URL is no https URL; run npm run build first)
  --external-url URL     an https:// URL that serves the softphone instead of a static resource
  --api-version NN.0     Metadata API version (default ${DEFAULT_API_VERSION})
`,
  doctor: `Usage: switchboard doctor [config] [--console http://127.0.0.1:PORT] [--token T] [--package out/package] [--format json]
                         [--voice-bridge http://127.0.0.1:8787]

Explains why a softphone stays blank or gets no calls: checks the config (default ${CONFIG_FILE}),
a running console emulator (--console, with its --token), and a built package (--package).
A Salesforce Voice config gets Voice advice; --voice-bridge checks a running voice bridge (its token
from ${TOKEN_ENV}).
  --format json   the findings as JSON
`,
  'voice-bridge': VOICE_BRIDGE_HELP,
  'voice-bridge keygen': VOICE_BRIDGE_HELP,
};

function commandHelp(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  if (!args.includes('--help') && !args.includes('-h')) return undefined;
  const [command, sub] = args;
  return COMMAND_HELP[`${command} ${sub}`] ?? COMMAND_HELP[command ?? ''] ?? USAGE;
}

class UsageError extends Error {}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`switchboard: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof PackageBuildError) {
      io.err(`switchboard: ${e.message}\n`);
      return 1;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`switchboard: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const help = commandHelp(argv);
  if (help) {
    io.out(help);
    return 0;
  }
  const [command, sub, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'callcenter') {
    switch (sub) {
      case 'init':
        return init(rest, io);
      case 'schema':
        io.out(`${JSON.stringify(configSchema(), null, 2)}\n`);
        return 0;
      case 'build':
        return buildCallCenter(rest, io);
      case 'lint':
        return lint(rest, io);
      default:
        throw new UsageError(`unknown callcenter command '${sub ?? ''}'`);
    }
  }
  if (command === 'package') {
    if (sub !== 'build') throw new UsageError(`unknown package command '${sub ?? ''}'`);
    return packageBuild(rest, io);
  }
  if (command === 'doctor') return doctor(sub === undefined ? rest : [sub, ...rest], io);
  if (command === 'voice-bridge') return voiceBridgeCommand(sub === undefined ? rest : [sub, ...rest], { ...io, env: process.env });
  throw new UsageError(`unknown command '${command}'`);
}

function init(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' }, force: { type: 'boolean' }, surface: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const surface = values.surface ?? 'opencti';
  if (surface !== 'opencti' && surface !== 'voice') throw new UsageError(`--surface is opencti or voice, got '${surface}'`);
  const file = resolve(io.cwd, values.out ?? CONFIG_FILE);
  if (existsSync(file) && !values.force) {
    io.err(`switchboard: ${file} already exists; pass --force to overwrite it.\n`);
    return 1;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, initConfigYaml(surface));
  io.out(
    surface === 'voice'
      ? `Wrote ${file}. Make the voice bridge's key pair and the contact center's certificate:\n  ${certificateCommand(join(dirname(values.out ?? CONFIG_FILE), DEFAULT_CERTIFICATE_FILE))}\nthen edit the file and run \`switchboard callcenter build\`.\n`
      : `Wrote ${file}. Edit it, then run \`switchboard callcenter build\`.\n`,
  );
  return 0;
}

/** Loads the config or prints its problems; undefined means exit 1. */
function readConfig(path: string | undefined, io: CliIo): CallCenterDefinition | undefined {
  const file = resolve(io.cwd, path ?? CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    io.err(`switchboard: cannot read the config ${file}${path ? '' : ' (create it with `switchboard callcenter init`)'}.\n`);
    return undefined;
  }
  if (/^\uFEFF?\s*</.test(text)) {
    // A Call Center XML file where the YAML config belongs: say what was expected, and what reads XML.
    const shown = path ?? CONFIG_FILE;
    io.err(
      `${shown}:1:1 error (file): this is an XML file (a Call Center definition?), but this command reads the Switchboard config, a YAML file such as ${CONFIG_FILE}.\n` +
        `  To check a Call Center XML file: switchboard callcenter lint ${shown}\n` +
        `  To write a config to build it from: switchboard callcenter init (then switchboard callcenter build)\n`,
    );
    return undefined;
  }
  const result = loadConfig(text, path ?? CONFIG_FILE, { baseDir: dirname(file) });
  if (!result.ok) {
    for (const p of result.problems) io.err(`${formatConfigProblem(p)}\n`);
    return undefined;
  }
  return result.definition;
}

function single(positionals: readonly string[]): string | undefined {
  if (positionals.length > 1) throw new UsageError(`expected at most one config file, got ${positionals.join(' ')}`);
  return positionals[0];
}

function buildCallCenter(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: [...args], options: { out: { type: 'string' } }, allowPositionals: true });
  const def = readConfig(single(positionals), io);
  if (!def) return 1;
  const outDir = resolve(io.cwd, values.out ?? 'out/callcenter');
  const files: [string, string][] = [
    [join(outDir, importFileName(def)), buildImportXml(def)],
    [join(outDir, 'callCenters', metadataFileName(def)), buildMetadataXml(def)],
  ];
  const problems: LintProblem[] = [];
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    io.out(`Wrote ${path}\n`);
    problems.push(...lintCallCenter(content, path).problems);
  }
  for (const p of problems) io.err(`${formatProblem(p)}\n`);
  return hasErrors(problems) ? 1 : 0;
}

const FORMAT_NAMES: Readonly<Record<CallCenterFormat, string>> = { import: 'Setup import file (<callCenter>)', metadata: 'Metadata API file (<CallCenter>)' };
const OTHER_FORMAT: Readonly<Record<CallCenterFormat, string>> = { import: 'Metadata API', metadata: 'Setup import' };

/** `hybrid: a Setup import file (<callCenter>) with Metadata API parts (<sections>, …)`, or the format's name. */
function formatText(format: CallCenterFormat | undefined, hybrid: HybridFormat | undefined): string {
  if (hybrid) return `hybrid: a ${FORMAT_NAMES[hybrid.root]} with ${OTHER_FORMAT[hybrid.root]} parts (${hybrid.marks.join(', ')})`;
  return format ? FORMAT_NAMES[format] : 'not a Call Center file';
}

function lint(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: [...args], options: { format: { type: 'string' }, profile: { type: 'string' } }, allowPositionals: true });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format is text or json, got '${format}'`);
  const profile = values.profile ?? 'auto';
  if (profile !== 'auto' && profile !== 'switchboard' && profile !== 'generic')
    throw new UsageError(`--profile is auto, switchboard or generic, got '${profile}'`);
  if (positionals.length === 0) throw new UsageError('callcenter lint needs at least one file');
  // `title` is the text output's line about the file (undefined when unreadable); JSON leaves it out.
  const files: {
    file: string;
    title: string | undefined;
    format: CallCenterFormat | 'hybrid' | null;
    hybrid?: HybridFormat;
    surface: CallCenterSurface | null;
    profile: LintProfile;
    problems: LintProblem[];
  }[] = [];
  for (const file of positionals) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch {
      files.push({
        file,
        title: undefined,
        format: null,
        surface: null,
        profile: profile === 'auto' ? 'generic' : profile,
        problems: [{ file, line: 1, column: 1, severity: 'error', rule: 'xml-not-well-formed', message: 'The file cannot be read.', fix: 'Check the path.' }],
      });
      continue;
    }
    const result = lintCallCenter(text, file, { profile });
    const what = `${formatText(result.format, result.hybrid)}${result.surface === 'voice' ? ', a Salesforce Voice contact center' : ''}`;
    const title = `${file}: ${what}, checked as ${result.profile === 'switchboard' ? 'a Switchboard call center' : 'a generic call center (no Switchboard advice)'}`;
    files.push({
      file,
      title,
      format: result.hybrid ? 'hybrid' : (result.format ?? null),
      ...(result.hybrid ? { hybrid: result.hybrid } : {}),
      surface: result.surface ?? null,
      profile: result.profile,
      problems: result.problems,
    });
  }
  const problems = files.flatMap((f) => f.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (format === 'json') {
    io.out(`${JSON.stringify({ files: files.map(({ title: _title, ...f }) => f), errors, warnings: problems.length - errors }, null, 2)}\n`);
  } else {
    for (const f of files) {
      if (f.title !== undefined) io.out(`${f.title}\n`);
      for (const p of f.problems) io.out(`${formatProblem(p)}\n`);
    }
    io.out(`${errors} error(s), ${problems.length - errors} warning(s) in ${positionals.length} file(s).\n`);
  }
  return hasErrors(problems) ? 1 : 0;
}

function packageBuild(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' }, 'connector-dist': { type: 'string' }, 'external-url': { type: 'string' }, 'api-version': { type: 'string' } },
    allowPositionals: true,
  });
  const def = readConfig(single(positionals), io);
  if (!def) return 1;
  const outDir = resolve(io.cwd, values.out ?? 'out/package');
  const files = buildPackage(def, {
    ...(values['external-url']
      ? { externalUrl: values['external-url'] }
      : { connectorDist: resolve(io.cwd, values['connector-dist'] ?? (def.voice ? 'dist/app/voice' : 'dist/app/softphone')) }),
    ...(values['api-version'] ? { apiVersion: values['api-version'] } : {}),
  });
  for (const f of files) {
    const path = join(outDir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  io.out(`Wrote a Salesforce DX project (${files.length} files) to ${outDir}.\nDeploy it with: cd ${outDir} && sf project deploy start\n`);
  return 0;
}

async function doctor(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      console: { type: 'string' },
      token: { type: 'string' },
      format: { type: 'string' },
      package: { type: 'string' },
      'voice-bridge': { type: 'string' },
    },
    allowPositionals: true,
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format is text or json, got '${format}'`);
  const def = readConfig(single(positionals), io);
  if (!def) return 1;
  const findings: Finding[] = diagnoseConfig(def);
  if (values.package) findings.push(...diagnosePackage(def, resolve(io.cwd, values.package)));
  if (values.console) findings.push(...(await diagnoseConsole(def, values.console, values.token ? { token: values.token } : {})));
  if (values['voice-bridge']) {
    const bridgeToken = process.env[TOKEN_ENV];
    findings.push(...(await diagnoseVoiceBridge(values['voice-bridge'], bridgeToken ? { token: bridgeToken } : {})));
  }
  const order = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  if (format === 'json') io.out(`${JSON.stringify(findings, null, 2)}\n`);
  else {
    for (const f of findings) io.out(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    io.out(`${errors} error(s), ${findings.filter((f) => f.severity === 'warning').length} warning(s).\n`);
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
