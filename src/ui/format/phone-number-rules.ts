/**
 * The part of libphonenumber-js the panel uses, loaded as one chunk by `phone-format.ts`. Named
 * exports, not the package as a whole: a dynamic `import('libphonenumber-js')` keeps all of it
 * (number finding in text, every formatter: ~38 KB the panel never runs) in the chunk and the heap.
 */
export { AsYouType, parsePhoneNumberFromString } from 'libphonenumber-js';
