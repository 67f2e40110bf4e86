/** A metadata file of flat fields: the XML declaration, the root in the Metadata API namespace, one element per field. */
import { escapeXml } from '../callcenter/build.ts';
import { METADATA_NAMESPACE } from '../callcenter/salesforce-names.ts';

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

export function metadataXml(type: string, fields: readonly (readonly [string, string])[]): string {
  return [XML_DECL, `<${type} xmlns="${METADATA_NAMESPACE}">`, ...fields.map(([k, v]) => `    <${k}>${escapeXml(v)}</${k}>`), `</${type}>`, ''].join('\n');
}
