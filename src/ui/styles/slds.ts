/**
 * The few Salesforce Lightning Design System tokens and classes the panel uses, hand-picked from
 * @salesforce-ux/design-system (values of its global tokens: brand rgb(1,118,211), neutral text
 * #181818, borders #c9c9c9/#e5e5e5, radius .25rem, the `slds-button*`, `slds-input`, `slds-select`,
 * `slds-badge` shapes). The full sheet is ~960 KB raw / 98 KB gzipped; the panel needs about 3 KB of
 * it, shared by every component through one constructed stylesheet.
 */
import { css } from 'lit';

export const slds = css`
  :host {
    display: block;
    --sb-brand: rgb(1, 118, 211);
    --sb-brand-dark: rgb(1, 68, 134);
    --sb-success: rgb(46, 132, 74);
    --sb-success-dark: rgb(25, 68, 39);
    --sb-error: rgb(186, 5, 23);
    --sb-error-dark: rgb(142, 3, 15);
    --sb-warning: rgb(221, 122, 1);
    --sb-text: rgb(24, 24, 24);
    --sb-text-weak: rgb(68, 68, 68);
    --sb-border: rgb(201, 201, 201);
    --sb-border-weak: rgb(229, 229, 229);
    --sb-bg: rgb(255, 255, 255);
    --sb-bg-alt: rgb(243, 243, 243);
    --sb-radius: 0.25rem;
    font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji';
    font-size: 0.8125rem;
    line-height: 1.5;
    color: var(--sb-text);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  h2, h3, p, ul, ol { margin: 0; padding: 0; }
  ul, ol { list-style: none; }
  [hidden] { display: none !important; }

  .slds-button {
    display: inline-flex; align-items: center; justify-content: center; gap: 0.25rem;
    min-height: 2rem; padding: 0 0.75rem; border: 1px solid var(--sb-border); border-radius: var(--sb-radius);
    background: var(--sb-bg); color: var(--sb-brand); font: inherit; font-weight: 400; line-height: 1.875rem;
    cursor: pointer; white-space: nowrap; text-decoration: none; user-select: none;
  }
  .slds-button:hover { background: var(--sb-bg-alt); }
  .slds-button:focus-visible, .slds-input:focus, .slds-select:focus, .slds-textarea:focus {
    outline: 0; border-color: var(--sb-brand); box-shadow: 0 0 3px var(--sb-brand);
  }
  .slds-button:disabled { background: var(--sb-bg-alt); border-color: var(--sb-border-weak); color: rgb(174, 174, 174); cursor: default; }
  .slds-button_brand { background: var(--sb-brand); border-color: var(--sb-brand); color: #fff; }
  .slds-button_brand:hover { background: var(--sb-brand-dark); }
  .slds-button_success { background: var(--sb-success); border-color: var(--sb-success); color: #fff; }
  .slds-button_success:hover { background: var(--sb-success-dark); }
  .slds-button_destructive { background: var(--sb-error); border-color: var(--sb-error); color: #fff; }
  .slds-button_destructive:hover { background: var(--sb-error-dark); }
  .slds-button[aria-pressed='true'] { background: rgb(216, 230, 254); border-color: var(--sb-brand); }
  .slds-button_stretch { width: 100%; }

  .slds-input, .slds-select, .slds-textarea {
    width: 100%; min-height: 2rem; padding: 0 0.75rem; border: 1px solid var(--sb-border); border-radius: var(--sb-radius);
    background: var(--sb-bg); color: var(--sb-text); font: inherit; line-height: 1.875rem;
  }
  .slds-textarea { min-height: 4rem; padding: 0.5rem 0.75rem; line-height: 1.5; resize: vertical; }
  .slds-form-element { display: block; margin-bottom: 0.5rem; }
  .slds-form-element__label { display: block; color: var(--sb-text-weak); font-size: 0.75rem; padding-bottom: 0.125rem; }

  .slds-badge {
    display: inline-flex; align-items: center; gap: 0.25rem; padding: 0.125rem 0.5rem; border-radius: 15rem;
    background: var(--sb-bg-alt); font-size: 0.75rem; font-weight: 700; white-space: nowrap;
  }
  .slds-text-title { color: var(--sb-text-weak); font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.0625rem; }
  .sb-meta { color: var(--sb-text-weak); font-size: 0.75rem; }
  .slds-text-heading_small { font-size: 1rem; font-weight: 700; }
  .slds-truncate { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .slds-notify { padding: 0.5rem 0.75rem; border-radius: var(--sb-radius); color: #fff; background: var(--sb-error); }
  .slds-notify_info { background: rgb(116, 116, 116); }
  .slds-notify_warning { background: rgb(254, 147, 57); color: var(--sb-text); }
  .slds-card { border: 1px solid var(--sb-border); border-radius: var(--sb-radius); background: var(--sb-bg); padding: 0.75rem; }
  .sb-dot { display: inline-block; width: 0.625rem; height: 0.625rem; border-radius: 50%; background: rgb(174, 174, 174); flex: none; }
  .sb-dot_ok, .sb-dot_available { background: var(--sb-success); }
  .sb-dot_busy, .sb-dot_warning, .sb-dot_away { background: var(--sb-warning); }
  .sb-dot_error, .sb-lamp_busy { background: var(--sb-error); }
  .sb-lamp_idle { background: var(--sb-success); }
  .sb-lamp_ringing, .sb-lamp_away { background: var(--sb-warning); }
  .sb-row { display: flex; align-items: center; gap: 0.5rem; }
  .sb-grow { flex: 1; min-width: 0; }
  .sb-stack > * + * { margin-top: 0.5rem; }
  .sb-actions { display: flex; flex-wrap: wrap; gap: 0.375rem; }
`;
