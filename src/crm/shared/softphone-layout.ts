/**
 * The softphone layout as `getSoftphoneLayout` returns it, read defensively, plus
 * the few questions the screen-pop policy asks of it.
 */
export type LayoutCallType = 'Inbound' | 'Outbound' | 'Internal';

export interface ScreenPopSetting {
  readonly screenPopType: string;
  readonly screenPopData?: string;
}

export interface LayoutSection {
  readonly callRelatedFields: readonly string[];
  /** Object API name → display fields. */
  readonly objects: Readonly<Record<string, readonly { readonly displayName: string; readonly apiName: string }[]>>;
  readonly screenPopSettings: {
    readonly screenPopsOpenWithin?: string;
    readonly NoMatch?: ScreenPopSetting;
    readonly SingleMatch?: ScreenPopSetting;
    readonly MultipleMatches?: ScreenPopSetting;
  };
}

export type SoftphoneLayout = Readonly<Record<LayoutCallType, LayoutSection>>;

const EMPTY_SECTION: LayoutSection = { callRelatedFields: [], objects: {}, screenPopSettings: {} };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function readSetting(value: unknown): ScreenPopSetting | undefined {
  const o = record(value);
  if (!o || typeof o.screenPopType !== 'string') return undefined;
  return typeof o.screenPopData === 'string' ? { screenPopType: o.screenPopType, screenPopData: o.screenPopData } : { screenPopType: o.screenPopType };
}

function readSection(value: unknown): LayoutSection {
  const o = record(value);
  if (!o) return EMPTY_SECTION;
  const objects: Record<string, { displayName: string; apiName: string }[]> = {};
  for (const [name, fields] of Object.entries(record(o.objects) ?? {})) {
    objects[name] = Array.isArray(fields)
      ? fields.flatMap((f: unknown) => {
          const fo = record(f);
          return fo && typeof fo.apiName === 'string'
            ? [{ apiName: fo.apiName, displayName: typeof fo.displayName === 'string' ? fo.displayName : fo.apiName }]
            : [];
        })
      : [];
  }
  const s = record(o.screenPopSettings) ?? {};
  const settings: { -readonly [K in keyof LayoutSection['screenPopSettings']]: LayoutSection['screenPopSettings'][K] } = {};
  if (typeof s.screenPopsOpenWithin === 'string') settings.screenPopsOpenWithin = s.screenPopsOpenWithin;
  const no = readSetting(s.NoMatch);
  const single = readSetting(s.SingleMatch);
  const multiple = readSetting(s.MultipleMatches);
  if (no) settings.NoMatch = no;
  if (single) settings.SingleMatch = single;
  if (multiple) settings.MultipleMatches = multiple;
  return {
    callRelatedFields: Array.isArray(o.callRelatedFields) ? o.callRelatedFields.filter((f): f is string => typeof f === 'string') : [],
    objects,
    screenPopSettings: settings,
  };
}

/** Reads getSoftphoneLayout's returnValue (Classic: the parsed JSON string). */
export function parseSoftphoneLayout(value: unknown): SoftphoneLayout {
  const o = record(value) ?? {};
  return { Inbound: readSection(o.Inbound), Outbound: readSection(o.Outbound), Internal: readSection(o.Internal) };
}

export function layoutSection(layout: SoftphoneLayout, callType: 'inbound' | 'outbound'): LayoutSection {
  return callType === 'inbound' ? layout.Inbound : layout.Outbound;
}

/** The object a no-match pop creates, when the layout says "new record of <object>". */
export function noMatchNewRecordObject(section: LayoutSection): string | undefined {
  const no = section.screenPopSettings.NoMatch;
  return no && no.screenPopType === 'PopToEntity' && no.screenPopData ? no.screenPopData : undefined;
}
