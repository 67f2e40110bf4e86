/**
 * The permission sets of the Open CTI package: what agents and admins are granted. What each may
 * reach is a security decision (agents must never read the phone system's secret; the Setup tab
 * must not widen what an admin may change), so the grants are kept together where they can be
 * reviewed apart from the files the builder places. The Salesforce Voice package grants its own
 * (voice-package.ts).
 */
import { METADATA_NAMESPACE } from '../callcenter/salesforce-names.ts';
import { CALL_LOG_APEX_CLASS } from './call-log-apex.ts';
import { CREDENTIALS_APEX_CLASS, EXTENSION_FIELD } from './credentials-apex.ts';
import { XML_DECL } from './metadata-xml.ts';
import { RECORDS_APEX_CLASS } from './records-apex.ts';
import { SETUP_APEX_CLASS } from './setup-apex.ts';
import { SETUP_TAB } from './setup-lwc.ts';

export const PERMISSION_SET_NAME = 'SwitchboardAgent';
export const ADMIN_PERMISSION_SET_NAME = 'SwitchboardAdmin';

/** Task fields the connector writes in a call log (Open CTI saveLog). */
export const TASK_CALL_FIELDS = ['CallDisposition', 'CallDurationInSeconds', 'CallObject', 'CallType'] as const;

/**
 * Agents using the softphone; `softphonePage` is the Visualforce page that hosts it (undefined when
 * it is hosted outside the org).
 *
 * No customMetadataTypeAccesses: agents must not read the phone system's secret (Apex reads it in system mode).
 */
export function agentPermissionSet(softphonePage: string | undefined): string {
  return [
    XML_DECL,
    `<PermissionSet xmlns="${METADATA_NAMESPACE}">`,
    `    <classAccesses>`,
    `        <apexClass>${CALL_LOG_APEX_CLASS}</apexClass>`,
    '        <enabled>true</enabled>',
    '    </classAccesses>',
    '    <classAccesses>',
    `        <apexClass>${CREDENTIALS_APEX_CLASS}</apexClass>`,
    '        <enabled>true</enabled>',
    '    </classAccesses>',
    '    <classAccesses>',
    `        <apexClass>${RECORDS_APEX_CLASS}</apexClass>`,
    '        <enabled>true</enabled>',
    '    </classAccesses>',
    '    <description>Agents using the Switchboard softphone: the softphone page, the call-log lookup and credential classes, the Task call fields the call log writes, and their own SIP extension (read only).</description>',
    ...TASK_CALL_FIELDS.flatMap((field) => [
      '    <fieldPermissions>',
      '        <editable>true</editable>',
      `        <field>Task.${field}</field>`,
      '        <readable>true</readable>',
      '    </fieldPermissions>',
    ]),
    '    <fieldPermissions>',
    '        <editable>false</editable>',
    `        <field>User.${EXTENSION_FIELD}</field>`,
    '        <readable>true</readable>',
    '    </fieldPermissions>',
    '    <hasActivationRequired>false</hasActivationRequired>',
    '    <label>Switchboard Agent</label>',
    ...(softphonePage !== undefined
      ? ['    <pageAccesses>', `        <apexPage>${softphonePage}</apexPage>`, '        <enabled>true</enabled>', '    </pageAccesses>']
      : []),
    '</PermissionSet>',
    '',
  ].join('\n');
}

/**
 * Admins who configure call centers: the Setup tab and its controller. The Metadata API calls run
 * as the admin (a per-user Named Credential), so this grants no right to change a call center.
 */
export function adminPermissionSet(): string {
  return [
    XML_DECL,
    `<PermissionSet xmlns="${METADATA_NAMESPACE}">`,
    '    <classAccesses>',
    `        <apexClass>${SETUP_APEX_CLASS}</apexClass>`,
    '        <enabled>true</enabled>',
    '    </classAccesses>',
    '    <description>Admins configuring Switchboard call centers: the Switchboard Setup tab and its Apex controller.</description>',
    '    <hasActivationRequired>false</hasActivationRequired>',
    '    <label>Switchboard Admin</label>',
    '    <tabSettings>',
    `        <tab>${SETUP_TAB}</tab>`,
    '        <visibility>Visible</visibility>',
    '    </tabSettings>',
    '</PermissionSet>',
    '',
  ].join('\n');
}
