/** Process glue for the `switchboard` bin: arguments in, exit code out. */
import { runCli } from './main.ts';

export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
