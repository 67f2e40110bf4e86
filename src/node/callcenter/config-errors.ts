/**
 * From what Ajv and the YAML parser report to what a person can act on: a schema error becomes the
 * field's dotted path and a sentence saying what the field must be, and a field path becomes its
 * offset in the source, so every config problem points at the line to edit. Apart from loading so
 * the wording of every schema complaint sits in one place.
 */
import type { ErrorObject } from 'ajv';
import { isMap, isScalar, type Document, type Node as YamlNode, type Pair, type Scalar } from 'yaml';

export function describeAjvError(e: ErrorObject): { path: string[]; message: string; keyOf: boolean } {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      return {
        path: [...path, name],
        message: `unknown field '${name}'${path.length ? ` in ${path.join('.')}` : ''} (see \`switchboard callcenter schema\`).`,
        keyOf: true,
      };
    }
    case 'required': {
      const name = String(params['missingProperty']);
      return { path, message: `'${name}' is required${path.length ? ` in ${path.join('.')}` : ''}.`, keyOf: true };
    }
    case 'dependencies':
      return {
        path,
        message: `${String(params['property'])} needs ${String(params['missingProperty'])} (a standby softphone needs a timeout, and the reverse).`,
        keyOf: true,
      };
    case 'type': {
      const hint = path[0] === 'dialing' ? ' (quote it: "011")' : '';
      return { path, message: `must be ${String(params['type']).replace(/,/g, ' or ')}${hint}.`, keyOf: false };
    }
    case 'pattern':
      return { path, message: patternMessage(path), keyOf: false };
    case 'enum':
      return { path, message: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}.`, keyOf: false };
    default:
      return { path, message: `${e.message ?? 'is invalid'}.`, keyOf: false };
  }
}

function patternMessage(path: readonly string[]): string {
  const field = path[path.length - 1];
  if (field === 'vendorInfoApiName')
    return "must be <namespace>__<name> (e.g. switchboard__SwitchboardVoice): the package namespace, two underscores, the ConversationVendorInfo's developer name.";
  if (field === 'longDistancePrefix' && path[0] === 'voice') return 'must be digits only.';
  if (field === 'internalName') return 'must start with a letter and hold only letters and digits, at most 40.';
  if (field === 'adapterUrl' || field === 'standbyUrl')
    return 'must be an absolute URL (https://…) or a path starting with / (e.g. /apex/SwitchboardSoftphone).';
  if (path[0] === 'dialing') return 'must be digits only.';
  return 'must be a ws://, wss://, http:// or https:// URL.';
}

/** The source offset of a path's value (or of its key when `keyOf`); falls back to the nearest parent. */
export function offsetOf(doc: Document.Parsed, path: readonly string[], keyOf: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (sub.length === 0) return (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
    const parent = sub.length === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
    if (!isMap(parent)) continue;
    const pair = (parent.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === sub[sub.length - 1]);
    if (!pair) continue;
    if (keyOf && n === path.length) return (pair.key as Scalar).range?.[0] ?? 0;
    const value = pair.value as YamlNode | null;
    return value?.range?.[0] ?? (pair.key as Scalar).range?.[0] ?? 0;
  }
  return 0;
}
