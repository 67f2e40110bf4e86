/**
 * Which Salesforce surface loaded us, from our own URL: Lightning adds `sfdcIframeOrigin` and `mode`;
 * Classic (and Visualforce) frames carry `sfdcIFrameOrigin` with a capital F.
 * Parameter names are case-sensitive, which is what tells the two apart.
 */
export type CrmSurfaceKind = 'lightning' | 'classic';

export function detectSurface(search: string): CrmSurfaceKind | undefined {
  const params = new URLSearchParams(search);
  if (params.get('sfdcIframeOrigin')) return 'lightning';
  if (params.get('sfdcIFrameOrigin')) return 'classic';
  return undefined;
}
