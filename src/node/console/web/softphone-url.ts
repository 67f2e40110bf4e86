/**
 * Where the softphone iframe points: the call center's reqAdapterUrl, relative URLs resolved on the
 * Visualforce origin (as an org does), plus the parameters Salesforce appends.
 */
export function softphoneUrl(adapterUrl: string, vfOrigin: string, params: Record<string, string>): URL {
  const url = /^https?:\/\//i.test(adapterUrl) ? new URL(adapterUrl) : new URL(adapterUrl.startsWith('/') ? adapterUrl : `/${adapterUrl}`, vfOrigin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

export function clampInt(raw: string | undefined, min: number, max: number, fallback: number): number {
  const n = Number(raw);
  if (!raw || !Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}
