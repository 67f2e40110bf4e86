/**
 * The utility bar: the Phone item (label, icon, panel label/icon, width and height, open or
 * minimised; its panel and softphone iframe exist from app load, so the softphone runs while
 * minimised) and the Omni-Channel item (presence statuses: Available, Away with the call center's
 * reasons, Offline; its panel opens and closes from the item and its minimize control). The bar
 * and its panels stay above page modals (console.css), as Lightning's utility bar does.
 */
import { h, clear, icon, setIcon } from './dom.ts';

export interface PhoneItemState {
  itemLabel: string;
  itemIcon: string;
  panelLabel: string;
  panelIcon: string;
  widthPX: number;
  heightPX: number;
  visible: boolean;
}

export interface OmniStatus {
  readonly status: 'available' | 'away' | 'offline' | 'on-call' | 'wrap-up';
  readonly reasonId?: string;
}

export class UtilityBar {
  readonly phone: PhoneItemState;
  readonly phonePanel: HTMLElement;
  readonly frameHost: HTMLElement;
  private readonly phoneButton: HTMLButtonElement;
  private readonly phoneHeader: HTMLElement;
  // Icons and labels are built once and updated in place (setIcon says why).
  private readonly phoneIcon = icon('call');
  private readonly phoneLabel = h('span', {});
  private readonly phoneHeaderIcon = icon('call');
  private readonly phoneHeaderLabel = h('h2', { class: 'slds-utility-panel__header-label' });
  private readonly omniLabel = h('span', {});
  private readonly omniPanel: HTMLElement;
  private readonly omniButton: HTMLButtonElement;
  private readonly omniHeader: HTMLElement;
  private readonly omniBody: HTMLElement;
  /** Below the status list: Salesforce's own phone under Salesforce Voice (web/voice/voice-phone.ts). */
  readonly omniExtra: HTMLElement;
  omni: OmniStatus = { status: 'offline' };
  private omniOpen = false;

  constructor(
    root: HTMLElement,
    initial: Pick<PhoneItemState, 'widthPX' | 'heightPX'>,
    private readonly awayReasons: readonly { id: string; label: string }[],
    private readonly onOmniChange: (status: OmniStatus) => void,
    private readonly phoneAvailable: boolean,
  ) {
    this.phone = { itemLabel: 'Phone', itemIcon: 'call', panelLabel: 'Phone', panelIcon: 'call', visible: false, ...initial };
    this.phoneButton = h(
      'button',
      {
        class: 'slds-button console-utility-action',
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': 'phone-panel',
        onclick: () => this.setVisible(!this.phone.visible),
      },
      this.phoneIcon,
      this.phoneLabel,
    );
    this.phoneHeader = h(
      'header',
      { class: 'console-panel-header' },
      this.phoneHeaderIcon,
      this.phoneHeaderLabel,
      h('button', { class: 'slds-button slds-button_icon', type: 'button', 'aria-label': 'Minimize Phone', onclick: () => this.setVisible(false) }, '–'),
    );
    this.frameHost = h('div', { class: 'console-softphone-host' });
    this.phonePanel = h(
      'section',
      { id: 'phone-panel', class: 'console-phone-panel', role: 'dialog', 'aria-label': 'Phone panel' },
      this.phoneHeader,
      this.frameHost,
    );
    this.omniButton = h(
      'button',
      {
        class: 'slds-button console-utility-action',
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': 'omni-panel',
        onclick: () => this.setOmniOpen(!this.omniOpen),
      },
      icon('omni_channel'),
      this.omniLabel,
    );
    this.omniHeader = h(
      'header',
      { class: 'console-panel-header' },
      icon('omni_channel'),
      h('h2', { class: 'slds-utility-panel__header-label' }, 'Omni-Channel'),
      h(
        'button',
        { class: 'slds-button slds-button_icon', type: 'button', 'aria-label': 'Minimize Omni-Channel', onclick: () => this.setOmniOpen(false) },
        '–',
      ),
    );
    this.omniBody = h('div', {});
    this.omniExtra = h('div', {});
    this.omniPanel = h(
      'section',
      { id: 'omni-panel', class: 'console-omni-panel', role: 'dialog', 'aria-label': 'Omni-Channel' },
      this.omniHeader,
      this.omniBody,
      this.omniExtra,
    );
    const items = h('ul', { class: 'console-utility-items' }, phoneAvailable ? h('li', {}, this.phoneButton) : null, h('li', {}, this.omniButton));
    root.append(h('footer', { class: 'console-utility-bar', 'aria-label': 'Utility Bar' }, items), this.phonePanel, this.omniPanel);
    this.renderPhone();
    this.renderOmni();
  }

  setVisible(visible: boolean): void {
    this.phone.visible = visible;
    this.renderPhone();
  }

  renderPhone(): void {
    setIcon(this.phoneIcon, this.phone.itemIcon);
    this.phoneLabel.textContent = this.phone.itemLabel;
    this.phoneButton.setAttribute('aria-expanded', String(this.phone.visible));
    this.phoneButton.dataset.icon = this.phone.itemIcon;
    setIcon(this.phoneHeaderIcon, this.phone.panelIcon);
    this.phoneHeaderLabel.textContent = this.phone.panelLabel;
    this.phoneHeader.dataset.icon = this.phone.panelIcon;
    // Minimised = moved off screen, never display:none: the softphone keeps running, as in Lightning.
    this.phonePanel.classList.toggle('console-minimized', !this.phone.visible);
    this.phonePanel.setAttribute('aria-hidden', String(!this.phone.visible));
    this.phonePanel.style.width = `${this.phone.widthPX}px`;
    this.phonePanel.style.height = `${this.phone.heightPX}px`;
    // Omni-Channel opens beside the Phone panel, never over the softphone (whatever its width).
    if (this.phoneAvailable) this.omniPanel.style.left = `calc(1rem + ${this.phone.widthPX}px)`;
  }

  get omniPanelOpen(): boolean {
    return this.omniOpen;
  }

  setOmniOpen(open: boolean): void {
    this.omniOpen = open;
    this.renderOmni();
  }

  setOmni(status: OmniStatus, notify: boolean): void {
    this.omni = status;
    this.renderOmni();
    if (notify) this.onOmniChange(status);
  }

  statusLabel(s: OmniStatus = this.omni): string {
    if (s.status === 'away') return `Away - ${this.awayReasons.find((r) => r.id === s.reasonId)?.label ?? s.reasonId ?? ''}`.trim();
    return { available: 'Available', offline: 'Offline', 'on-call': 'On a Call', 'wrap-up': 'Wrap-Up', away: 'Away' }[s.status];
  }

  private renderOmni(): void {
    this.omniLabel.textContent = `Omni-Channel (${this.statusLabel()})`;
    this.omniButton.setAttribute('aria-expanded', String(this.omniOpen));
    clear(this.omniBody);
    this.omniPanel.hidden = !this.omniOpen;
    const choices: OmniStatus[] = [
      { status: 'available' },
      ...this.awayReasons.map((r) => ({ status: 'away' as const, reasonId: r.id })),
      { status: 'offline' },
    ];
    this.omniBody.append(
      h('p', { 'data-omni-status': this.omni.status }, `Status: ${this.statusLabel()}`),
      h(
        'div',
        { role: 'radiogroup', 'aria-label': 'Presence status' },
        choices.map((c) => {
          const checked = c.status === this.omni.status && (c.reasonId ?? '') === (this.omni.reasonId ?? '');
          return h(
            'button',
            { type: 'button', role: 'radio', 'aria-checked': String(checked), class: 'slds-button slds-button_neutral', onclick: () => this.setOmni(c, true) },
            this.statusLabel(c),
          );
        }),
      ),
    );
  }
}
