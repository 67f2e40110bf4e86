/** The checks of a Salesforce Voice contact center (a reqHvcc section or reqVendorInfoApiName). */
import { certificateCommand, checkCertificate, EXPIRY_WARNING_DAYS } from './certificate-check.ts';
import type { LintProfile } from './lint-profile.ts';
import type { Reporter } from './lint-reporter.ts';
import type { ParsedCallCenter } from './parsed-call-center.ts';
import type { LocatedValue } from './read-parts.ts';
import { DIALING_OPTIONS, GENERAL_INFO, HVCC, OPENCTI_ONLY_GENERAL_ITEMS, VENDOR_INFO_API_NAME } from './salesforce-names.ts';
import { checkUrl } from './url-checks.ts';
import type { XmlElement } from './xml-tree.ts';

/** What a Salesforce Voice contact center needs, and what of Open CTI it carries for nothing. */
export function checkVoice(
  cc: ParsedCallCenter,
  root: XmlElement,
  r: Reporter,
  profile: LintProfile,
  generalValue: (name: string) => LocatedValue | undefined,
  now: Date,
): void {
  const general = cc.section(GENERAL_INFO);
  const hvcc = cc.section(HVCC);
  const vendor = generalValue('reqVendorInfoApiName');
  if (!vendor || vendor.value === '') {
    r.report(
      'voice-vendor-info-missing',
      vendor?.at ?? general?.position ?? root.position,
      'This Salesforce Voice contact center (it has a reqHvcc section) names no ConversationVendorInfo: reqGeneralInfo has no reqVendorInfoApiName, so Salesforce knows neither the connector nor the telephony provider.',
      'Add <item name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">namespace__VendorName</item> to reqGeneralInfo (the ConversationVendorInfo `switchboard package build` writes).',
    );
  } else if (!VENDOR_INFO_API_NAME.test(vendor.value)) {
    const why = !vendor.value.includes('__')
      ? 'has no namespace (no __)'
      : 'is not <namespace>__<developer name> (a namespace of a letter and up to 14 letters and digits; a developer name of letters, digits and single underscores, starting with a letter)';
    r.report(
      'voice-vendor-info-invalid',
      vendor.at,
      `reqVendorInfoApiName '${vendor.value}' ${why}.`,
      "Write the namespaced developer name of the package's ConversationVendorInfo, e.g. switchboard__SwitchboardVoice.",
    );
  }

  const adapter = generalValue('reqAdapterUrl');
  if (adapter && adapter.value !== '') {
    if (adapter.value.startsWith('/') && !adapter.value.startsWith('//')) {
      if (profile === 'switchboard')
        r.report(
          'adapter-url-relative',
          adapter.at,
          `reqAdapterUrl '${adapter.value}' is a relative Visualforce URL; Switchboard's Voice connector is a hosted page (/voice/ beside the softphone), not a Visualforce page of the package.`,
          "Use the https URL of the hosted connector's Voice page, e.g. https://switchboard.example.com/voice/ (the console emulator serves it at its Visualforce origin + /voice/).",
        );
    } else checkUrl('reqAdapterUrl', adapter.value, adapter.at, r, profile);
  } else if (profile === 'switchboard') {
    r.report(
      'voice-adapter-url-missing',
      adapter?.at ?? general?.position ?? root.position,
      'reqGeneralInfo has no reqAdapterUrl: an org loads the connector from ConversationVendorInfo.connectorUrl, but the console emulator loads the Voice connector page from this item.',
      "Add reqAdapterUrl with the connector's Voice page URL (the same as the ConversationVendorInfo connectorUrl).",
    );
  }

  const certItem = hvcc?.items.find((i) => i.name === 'reqTelephonyIntegrationCertificate');
  if (!certItem || certItem.value === '') {
    const where = certItem
      ? 'reqTelephonyIntegrationCertificate is empty'
      : hvcc
        ? 'the reqHvcc section has no reqTelephonyIntegrationCertificate'
        : 'there is no reqHvcc (SCV Settings) section';
    r.report(
      'voice-certificate-missing',
      certItem?.valuePosition ?? hvcc?.position ?? general?.position ?? root.position,
      `This Salesforce Voice contact center has no Telephony Integration Certificate (${where}): Salesforce cannot verify the JWTs the voice bridge signs, so no VoiceCall can be created.`,
      `Add the certificate (PEM) as reqHvcc/reqTelephonyIntegrationCertificate; make the key pair with: ${certificateCommand('voice-bridge-cert.pem')}`,
    );
  } else {
    const verdict = checkCertificate(certItem.value, 'reqTelephonyIntegrationCertificate', now);
    if (verdict.ok) {
      if (verdict.daysLeft < EXPIRY_WARNING_DAYS)
        r.report(
          'voice-certificate-expiring',
          certItem.valuePosition,
          `reqTelephonyIntegrationCertificate expires on ${verdict.notAfter.toISOString()} (in ${verdict.daysLeft} day(s)); from then on Salesforce refuses the voice bridge's JWTs.`,
          `Make a new key pair and certificate (${certificateCommand('voice-bridge-cert.pem')}), put the certificate here and the key on the voice bridge before then.`,
        );
    } else {
      const fixes = {
        empty: 'Paste the certificate (PEM).',
        'private-key':
          "Remove the private key from the contact center at once, make a new key pair (this one is exposed), keep the key on the voice bridge's host and put only the certificate (-----BEGIN CERTIFICATE-----) here.",
        invalid: `Paste the whole certificate from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; make one with: ${certificateCommand('voice-bridge-cert.pem')}`,
        'not-rsa': `Make an RSA key pair: ${certificateCommand('voice-bridge-cert.pem')}`,
        expired: `Make a new key pair and certificate (${certificateCommand('voice-bridge-cert.pem')}); put the certificate here and the key on the voice bridge.`,
      } as const;
      const rule =
        verdict.kind === 'private-key'
          ? 'voice-certificate-private-key'
          : verdict.kind === 'not-rsa'
            ? 'voice-certificate-not-rsa'
            : verdict.kind === 'expired'
              ? 'voice-certificate-expired'
              : 'voice-certificate-invalid';
      r.report(rule, certItem.valuePosition, verdict.message, fixes[verdict.kind]);
    }
  }

  const prefix = hvcc?.items.find((i) => i.name === 'reqLongDistPrefix');
  if (prefix && !/^\d*$/.test(prefix.value))
    r.report(
      'dialing-prefix-invalid',
      prefix.valuePosition,
      `reqLongDistPrefix '${prefix.value}' is not a string of digits.`,
      'Write digits only, e.g. 1; leave it empty for none.',
    );

  for (const entry of general?.items ?? []) {
    if (OPENCTI_ONLY_GENERAL_ITEMS.includes(entry.name))
      r.report(
        'voice-opencti-item',
        entry.position,
        `${entry.name} is an Open CTI softphone item; a Salesforce Voice contact center ignores it (Salesforce draws the phone and loads the connector from the ConversationVendorInfo).`,
        `Remove ${entry.name}.`,
      );
  }
  const dialing = cc.section(DIALING_OPTIONS);
  if (dialing)
    r.report(
      'voice-opencti-item',
      dialing.position,
      'reqDialingOptions is the Open CTI dialing section; a Salesforce Voice contact center reads its long-distance prefix from reqHvcc/reqLongDistPrefix.',
      'Move the long-distance prefix to reqHvcc/reqLongDistPrefix and remove reqDialingOptions.',
    );
}
