/**
 * Reads a page's query string the way Salesforce's library does: first value wins as a string,
 * repeated keys become arrays, a key without a value is null.
 */
export function parseQueryString(search: string): Record<string, string | null | (string | null)[]> {
  const params: Record<string, string | null | (string | null)[]> = {};
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return params;
  for (const pair of query.split('&')) {
    const [rawKey, rawValue] = pair.split('=');
    if (!rawKey) continue;
    const value = rawValue ? safeDecode(rawValue) : null;
    const existing = params[rawKey];
    if (existing === undefined) params[rawKey] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[rawKey] = [existing, value];
  }
  return params;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function firstString(value: string | null | (string | null)[] | undefined): string | undefined {
  if (Array.isArray(value)) return value[0] ?? undefined;
  return value ?? undefined;
}
