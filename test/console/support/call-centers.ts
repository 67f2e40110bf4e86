/** Call Center definition files for the console tests (Setup-import format). */
export interface CallCenterXmlOptions {
  readonly internalName: string;
  readonly displayName?: string;
  readonly adapterUrl: string;
  readonly mode?: 'Lightning' | 'Classic' | 'Classic_and_Lightning';
  readonly width?: number;
  readonly height?: number;
  readonly awayReasons?: string;
  /** More reqGeneralInfo items, e.g. reqStandbyUrl and reqTimeout. */
  readonly extraGeneral?: readonly [string, string, string][];
}

export function callCenterXml(o: CallCenterXmlOptions): string {
  const items: [string, string, string][] = [
    ['reqInternalName', 'Internal Name', o.internalName],
    ['reqDisplayName', 'Display Name', o.displayName ?? o.internalName],
    ['reqAdapterUrl', 'CTI Adapter URL', o.adapterUrl],
    ['reqUseApi', 'Use CTI API', 'true'],
    ['reqSoftphoneHeight', 'Softphone Height', String(o.height ?? 480)],
    ['reqSoftphoneWidth', 'Softphone Width', String(o.width ?? 320)],
    ['reqSalesforceCompatibilityMode', 'Salesforce Compatibility Mode', o.mode ?? 'Lightning'],
    ...(o.extraGeneral ?? []),
  ];
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
${items.map(([n, l, v], i) => `    <item sortOrder="${i}" name="${n}" label="${l}">${esc(v)}</item>`).join('\n')}
  </section>
  <section sortOrder="1" name="switchboard" label="Switchboard Connector">
    <item sortOrder="0" name="sipWebSocketUrl" label="SIP WebSocket URL">ws://127.0.0.1:5060</item>
    <item sortOrder="1" name="sipDomain" label="SIP Domain">switchboard.test</item>
    <item sortOrder="2" name="awayReasons" label="Away Reasons">${esc(o.awayReasons ?? 'Break:Break;Lunch:Lunch')}</item>
  </section>
</callCenter>
`;
}
