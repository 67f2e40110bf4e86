/** The customer phone: a web SIP phone that plays the caller in demos and tests. */
export { customerPhoneHandler, serveCustomerPhone, CUSTOMER_PHONE_FILES } from './serve.ts';
export type { CustomerPhoneOptions, CustomerPhoneServer } from './serve.ts';
