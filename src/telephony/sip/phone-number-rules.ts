/**
 * The part of libphonenumber-js the dial-string normaliser uses, loaded as one chunk by
 * `number-normalizer.ts`: named exports, so the bundler keeps only these and what they need (the
 * metadata and parser, shared with the panel's chunk) rather than the whole package.
 */
export { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';
