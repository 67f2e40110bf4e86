/**
 * Whose Call Center the file is checked as: `switchboard` adds the connector's own advice (its
 * section, how its adapter page is deployed); `generic` checks only what Salesforce itself needs.
 */
export type LintProfile = 'switchboard' | 'generic';

/** Which Salesforce telephony the call center is for: Open CTI, or Salesforce Voice (a reqHvcc section or reqVendorInfoApiName). */
export type CallCenterSurface = 'opencti' | 'voice';
