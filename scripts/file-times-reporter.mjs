// A node:test reporter that writes how long each test file ran (its top-level tests summed), as
// JSON lines, so `npm test` can name the files that spend the suite's time budget.
export default async function* fileTimes(source) {
  const totals = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      totals.set(event.data.file, (totals.get(event.data.file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  for (const [file, ms] of totals) yield `${JSON.stringify({ file, ms })}\n`;
}
