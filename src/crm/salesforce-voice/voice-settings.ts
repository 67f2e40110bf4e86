/**
 * Salesforce Voice hands the connector its Call Center in `SETUP_CONNECTOR`'s `connectorConfig`: a
 * flat map of every item as `/section/item` (the Switchboard items under `/switchboard/…`, as the
 * Open CTI connector reads them) plus values such as `isACWAllowed` (booleans may come as such).
 * They are parsed by the same `parseConnectorSettings`; what Salesforce owns under Voice is then
 * set its way.
 */
import { parseConnectorSettings, SwitchboardError, type ConnectorSettings } from '../../core/index.ts';

/** The INVITE header the phone system adds for each agent it forks to (shared contract of the Voice bridge). */
export const VOICE_CALL_ID_HEADER = 'x-salesforce-voicecall-id';
/** The attached-data key that header becomes. */
export const VOICE_CALL_ID_KEY = 'voiceCallId';

export function voiceSettings(connectorConfig: unknown): ConnectorSettings {
  if (typeof connectorConfig !== 'object' || connectorConfig === null || Array.isArray(connectorConfig)) {
    const got = connectorConfig === null ? 'null' : Array.isArray(connectorConfig) ? 'a list' : typeof connectorConfig;
    throw new SwitchboardError('SB10001', `SETUP_CONNECTOR: connectorConfig must be an object of call center items, got ${got}.`);
  }
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(connectorConfig as Record<string, unknown>)) {
    if (typeof value === 'string') map[key] = value;
    else if (typeof value === 'boolean' || typeof value === 'number') map[key] = String(value);
  }
  const parsed = parseConnectorSettings(map);
  if (!parsed.ok) {
    throw new SwitchboardError('SB10001', `SETUP_CONNECTOR: ${parsed.problems.map((p) => `${p.key}: ${p.message}`).join(' ')}`);
  }
  const s = parsed.settings;
  return {
    ...s,
    sip: { ...s.sip, headerMappings: { ...s.sip.headerMappings, [VOICE_CALL_ID_HEADER]: VOICE_CALL_ID_KEY } },
    // After-call work is Salesforce's when it allows it (isACWAllowed); it ends it (WRAP_UP_CALL).
    wrapUp: { enabled: /^true$/i.test(map['isACWAllowed'] ?? ''), timeLimitSeconds: 0 },
    // Omni-Channel statuses are the away reasons, whatever their ids: none is refused.
    awayReasons: [],
  };
}
