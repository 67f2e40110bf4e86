/**
 * Where a Visualforce tab's frame points: `page` (from the tab URL's `?page=`, which anyone can
 * link to) MUST be a `/apex/…` path and MUST resolve on the Visualforce origin. Concatenating it to
 * the origin would let `?page=@evil.example/` or `?page=.evil.example/` frame a foreign host.
 */
export function vfPageUrl(page: string, vfOrigin: string): URL | undefined {
  if (!page.startsWith('/apex/')) return undefined;
  let url: URL;
  try {
    url = new URL(page, vfOrigin);
  } catch {
    return undefined;
  }
  return url.origin === new URL(vfOrigin).origin && url.pathname.startsWith('/apex/') ? url : undefined;
}
