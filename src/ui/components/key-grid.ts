/** The twelve phone keys, shared by the dialpad (dial a number) and the keypad (send DTMF). */
import { css, html, type TemplateResult } from 'lit';

export const KEYS: readonly { readonly digit: string; readonly letters: string }[] = [
  { digit: '1', letters: '' },
  { digit: '2', letters: 'ABC' },
  { digit: '3', letters: 'DEF' },
  { digit: '4', letters: 'GHI' },
  { digit: '5', letters: 'JKL' },
  { digit: '6', letters: 'MNO' },
  { digit: '7', letters: 'PQRS' },
  { digit: '8', letters: 'TUV' },
  { digit: '9', letters: 'WXYZ' },
  { digit: '*', letters: '' },
  { digit: '0', letters: '+' },
  { digit: '#', letters: '' },
];

export function keyGrid(onKey: (digit: string) => void, label: (digit: string) => string, disabled = false): TemplateResult {
  return html`<div class="sb-keys" role="group">
    ${KEYS.map(
      (k) => html`<button type="button" class="slds-button sb-key" aria-label=${label(k.digit)} ?disabled=${disabled} @click=${() => onKey(k.digit)}>
      <span class="sb-key-digit" aria-hidden="true">${k.digit}</span><span class="sb-key-letters" aria-hidden="true">${k.letters}</span>
    </button>`,
    )}
  </div>`;
}

export const keyGridStyles = css`
  .sb-keys { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.375rem; }
  .sb-key { flex-direction: column; min-height: 2.75rem; line-height: 1.1; gap: 0; color: var(--sb-text); }
  .sb-key-digit { font-size: 1.125rem; }
  .sb-key-letters { font-size: 0.625rem; color: var(--sb-text-weak); min-height: 0.625rem; letter-spacing: 0.05rem; }
`;
